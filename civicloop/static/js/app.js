// Small behaviours that plain HTML cannot do. Everything works without JavaScript too.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
});

// Instead of inline handlers (the Content-Security-Policy allows no inline script):
// <select data-autosubmit> submits its form on change, <button data-print> prints the page, and an htmx
// trigger marked data-remove-after-request removes itself once its request succeeded.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (elt && elt.matches && elt.matches("[data-remove-after-request]") && event.detail.successful) elt.remove();
});

// Navigation (core/_menus.html): the phone drawer opens from its button (aria-expanded); one desk menu is open at
// a time, and a click outside or Escape closes it.
(() => {
  const toggle = document.querySelector("[data-nav-toggle]");
  const drawer = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  const setDrawer = (open) => {
    if (!drawer) return;
    drawer.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("drawer-open", open);
    if (open) (drawer.querySelector("summary, a, button") || drawer).focus();
    else toggle.focus();
  };
  const menus = () => document.querySelectorAll("details[data-menu][open]");
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-nav-toggle]")) return setDrawer(!drawer.classList.contains("open"));
    if (event.target.closest("[data-nav-close]")) return setDrawer(false);
    if (drawer && drawer.classList.contains("open") && !event.target.closest("#" + drawer.id)) setDrawer(false);
    const inside = event.target.closest("details[data-menu]");
    menus().forEach((d) => { if (d !== inside && !(drawer && drawer.classList.contains("open"))) d.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (drawer && drawer.classList.contains("open")) return setDrawer(false);
    menus().forEach((d) => { d.open = false; d.querySelector("summary").focus(); });
  });
})();
