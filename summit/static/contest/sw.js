// Keeps the scoring page usable when a tablet reloads it without network: the page, its
// assets and the judge's data come from the network when they can, from this cache when not.
// Score uploads (POST) never pass through the cache: the page's outbox handles them.
var CACHE = "contest-scoring-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) { return; }
  var wanted = url.pathname.indexOf("/contest/judge/rounds/") === 0 || url.pathname.indexOf("/static/contest/") === 0;
  if (!wanted) { return; }
  e.respondWith(fetch(req).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(req).then(function (hit) { return hit || Response.error(); });
  }));
});
