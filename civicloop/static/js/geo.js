// Order pages (check-in, check-out, report). Everything here is optional: the forms work without it.
document.addEventListener("DOMContentLoaded", () => {
  // A link to #action-<name> opens that action's form.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") target.open = true;

  // One tap, one post: a second tap while the page is loading does nothing (the server refuses repeats too).
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach((b) => b.setAttribute("aria-disabled", "true"));
    });
  });

  // The report: show how far a changed figure is from the one pre-filled from check-in/check-out.
  document.querySelectorAll("input[data-attended]").forEach((input) => {
    const note = document.createElement("p");
    note.className = "o-diff";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);
    const show = () => {
      const diff = (parseFloat(input.value) || 0) - parseFloat(input.dataset.attended);
      const text = diff > 0.001 ? input.dataset.diffMore : diff < -0.001 ? input.dataset.diffLess : "";
      note.textContent = text ? text.replace("%(h)s", String(Math.round(Math.abs(diff) * 100) / 100)) : "";
    };
    input.addEventListener("input", show);
    show();
  });

  // The check-in position from the phone's location, if the person allows it.
  if (!navigator.geolocation) return;
  const forms = document.querySelectorAll("form[data-geo]");
  if (!forms.length) return;
  navigator.geolocation.getCurrentPosition((pos) => {
    forms.forEach((form) => {
      const lat = form.querySelector("input[name=lat]"), lng = form.querySelector("input[name=lng]");
      if (lat && lng) { lat.value = pos.coords.latitude.toFixed(6); lng.value = pos.coords.longitude.toFixed(6); }
    });
  }, () => {}, { timeout: 8000, maximumAge: 60000 });
});
