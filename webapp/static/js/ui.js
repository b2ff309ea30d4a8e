// Small behaviours that pages ask for with data-* attributes (the Content-Security-Policy
// forbids inline event handlers): data-confirm on a form asks before submitting, data-print prints.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
