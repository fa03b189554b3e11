// The page's side of the service worker (offline/sw.js): registers it and asks it to keep this
// page, the files it loaded and any `urls` the page will need offline (the judge's entries).
// Service workers exist only in secure contexts (HTTPS, or localhost); elsewhere the page
// still keeps its queue in localStorage, but a reload without network cannot open it.

// Requests made by the page's own code (the queue's uploads, counts, searches) are not files.
const NOT_FILES = new Set(["fetch", "xmlhttprequest", "beacon"]);

function filesLoaded() {
  return performance.getEntriesByType("resource")
    .filter((entry) => !NOT_FILES.has(entry.initiatorType))
    .map((entry) => entry.name)
    .filter((url) => new URL(url).origin === location.origin);
}

// A worker registered by an older version at a narrower scope (the scoring pages had one at
// /contest/judge/) would control those pages in place of this one.
async function retireOthers(scope) {
  const registrations = await navigator.serviceWorker.getRegistrations();
  await Promise.all(registrations.filter((r) => r.scope !== scope).map((r) => r.unregister()));
}

/**
 * Resolves with true once the service worker keeps the page for offline use (then
 * <html data-offline="ready">), false where there is no service worker.
 */
export async function keepForOffline({ worker, scope, urls = [] }) {
  if (!worker || !("serviceWorker" in navigator)) return false;
  try {
    await retireOthers(new URL(scope, location.href).href);
    await navigator.serviceWorker.register(worker, { scope });
    const registration = await navigator.serviceWorker.ready;
    const wanted = [location.href.split("#")[0], ...filesLoaded(), ...urls.map((u) => new URL(u, location.href).href)];
    const answer = new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data && event.data.kept);
      registration.active.postMessage({ type: "keep", urls: [...new Set(wanted)] }, [channel.port2]);
    });
    const kept = await answer;
    document.documentElement.dataset.offline = kept ? "ready" : "partial";
    return true;
  } catch {
    return false;  // the page works on without it
  }
}

/** Asks the service worker to fetch these kept pages again (their figures changed). */
export function refreshKept(urls) {
  const worker = "serviceWorker" in navigator && navigator.serviceWorker.controller;
  if (worker) worker.postMessage({ type: "keep", urls: urls.map((u) => new URL(u, location.href).href) });
}
