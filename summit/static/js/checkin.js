/* The door: a keyboard-wedge scanner types the code and Enter into the focused field; the
   camera decodes with the browser's BarcodeDetector, or jsQR where there is none. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("checkin-config").textContent);
  var T = cfg.text;
  var input = document.getElementById("code");
  var verdict = document.getElementById("verdict");
  var undoBtn = document.getElementById("undo-btn");
  var lastCheckin = null;
  var busy = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A request that has no answer within this time counts as "no network" (venue Wi-Fi can
  // leave a request hanging rather than fail it).
  var TIMEOUT_MS = 8000;

  function post(url, body) {
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: abort ? abort.signal : undefined,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": cfg.csrf},
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { data._http = r.status; return data; });
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function localTime(iso) {
    if (!iso) return "";
    // Times at the summit are Shanghai times, whatever the device says.
    return new Date(iso).toLocaleString([], {month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai"});
  }

  function show(result) {
    var status = result.status;
    verdict.className = "verdict mb-3 " + (status === "ok" ? "ok" : "bad");
    verdict.replaceChildren();
    verdict.appendChild(el("div", "word", result._http === 429 ? T.too_many : (T[status] || T.error)));
    var reg = result.registration;
    if (reg) {
      verdict.appendChild(el("div", "who", reg.name));
      var line = el("div", "");
      if (reg.organisation) line.appendChild(el("span", "me-2", reg.organisation));
      if (reg.category) line.appendChild(el("span", "cat", reg.category));
      verdict.appendChild(line);
    } else if (status === "unknown") {
      verdict.appendChild(el("div", "small mt-2", T.hint_unknown));
    }
    if (status === "already_checked_in" && result.checked_in_at) {
      verdict.appendChild(el("div", "small mt-2", T.at.replace("{time}", localTime(result.checked_in_at))));
    }
    lastCheckin = status === "ok" ? result.checkin_id : null;
    undoBtn.classList.toggle("d-none", !lastCheckin);
    if (navigator.vibrate) navigator.vibrate(status === "ok" ? 80 : [200, 100, 200]);
    refreshCounts();
  }

  function failed() {
    verdict.className = "verdict bad mb-3";
    verdict.replaceChildren(el("div", "word", T.error));
  }

  function submit(code) {
    code = (code || "").trim();
    if (!code || busy) return;
    busy = true;
    post(cfg.checkin, {code: code}).then(show, function () { keep(code); }).finally(function () {
      busy = false; input.value = ""; input.focus();
    });
  }

  // Without the network a scan is kept on this device (it survives a reload) and sent when the
  // network is back, with how long ago it was made, so that it is recorded at that moment.
  // A scan that reached the server but whose answer was lost is thus sent twice: the record
  // keeps both, and the second answers "already checked in" with the first one's time.
  var QUEUE = "summit-checkin-queue";
  var pendingBox = document.getElementById("pending");
  var laterList = document.getElementById("sent-later");
  var flushing = false;

  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }

  function saveQueue(items) {
    localStorage.setItem(QUEUE, JSON.stringify(items));
    pendingBox.textContent = T.pending.replace("{n}", items.length);
    pendingBox.classList.toggle("d-none", !items.length);
  }

  function keep(code) {
    saveQueue(queue().concat([{code: code, at: Date.now()}]));
    verdict.className = "verdict warn mb-3";
    verdict.replaceChildren(el("div", "word", T.kept), el("div", "small mt-2", T.kept_hint));
    lastCheckin = null;
    undoBtn.classList.add("d-none");
  }

  var MAX_AGE = 86400;  // seconds: the server takes kept scans up to a day old

  function sentLater(code, result) {
    var ok = result && result.status === "ok";
    var word = result ? (T[result.status] || T.error) : T.refused;
    var li = el("li", "list-group-item d-flex justify-content-between gap-2" + (ok ? "" : " list-group-item-danger"));
    li.appendChild(el("span", "", result && result.registration ? result.registration.name : code));
    li.appendChild(el("span", "fw-semibold", word));
    laterList.prepend(li);
    laterList.parentNode.classList.remove("d-none");
    while (laterList.children.length > 30) laterList.lastChild.remove();
  }

  function settle(item, result) {
    saveQueue(queue().filter(function (q) { return q.at !== item.at || q.code !== item.code; }));
    sentLater(item.code, result);
  }

  function flush() {
    var items = queue();
    if (flushing || busy || !items.length) return;
    var item = items[0];
    var ago = Math.max(0, (Date.now() - item.at) / 1000);
    if (ago > MAX_AGE) { settle(item, null); flush(); return; }
    flushing = true;
    post(cfg.checkin, {code: item.code, seconds_ago: ago}).then(function (result) {
      // Only a verdict settles a kept scan; anything else (signed out, the server busy or
      // failing) leaves it for the next try.
      if (result._http !== 200 || typeof result.status !== "string") return false;
      settle(item, result);
      return true;
    }, function () { return false; }).then(function (more) {
      flushing = false;
      if (!more) return;
      refreshCounts();
      // All sent: the "kept on this device" verdict no longer holds.
      if (!queue().length && verdict.classList.contains("warn")) {
        verdict.className = "verdict idle mb-3";
        verdict.replaceChildren(el("div", "word", T.ready));
      }
      flush();
    });
  }

  saveQueue(queue());
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  flush();

  document.getElementById("scan-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    submit(input.value);
  });

  undoBtn.addEventListener("click", function () {
    if (!lastCheckin) return;
    post(cfg.undo.replace(/0\/undo$/, lastCheckin + "/undo")).then(function (data) {
      if (data.status === "undone") {
        // The badge may still be in front of the camera: do not check it in again at once.
        lastAt = Date.now() + 60000;
        verdict.className = "verdict idle mb-3";
        verdict.replaceChildren(el("div", "word", T.undone));
        lastCheckin = null;
        undoBtn.classList.add("d-none");
        refreshCounts();
      }
    }, failed).finally(function () { input.focus(); });
  });

  // Keep the scanner's field focused, unless staff are typing into the search.
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest("#search-card") && !ev.target.closest("button")) input.focus();
  });

  function refreshCounts() {
    var box = document.getElementById("counts");
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (c) { box.textContent = T.checked.replace("{checked}", c.checked_in).replace("{approved}", c.approved); })
      .catch(function () {});
  }
  setInterval(refreshCounts, 15000);

  // Search for someone without a badge.
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = document.getElementById("search-q").value.trim();
    var list = document.getElementById("results");
    if (!q) return;
    fetch(cfg.search + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.replaceChildren();
        if (!data.results.length) list.appendChild(el("li", "list-group-item text-muted", T.nobody));
        data.results.forEach(function (r) {
          var li = el("li", "list-group-item d-flex justify-content-between align-items-center gap-2");
          var who = el("div", "");
          who.appendChild(el("div", "fw-semibold", r.name));
          who.appendChild(el("div", "small text-muted", [r.organisation, r.category, "…" + r.phone_tail].filter(Boolean).join(" · ")));
          li.appendChild(who);
          var btn = el("button", "btn btn-sm " + (r.checked_in ? "btn-outline-secondary" : "btn-success"), r.checked_in ? T.done : T.checkin);
          btn.type = "button";
          btn.addEventListener("click", function () {
            post(cfg.manual.replace(/0$/, r.id)).then(function (res) { show(res); if (res.status === "ok") btn.textContent = T.done; }, failed);
          });
          li.appendChild(btn);
          list.appendChild(li);
        });
      });
  });

  // The camera.
  var camBtn = document.getElementById("camera-btn");
  var video = document.getElementById("video");
  var canvas = document.getElementById("canvas");
  var stream = null, detector = null, lastCode = "", lastAt = 0;

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    document.getElementById("camera-box").classList.add("d-none");
    camBtn.textContent = T.start;
  }

  function found(code) {
    var now = Date.now();
    // The same badge in front of the camera for a few seconds is one scan.
    if (code === lastCode && now - lastAt < 4000) return;
    lastCode = code; lastAt = now;
    submit(code);
  }

  function tick() {
    if (!stream) return;
    if (video.readyState >= 2) {
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length) found(codes[0].rawValue);
        }).catch(function () {}).finally(function () { setTimeout(tick, 150); });
        return;
      }
      var w = video.videoWidth, h = video.videoHeight, scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      var ctx = canvas.getContext("2d", {willReadFrequently: true});
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var qr = window.jsQR && window.jsQR(img.data, img.width, img.height, {inversionAttempts: "dontInvert"});
      if (qr && qr.data) found(qr.data);
    }
    setTimeout(tick, 150);
  }

  camBtn.addEventListener("click", function () {
    if (stream) { stopCamera(); input.focus(); return; }
    var err = document.getElementById("camera-error");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      err.textContent = T.nocamera; err.classList.remove("d-none");
      document.getElementById("camera-box").classList.remove("d-none");
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.play();
      document.getElementById("camera-box").classList.remove("d-none");
      err.classList.add("d-none");
      camBtn.textContent = T.stop;
      if ("BarcodeDetector" in window) {
        try { detector = new window.BarcodeDetector({formats: ["qr_code"]}); } catch (e) { detector = null; }
      }
      tick();
    }, function () {
      err.textContent = T.nocamera; err.classList.remove("d-none");
      document.getElementById("camera-box").classList.remove("d-none");
    });
  });

  input.focus();
})();
