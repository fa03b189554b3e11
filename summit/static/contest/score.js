// Tablet scoring: every change is kept in localStorage first, then sent. Drafts and submissions
// wait in an outbox until the network returns; each carries a client-generated id, so a retried
// upload is recognised by the server and never counted twice.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("cfg").textContent);
  var T = JSON.parse(document.getElementById("i18n").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var KEY = "contest-r" + cfg.round + ":";
  var data = load("data"), local = load("local") || {}, outbox = load("outbox") || [];
  var current = null, draftTimer = null, sending = false, online = navigator.onLine, needLogin = false;

  function load(k) { try { return JSON.parse(localStorage.getItem(KEY + k)); } catch (e) { return null; } }
  function save(k, v) { try { localStorage.setItem(KEY + k, JSON.stringify(v)); } catch (e) { /* storage full: still in memory */ } }
  function uid() {
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function fmt(s, n) { return s.replace("{n}", n); }

  function entryState(e) {
    var l = local[e.id];
    if (!l) { l = local[e.id] = { values: e.values || {}, comment: e.comment || "", locked: e.locked }; }
    return l;
  }

  function setNet() {
    var el = $("#net"), pending = outbox.length;
    el.className = "net" + (online ? "" : " off");
    el.textContent = (needLogin ? T.login : online ? T.online : T.offline) + (pending ? " · " + fmt(T.pending, pending) : "");
    if (needLogin) { el.className = "net off"; }
  }

  function queue(kind, entryId) {
    var l = local[entryId];
    if (kind === "draft") {  // only the latest draft of an entry matters
      outbox = outbox.filter(function (m) { return !(m.kind === "draft" && m.entry === entryId && !m.sending); });
    }
    outbox.push({ client_id: uid(), kind: kind, round: cfg.round, entry: entryId,
                  values: Object.assign({}, l.values), comment: l.comment });
    save("outbox", outbox); setNet(); flush();
  }

  function flush() {
    if (sending || !outbox.length) { return; }
    sending = true;
    var msg = outbox[0]; msg.sending = true;
    fetch(cfg.post, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(msg) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { return [r.status, b]; }); })
      .then(function (res) {
        var status = res[0], body = res[1];
        online = true;
        // Kept for later: server trouble, an expired login or form token (the login page answers
        // with HTML, not JSON). The outbox survives a reload, so logging in again sends it.
        if (status >= 500 || status === 400 || status === 401 || (status < 400 && !body.ok)) {
          if (status < 500) { needLogin = true; }
          throw new Error("retry");
        }
        needLogin = false;
        outbox.shift(); save("outbox", outbox);
        var l = local[msg.entry];
        if (status >= 400 && l) {
          if (status === 409) { l.locked = body.code === "locked"; l.error = body.error; }
          else if (msg.kind === "submit") { l.locked = false; l.error = body.error; }
          else { l.error = body.error; }
        } else if (l) { l.error = null; if (msg.kind === "submit") { l.locked = true; l.sent = true; } else { l.savedAt = Date.now(); } }
        save("local", local);
        sending = false; setNet(); renderList(); if (current === msg.entry) { renderState(); }
        flush();
      })
      .catch(function () {
        msg.sending = false; sending = false; online = needLogin; setNet();
        setTimeout(flush, 4000);
      });
  }

  function renderList() {
    var nav = $("#list"); nav.textContent = "";
    if (!data) { return; }
    if (!data.entries.length) { $("#panel").innerHTML = "<p class='muted'>" + T.none + "</p>"; return; }
    data.entries.forEach(function (e) {
      var l = entryState(e), b = document.createElement("button");
      var started = Object.keys(l.values).length > 0;
      b.type = "button";
      b.className = (e.id === current ? "cur " : "") + (l.locked ? "done" : started ? "draft" : "");
      b.textContent = e.name;
      var s = document.createElement("span"); s.className = "st";
      s.textContent = l.locked ? T.done : started ? T.draft : T.todo; b.appendChild(s);
      b.onclick = function () { select(e.id); };
      nav.appendChild(b);
    });
  }

  function find(id) { return data.entries.filter(function (e) { return e.id === id; })[0]; }

  function total(l) {
    return data.criteria.reduce(function (s, c) { var v = l.values[c.key]; return s + (v == null ? 0 : v * c.weight); }, 0);
  }

  function renderState() {
    var e = find(current); if (!e) { return; }
    var l = local[e.id], panel = $("#panel"), closed = data.round.status !== "open";
    $(".sum", panel).textContent = Math.round(total(l) * 100) / 100;
    var st = $(".state", panel);
    st.className = "state" + (l.error ? " err" : l.locked ? " ok" : "");
    st.textContent = l.error || (l.locked ? (l.sent || e.locked ? T.locked : T.queued) : closed ? T.closed : l.savedAt ? T.saved : "");
    panel.querySelectorAll("input[type=range],.ctl button,textarea").forEach(function (x) { x.disabled = l.locked || closed; });
    $(".submit", panel).disabled = l.locked || closed;
  }

  function select(id) {
    current = id; var e = find(id), l = entryState(e), panel = $("#panel");
    panel.textContent = "";
    panel.appendChild(document.getElementById("t-entry").content.cloneNode(true));
    $(".title", panel).textContent = e.name;
    $(".meta", panel).textContent = [e.organisation, e.field].filter(Boolean).join(" · ");
    $(".summary .text", panel).textContent = e.summary;
    var plan = $(".plan", panel); if (e.plan) { plan.href = e.plan; } else { plan.remove(); }
    var video = $(".video", panel); if (/^https?:\/\//.test(e.video || "")) { video.href = e.video; } else { video.remove(); }
    $(".max", panel).textContent = data.criteria.reduce(function (s, c) { return s + c.max * c.weight; }, 0);
    $("input[name=entry_id]", panel).value = e.id;
    var box = $(".criteria", panel);
    data.criteria.forEach(function (c) {
      var node = document.getElementById("t-criterion").content.cloneNode(true);
      $(".name", node).textContent = c.name + (c.weight !== 1 ? " ×" + c.weight : "");
      $(".cmax", node).textContent = c.max;
      $(".crit-desc", node).textContent = c.description || "";
      var range = $("input", node), out = $(".val", node);
      range.max = c.max;
      function show() { var v = l.values[c.key]; out.textContent = v == null ? "–" : v; range.value = v == null ? 0 : v; }
      function set(v) {
        v = Math.max(0, Math.min(c.max, v));  // bounded by the criterion's maximum
        l.values[c.key] = v; l.error = null; l.savedAt = null; save("local", local); show(); renderState();
        clearTimeout(draftTimer); draftTimer = setTimeout(function () { queue("draft", e.id); }, 1200);
        renderList();
      }
      range.oninput = function () { set(Number(range.value)); };
      $(".minus", node).onclick = function () { set((l.values[c.key] || 0) - 1); };
      $(".plus", node).onclick = function () { set(l.values[c.key] == null ? c.max : l.values[c.key] + 1); };
      box.appendChild(node); show();
    });
    var comment = $("#comment", panel); comment.value = l.comment || "";
    comment.oninput = function () {
      l.comment = comment.value; save("local", local);
      clearTimeout(draftTimer); draftTimer = setTimeout(function () { queue("draft", e.id); }, 1500);
    };
    $(".submit", panel).onclick = function () {
      var missing = data.criteria.some(function (c) { return l.values[c.key] == null; });
      if (missing) { l.error = T.incomplete; renderState(); return; }
      if (!confirm(T.confirm)) { return; }
      clearTimeout(draftTimer);
      outbox = outbox.filter(function (m) { return !(m.kind === "draft" && m.entry === e.id && !m.sending); });
      l.locked = true; l.error = null; save("local", local);
      queue("submit", e.id); renderState(); renderList();
    };
    renderState(); renderList();
  }

  function start(fresh) {
    if (fresh) {
      // The server's view wins for locks (an organizer may have unlocked); local drafts not yet sent win for values.
      fresh.entries.forEach(function (e) {
        var l = local[e.id], waiting = outbox.some(function (m) { return m.entry === e.id; });
        if (!l || (!waiting && !l.locked)) { local[e.id] = { values: e.values || {}, comment: e.comment || "", locked: e.locked }; }
        else if (!waiting) { l.locked = e.locked; l.values = e.values || {}; }
      });
      data = fresh; save("data", data); save("local", local);
    }
    if (!data) { return; }
    renderList();
    if (current == null && data.entries.length) { select(data.entries[0].id); }
    else if (current != null) { select(current); }
  }

  fetch(cfg.data, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(start).catch(function () { online = false; setNet(); start(null); });

  if ("serviceWorker" in navigator && cfg.sw) {  // only in secure contexts (HTTPS, localhost)
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(function () {});
  }
  window.addEventListener("online", function () { online = true; setNet(); flush(); });
  window.addEventListener("offline", function () { online = false; setNet(); });
  setInterval(flush, 15000);
  setNet(); flush();

  // The roadshow: follow the entry on stage and show its countdown.
  if (cfg.kind === "roadshow") {
    var shown = null;
    var poll = function () {
      fetch(cfg.stage, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        var bar = $("#stage");
        if (!s.item) { bar.hidden = true; return; }
        bar.hidden = false;
        $("#stage-title").textContent = s.item.title;
        var ph = s.phase, clock = $("#stage-clock");
        $("#stage-phase").textContent = ph ? (T[ph.name] || ph.name) : "";
        if (ph) {
          var left = ph.remaining, a = Math.abs(left);
          clock.textContent = (left < 0 ? "−" : "") + Math.floor(a / 60) + ":" + ("0" + a % 60).slice(-2);
          clock.className = "clock" + (left < 0 ? " over" : "");
        } else { clock.textContent = ""; }
        var key = s.kind + ":" + s.id;
        if (s.kind === "entry" && s.context.round_id === cfg.round && key !== shown && $("#follow").checked && data && find(s.id)) {
          shown = key; select(s.id);
        }
      }).catch(function () {});
    };
    poll(); setInterval(poll, 2000);
  }
})();
