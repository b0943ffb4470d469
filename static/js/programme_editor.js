// The seminar's page (its programme editor, docs/programme-editor.md): what the admin's and
// its packages' scripts leave undone for keyboard and screen-reader users.
// - After "Add another session/speaker/…", the focus moves to the new row's first box.
// - Rows added on the page point aria-describedby at the template's "__prefix__" ids
//   (django-nested-admin renames id, name and for, not aria-describedby): point it at the
//   row's own help text, or drop what names nothing.
// - select2's search box in a row, and the text inside it, are named after the row's label.
// - django-modeltranslation's "all languages" select gets a name, and its language tabs stop
//   holding a second focusable link inside each tab (jQuery UI keeps the tab itself focusable
//   and opens it with Enter or the arrow keys).
(function () {
  var $ = window.django && window.django.jQuery;
  if (!$) { return; }
  var FIRST_BOX = [
    "input:not([type=hidden]):not([type=checkbox]):not([disabled])",
    "select:not(.select2-hidden-accessible):not([disabled])",
    "textarea",
    ".select2-selection",
  ].join(", ");

  function describedByFix(root) {
    $(root).find("[aria-describedby]").each(function () {
      var element = this;
      var tokens = element.getAttribute("aria-describedby").split(/\s+/).map(function (token) {
        var suffix = token.match(/_(helptext|error)$/);
        return token.indexOf("__prefix__") >= 0 && suffix && element.id ? element.id + suffix[0] : token;
      }).filter(function (token) { return token && document.getElementById(token); });
      if (tokens.length) {
        element.setAttribute("aria-describedby", tokens.join(" "));
      } else {
        element.removeAttribute("aria-describedby");
      }
    });
  }

  function select2Name(root) {
    $(root).find("select.admin-autocomplete").each(function () {
      var label = document.querySelector("label[for='" + this.id + "']");
      var $box = $(this).next(".select2").find(".select2-selection");
      if (!label || !$box.length) { return; }
      var container = $box.attr("aria-labelledby");
      if (container && !document.getElementById(container)) { $box.removeAttr("aria-labelledby"); }
      var name = label.textContent.replace(/[:：]\s*$/, "").trim();
      // The box and the read-only text inside it (which names nothing while empty).
      $box.attr("aria-label", name).find(".select2-selection__rendered").attr("aria-label", name);
    });
  }

  function tabsTidy(root) {
    $(root).find("li[role=tab] > a[href^='#']").each(function () {
      this.removeAttribute("href");
    });
  }

  function tidy(root) {
    describedByFix(root);
    select2Name(root);
    tabsTidy(root);
  }

  // After modeltranslation's and the autocomplete's ready handlers, whichever file came first.
  $(function () {
    window.setTimeout(function () {
      var words = document.getElementById("programme-editor-words");
      $("#modeltranslation-main-switch").attr("aria-label", words ? words.dataset.languages : "");
      tidy(document);
    }, 0);
  });

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    // The other listeners (tabs, select2) finish first.
    window.setTimeout(function () {
      tidy(row);
      var first = row.querySelector(FIRST_BOX);
      if (first) { first.focus(); }
    }, 0);
  });
})();
