// Refreshes the dashboard's sections from the server every data-refresh-seconds,
// while the tab is visible. A failed fetch keeps the figures already shown.
(function () {
  "use strict";
  var box = document.getElementById("dashboard-sections");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh-url");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30;
  var busy = false;

  function openDetails() {
    var open = [];
    box.querySelectorAll("details[open]").forEach(function (d, i) { open.push(i); });
    return open;
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    var open = box.querySelectorAll("details").length ? openDetails() : [];
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        var all = box.querySelectorAll("details");
        open.forEach(function (i) { if (all[i]) { all[i].open = true; } });
        box.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () { /* keep what is shown; try again next time */ })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
