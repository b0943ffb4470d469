// The check-in page (organiser/checkin/): search as you type, one tap checks in, and a camera
// scanner that reads QR codes with the vendored jsQR (static/vendor/jsqr/). Without this file
// the page still works: the search and the check-in buttons are plain forms.
(function () {
  "use strict";
  var page = document.querySelector(".checkin-page");
  if (!page) { return; }
  var url = page.getAttribute("data-search-url");
  var banner = document.getElementById("checkin-banner");
  var counts = document.getElementById("checkin-counts");
  var results = document.getElementById("checkin-results");
  var searchInput = document.getElementById("id_q");
  var codeForm = document.getElementById("code-form");
  var csrf = codeForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var headers = { "X-Requested-With": "checkin" };

  // Only the answer to the latest search is shown, and a search for what is already shown does
  // not re-render it: a keyboard user who pressed Enter and tabbed into the results must not
  // lose the focused button to a late answer (the typing's debounced search, or a slow one).
  var latestSearch = 0;
  var shownQuery = searchInput.value.trim(); // the page arrives with its results rendered
  var timer = null; // the debounced search while typing

  function search(options) {
    var query = searchInput.value.trim();
    var refresh = options && options.refresh;
    clearTimeout(timer);
    if (!refresh && query === shownQuery) { return Promise.resolve(); }
    var ticket = ++latestSearch;
    return fetch(url + "?q=" + encodeURIComponent(query), { headers: headers, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== latestSearch) { return; }
        results.innerHTML = html;
        shownQuery = query;
      });
  }

  // The registration whose fresh "Checked in" banner (with its Undo) is showing: a second read
  // of the same person says "already", which must not replace it.
  var freshRegistration = null;

  function checkIn(body, options) {
    var focus = !options || options.focus !== false;
    body.append("csrfmiddlewaretoken", csrf);
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.banner !== undefined) {
          var repeat = data.state === "already" && data.registration !== null &&
            data.registration === freshRegistration;
          if (!repeat) {
            banner.innerHTML = data.banner;
            freshRegistration = data.state === "checked_in" ? data.registration : null;
          }
          counts.innerHTML = data.counts;
          // The results list is re-rendered below and the tapped button goes with it: keyboard
          // and screen reader users continue from the banner's heading, not from <body>.
          var heading = document.getElementById("checkin-headline");
          if (focus && heading) { heading.focus(); }
        } else if (data.error) {
          banner.textContent = data.error;
        }
        if (searchInput.value.trim()) { search({ refresh: true }); }
        return data;
      })
      .catch(function () {
        banner.textContent = page.getAttribute("data-offline") || "Network error";
      });
  }

  searchInput.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  results.addEventListener("submit", function (event) {
    if (!event.target.classList.contains("checkin-tap")) { return; }
    event.preventDefault();
    checkIn(new FormData(event.target));
  });
  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = new FormData(codeForm);
    checkIn(body).then(function () { codeForm.querySelector("#id_code").value = ""; });
  });

  // The camera. Needs a secure context (HTTPS or localhost) and jsQR.
  var button = document.getElementById("scan-button");
  var scanner = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var message = document.getElementById("scanner-message");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var lastCode = "";
  var lastAt = 0; // when lastCode was last seen in a frame
  var LEFT_VIEW_MS = 3000;
  var busy = false;
  if (!window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  button.hidden = false;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    scanner.hidden = true;
    button.textContent = button.getAttribute("data-label-start");
  }

  function frame() {
    if (!stream) { return; }
    if (video.readyState >= 2 && !busy) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      // A code held in front of the camera is sent once: again only after it has been out of
      // view for LEFT_VIEW_MS (taken away and shown again), however long it stays in view.
      if (found && found.data) {
        var again = found.data === lastCode && now - lastAt < LEFT_VIEW_MS;
        lastCode = found.data;
        lastAt = now;
        if (!again) {
          busy = true;
          var body = new FormData();
          body.append("code", found.data);
          checkIn(body, { focus: false }).then(function () { busy = false; }, function () { busy = false; });
        }
      }
    }
    requestAnimationFrame(frame);
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (opened) {
        stream = opened;
        video.srcObject = stream;
        scanner.hidden = false;
        button.textContent = button.getAttribute("data-label-stop");
        message.textContent = "";
        return video.play();
      })
      .then(function () { requestAnimationFrame(frame); })
      .catch(function () {
        stop();
        message.textContent = button.getAttribute("data-no-camera");
        scanner.hidden = false;
      });
  });
})();
