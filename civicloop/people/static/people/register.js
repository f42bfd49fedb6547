// Show the guardian fields only when the birth date says the person is a child under 14.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-guardian-form]");
  if (!form) return;
  const birth = form.querySelector("input[name=birth_date]");
  const names = ["guardian_name", "guardian_phone", "guardian_consent"];
  const fields = names.map((n) => form.querySelector(`[name=${n}]`)).filter(Boolean).map((el) => el.closest(".field"));
  if (!birth || !fields.length) return;
  const update = () => {
    let minor = false;
    if (birth.value) {
      const born = new Date(birth.value);
      const limit = new Date();
      limit.setFullYear(limit.getFullYear() - 14);
      minor = born > limit;
    }
    const hasError = fields.some((f) => f.classList.contains("has-error"));
    fields.forEach((f) => { f.hidden = !(minor || hasError); });
  };
  birth.addEventListener("input", update);
  birth.addEventListener("change", update);
  update();
});
