// The texts written per language sit in tabs (django-modeltranslation's jQuery UI tabs), and
// only one tab of each text shows. Django 6 marks a field's errors on an inner element, which
// modeltranslation's own check no longer sees, so a mistake in a hidden tab went unseen. Here:
// mark each tab whose panel holds an error (a "!" and words for screen readers), show the first
// such tab of each text, and let the links of the error list at the top open the field's tab.
// modeltranslation's language switch, left empty on a page with nothing to edit (a sent
// announcement), is removed.
(function () {
  var $ = window.django && window.django.jQuery;
  if (!$) { return; }

  function markErrors(errorWords) {
    $(".ui-tabs").each(function () {
      var $tabs = $(this);
      var $items = $tabs.children(".ui-tabs-nav").children("li");
      var first = -1;
      $tabs.children(".ui-tabs-panel").each(function (index) {
        if (!$(this).find(".errorlist, .errors").length) { return; }
        var $link = $items.eq(index).addClass("tab-has-errors").children("a");
        $link.append($("<span class='tab-error-mark' aria-hidden='true'>!</span>"));
        $link.append($("<span class='tab-error-words'></span>").text(" " + errorWords));
        if (first < 0) { first = index; }
      });
      if (first >= 0) { $tabs.tabs("option", "active", first); }
    });
  }

  function openField(field) {
    var $panel = $(field).closest(".ui-tabs-panel");
    if ($panel.length) {
      var $tabs = $panel.closest(".ui-tabs");
      $tabs.tabs("option", "active", $tabs.children(".ui-tabs-panel").index($panel));
    }
    field.focus();
  }

  // Registered after modeltranslation's ready handler (this file comes after it), so the tabs
  // exist when it runs.
  $(function () {
    var $switch = $("#modeltranslation-main-switch");
    if ($switch.length && !$switch.find("option").length) { $switch.remove(); }
    var $list = $("#language-errors");
    markErrors($list.data("tab-error") || "!");
    $list.on("click", "a[href^='#']", function (event) {
      var field = document.getElementById(this.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        openField(field);
      }
    });
  });
})();
