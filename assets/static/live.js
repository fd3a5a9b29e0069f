// Live results: when the server says a response arrived, fetch the figures
// again and swap them in. Without JavaScript a reload shows the same figures.
(function () {
  "use strict";
  var root = document.getElementById("results");
  var status = document.getElementById("live-status");
  if (!root || !window.EventSource || !window.fetch) { return; }
  // One fetch at a time; an update that comes meanwhile fetches again after.
  var pending = false;
  var again = false;
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    again = false;
    fetch(root.getAttribute("data-partial"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        root.innerHTML = html;
        status.textContent = "Figures updated at " + new Date().toLocaleTimeString("en-GB") + ".";
      })
      .catch(function () {
        status.textContent = "The figures could not be updated. Reload the page to see the latest.";
      })
      .then(function () {
        pending = false;
        if (again) { refresh(); }
      });
  }
  var source = new EventSource(root.getAttribute("data-live"));
  source.addEventListener("update", refresh);
})();
