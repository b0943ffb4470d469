// Show a seminar's own questions only when they apply, as the registrant answers. The server
// decides in the end (it ignores what is sent for a question that does not apply); without this
// script every question is shown with a line saying when it applies. Hidden means the `hidden`
// attribute, so the keyboard and screen readers skip a hidden question as the eye does.
// Each conditional question's wrapper carries its conditions (registrations/questions.py,
// condition_data): all must hold; each names a field and the values that satisfy it, and, for
// an earlier question, that question's wrapper, which must be shown itself.
(function () {
  "use strict";

  function chosenValues(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name !== name) { return; }
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) { values.push(element.value); }
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.selectedOptions, function (option) {
          values.push(option.value);
        });
      } else {
        values.push(element.value);
      }
    });
    return values;
  }

  function holds(form, condition) {
    if (condition.question) {
      var earlier = document.getElementById(condition.question);
      if (!earlier || earlier.hidden) { return false; }
    }
    return chosenValues(form, condition.name).some(function (value) {
      return condition.values.indexOf(value) !== -1;
    });
  }

  function update(form) {
    // Document order is the questions' order, so a chain of conditions resolves in one pass.
    form.querySelectorAll("[data-show-if]").forEach(function (wrapper) {
      var conditions;
      try {
        conditions = JSON.parse(wrapper.getAttribute("data-show-if"));
      } catch (error) {
        return; // leave it shown: the server still decides
      }
      wrapper.hidden = !conditions.every(function (condition) {
        return holds(form, condition);
      });
    });
    form.querySelectorAll("fieldset.questions").forEach(function (fieldset) {
      fieldset.hidden = !fieldset.querySelector(".question:not([hidden])");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-if]")) { return; }
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
