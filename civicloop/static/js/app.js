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
