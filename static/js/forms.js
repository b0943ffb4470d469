// Move focus to an error summary when a form comes back with errors, so screen readers read it
// and keyboard users start from it. Kept out of the page so no inline script is needed.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target) { target.focus(); }
});
