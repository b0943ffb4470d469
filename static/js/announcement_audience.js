// An announcement's page in the admin: as the audience's boxes are ticked, ask the server how
// many people it reaches now and say so beside the audience (a polite live region, so a screen
// reader hears the new count). Without this script the count shows once the page is saved.
(function () {
  var TIMEOUT_MS = 250;

  function setup() {
    var output = document.getElementById("announcement-recipients");
    if (!output) { return; }
    var form = output.closest("form");
    var timer = null;

    function seminar() {
      var select = form.querySelector("select[name='seminar']");
      return select ? select.value : output.dataset.seminar;
    }

    function refresh() {
      var query = new URLSearchParams();
      query.append("seminar", seminar() || "");
      form.querySelectorAll("input[name^='audience_']:checked").forEach(function (box) {
        query.append(box.name, box.value);
      });
      var purpose = form.querySelector("[name='purpose']");
      if (purpose) { query.append("purpose", purpose.value); }
      fetch(output.dataset.countUrl + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer && answer.text) { output.textContent = answer.text; } })
        .catch(function () { /* the count shown stays; saving shows the new one */ });
    }

    form.addEventListener("change", function (event) {
      var name = event.target.name || "";
      if (name.indexOf("audience_") === 0 || name === "purpose" || name === "seminar") {
        clearTimeout(timer);
        timer = setTimeout(refresh, TIMEOUT_MS);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
