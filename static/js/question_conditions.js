// A question's conditions in the admin: under "is one of", show only the answers of the question
// or detail chosen in "Show this question only if". Without this script every group shows, and
// the server says when a ticked answer belongs to another one.
(function () {
  var SOURCE = "select[name$='-source']";

  function groups(select) {
    var row = select.closest(".inline-related");
    return row ? row.querySelectorAll(".checkbox-group") : [];
  }

  // On a fresh page a group someone ticked stays in view, so nothing saved is hidden.
  function show(select) {
    groups(select).forEach(function (group) {
      var ticked = group.querySelector("input:checked") !== null;
      group.hidden = group.dataset.source !== select.value && !ticked;
    });
  }

  // A new source: the ticks under the others no longer apply.
  function switchTo(select) {
    groups(select).forEach(function (group) {
      var other = group.dataset.source !== select.value;
      if (other) {
        group.querySelectorAll("input:checked").forEach(function (box) { box.checked = false; });
      }
      group.hidden = other;
    });
  }

  function showAll() { document.querySelectorAll(SOURCE).forEach(show); }

  document.addEventListener("change", function (event) {
    if (event.target.matches(SOURCE)) { switchTo(event.target); }
  });
  document.addEventListener("formset:added", showAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showAll);
  } else {
    showAll();
  }
})();
