// The essay box's live 字 counter. It counts with the server's own pattern (data-zi-pattern, from
// civicloop/contests/text.py), so the number shown is the number the server checks on submit. Messages come
// translated in data attributes (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-count=zi][data-zi-pattern]").forEach((box) => {
    const d = box.dataset;
    let token;
    try { token = new RegExp(d.ziPattern, "gu"); } catch (e) { return; }
    const guideline = parseInt(d.ziGuideline || "", 10);
    const limit = parseInt(d.ziLimit || "", 10);
    const out = document.createElement("p");
    out.className = "zi-count";
    out.setAttribute("aria-live", "polite");
    const number = document.createElement("b");
    const bounds = document.createElement("span");
    const verdict = document.createElement("span");
    verdict.className = "zi-verdict";
    out.append(number, bounds, verdict);
    box.insertAdjacentElement("afterend", out);
    const parts = [d.ziGuidelineText, d.ziLimitText].filter(Boolean);
    bounds.textContent = parts.length ? "（" + parts.join("，") + "）" : "";
    const update = () => {
      const n = (box.value.match(token) || []).length;
      number.textContent = d.ziLabel.replace("%(n)s", String(n));
      out.dataset.count = String(n);
      let state = "ok";
      let text = Number.isNaN(guideline) && Number.isNaN(limit) ? "" : d.ziOk;
      if (!Number.isNaN(limit) && n > limit) {
        state = "over-limit";
        text = d.ziOverLimit.replace("%(l)s", String(limit));
      } else if (!Number.isNaN(guideline) && n > guideline) {
        state = "over-guideline";
        text = d.ziOverGuideline.replace("%(g)s", String(guideline));
      }
      out.dataset.state = state;
      verdict.textContent = text ? " " + text : "";
    };
    box.addEventListener("input", update);
    update();
  });
});
