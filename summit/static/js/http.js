// JSON requests to the app from a page: the session cookie, the CSRF token, and a time limit,
// because venue Wi-Fi can leave a request hanging instead of failing it.

export const TIMEOUT_MS = 8000;

async function request(url, options, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(url, { credentials: "same-origin", signal: abort.signal, ...options });
    // The login page answers an expired session with HTML: data is then null.
    const data = await response.json().catch(() => null);
    return { status: response.status, data };
  } finally {
    clearTimeout(timer);
  }
}

/** POSTs `body` as JSON. Resolves with {status, data}; rejects when there is no answer. */
export function postJson(url, body, { csrf, timeoutMs = TIMEOUT_MS } = {}) {
  return request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body || {}),
  }, timeoutMs);
}

/** GETs JSON. Resolves with {status, data}; rejects when there is no answer. */
export function getJson(url, { timeoutMs = TIMEOUT_MS, cache = "default" } = {}) {
  return request(url, { headers: { "Accept": "application/json" }, cache }, timeoutMs);
}

/** A URL template from the page ("/api/v1/checkin/{checkin_id}/undo") filled in. */
export function fillUrl(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (
    name in values ? encodeURIComponent(String(values[name])) : whole));
}
