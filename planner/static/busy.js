// A form with a [data-busy] element shows it once sent (reading a large file takes a few
// seconds) and ignores a second click meanwhile. Without scripts the form works the same.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const busy = form.querySelector("[data-busy]");
  if (!busy) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "yes";
  busy.hidden = false;
});
// Coming back to the page (the browser's Back button) makes the form usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sent]").forEach((form) => {
    delete form.dataset.sent;
    const busy = form.querySelector("[data-busy]");
    if (busy) busy.hidden = true;
  });
});
