// Stage control: the running phase's clock counts down from data-remaining (seconds),
// red once the time is over.
(function () {
  "use strict";
  var el = document.getElementById("clock"); if (!el || el.dataset.running !== "1") { return; }
  var left = Number(el.dataset.remaining), t0 = Date.now();
  setInterval(function () {
    var l = left - Math.floor((Date.now() - t0) / 1000), a = Math.abs(l);
    el.textContent = (l < 0 ? "−" : "") + Math.floor(a / 60) + ":" + ("0" + a % 60).slice(-2);
    el.classList.toggle("text-danger", l < 0);
  }, 250);
})();
