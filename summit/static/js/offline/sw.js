// The service worker that opens the check-in page, the judge's list and the scoring pages
// when a device reloads them without network (served at /sw.js, scope: the whole app).
//
// It keeps only what a page asks it to keep (a "keep" message from offline/shell.js: the page,
// the files it loaded, the judge's entries). A kept address is fetched from the network first,
// which refreshes the copy, and read from the copy when there is no answer. Everything else,
// and every POST (the queues' uploads), passes untouched. Logging out forgets the copies: they
// hold names and the session's form token.
"use strict";

const CACHE = "summit-offline-v1";
// Without an answer in this time a kept copy is shown (venue Wi-Fi hangs more than it fails);
// the network's answer, when it comes, still refreshes the copy.
const WAIT_MS = 5000;
// The areas whose requests this worker looks at, relative to its scope.
const AREAS = ["checkin", "contest/judge", "static/", "bootstrap/"];

function inArea(url) {
  const scope = self.registration.scope;
  return url.startsWith(scope) && AREAS.some((area) => url.slice(scope.length).startsWith(area));
}

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function keep(urls) {
  const cache = await caches.open(CACHE);
  const results = await Promise.allSettled(urls.filter(inArea).map(async (url) => {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    if (!keepable(response)) throw new Error(`${response.status} ${url}`);
    await cache.put(url, response);
  }));
  return results.every((r) => r.status === "fulfilled");
}

async function networkFirst(event) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  const copy = await cache.match(request, { ignoreVary: true });
  const fromNetwork = fetch(request).then((response) => {
    if (copy && keepable(response)) {
      event.waitUntil(cache.put(request, response.clone()));
    }
    return response;
  });
  if (!copy) return fromNetwork;  // not kept: the network's answer, whatever it is
  const late = new Promise((resolve) => { setTimeout(() => resolve(copy), WAIT_MS); });
  return Promise.race([fromNetwork.catch(() => copy), late]);
}

self.addEventListener("install", () => { self.skipWaiting(); });

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep" || !Array.isArray(event.data.urls)) return;
  const port = event.ports[0];
  event.waitUntil(keep(event.data.urls.map(String)).then(
    (kept) => { if (port) port.postMessage({ kept }); },
    () => { if (port) port.postMessage({ kept: false }); },
  ));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method === "POST" && request.url === new URL("logout", self.registration.scope).href) {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (request.method !== "GET" || !inArea(request.url)) return;
  event.respondWith(networkFirst(event));
});
