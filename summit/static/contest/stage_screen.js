// The hall's big screen: polls the stage state every 2 s and counts the phase down locally
// between polls. Texts and the state URL come from the page's JSON block #cfg.
(function () {
  "use strict";
  var c = JSON.parse(document.getElementById("cfg").textContent);
  function $(id) { return document.getElementById(id); }
  var last = null, base = 0, at = 0, running = false;
  function tick() {
    if (!last || !last.phase) { $("clock").textContent = ""; return; }
    var left = running ? base - Math.floor((Date.now() - at) / 1000) : base, a = Math.abs(left);
    $("clock").textContent = (left < 0 ? "−" : "") + Math.floor(a / 60) + ":" + ("0" + a % 60).slice(-2);
    $("clock").className = left < 0 ? "over" : "";
  }
  function poll() {
    fetch(c.url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      last = s;
      if (!s.item) { $("title").textContent = c.wait; $("sub").textContent = $("lines").textContent = $("phase").textContent = ""; $("score").hidden = true; tick(); return; }
      $("sub").textContent = s.item.subtitle || ""; $("title").textContent = s.item.title;
      $("lines").textContent = (s.item.lines || []).join(" · ");
      $("phase").textContent = s.phase ? (c[s.phase.name] || s.phase.name) : "";
      if (s.phase) { base = s.phase.remaining; at = Date.now(); running = s.phase.running; }
      var sc = $("score");
      if (s.revealed && s.item.score) { sc.hidden = false; sc.textContent = s.item.score; var sm = document.createElement("small"); sm.textContent = c.score + " · " + (s.item.score_label || ""); sc.appendChild(sm); }
      else { sc.hidden = true; }
      tick();
    }).catch(function () {});
  }
  poll(); setInterval(poll, 2000); setInterval(tick, 250);
})();
