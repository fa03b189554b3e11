// The door: a keyboard-wedge scanner types the code and Enter into the focused field, or the
// camera reads the QR code; the verdict shows large. Without the network a scan is kept on the
// device (offline/queue.js) and sent when the network is back, with how long ago it was made,
// so that it is recorded at that moment. A scan that reached the server but whose answer was
// lost is thus sent twice: the record keeps both, and the second answers "already checked in"
// with the first one's time.
import { Camera } from "./checkin-camera.js";
import { fillUrl, getJson, postJson } from "./http.js";
import { OfflineQueue } from "./offline/queue.js";
import { keepForOffline } from "./offline/shell.js";
import { secondsAgo } from "./offline/state.js";
import { format } from "./text.js";

const config = JSON.parse(document.getElementById("checkin-config").textContent);
const text = config.text;
const urls = config.urls;

const MAX_AGE_MS = 86400 * 1000;  // the server takes kept scans up to a day old
const SENT_LATER_SHOWN = 30;
const COUNTS_EVERY_MS = 15000;
const UNDO_QUIET_MS = 60000;

const codeInput = document.getElementById("code");
const verdict = document.getElementById("verdict");
const undoButton = document.getElementById("undo-btn");
const pendingBox = document.getElementById("pending");
const sentLaterList = document.getElementById("sent-later");
const countsBox = document.getElementById("counts");

let lastCheckinId = null;
let scanning = false;
let keptCount = 0;

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

// Times at the summit are Shanghai times, whatever the device says.
function shanghaiTime(value, withDate = true) {
  const options = { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai" };
  if (withDate) Object.assign(options, { month: "numeric", day: "numeric" });
  else options.second = "2-digit";
  return new Date(value).toLocaleString(document.documentElement.lang || [], options);
}

async function refreshCounts() {
  try {
    const { data } = await getJson(countsBox.dataset.url);
    if (data) countsBox.textContent = format(text.checked, { checked: data.checked_in, approved: data.approved });
  } catch {
    /* offline: the last figure stays */
  }
}

function showVerdict(kind, ...lines) {
  verdict.className = `verdict ${kind} mb-3`;
  verdict.replaceChildren(...lines);
}

function setLastCheckin(id) {
  lastCheckinId = id;
  undoButton.classList.toggle("d-none", !id);
}

function showResult(result, httpStatus) {
  const status = result.status;
  const word = httpStatus === 429 ? text.too_many : (text[status] || text.error);
  const lines = [element("div", "word", word)];
  const person = result.registration;
  if (person) {
    lines.push(element("div", "who", person.name));
    const line = element("div", "");
    if (person.organisation) line.append(element("span", "me-2", person.organisation));
    if (person.category) line.append(element("span", "cat", person.category));
    lines.push(line);
  } else if (status === "unknown") {
    lines.push(element("div", "small mt-2", text.hint_unknown));
  }
  if (status === "already_checked_in" && result.checked_in_at) {
    lines.push(element("div", "small mt-2", format(text.at, { time: shanghaiTime(result.checked_in_at) })));
  }
  showVerdict(status === "ok" ? "ok" : "bad", ...lines);
  setLastCheckin(status === "ok" ? result.checkin_id : null);
  if (navigator.vibrate) navigator.vibrate(status === "ok" ? 80 : [200, 100, 200]);
  refreshCounts();
}

function showNoAnswer() {
  showVerdict("bad", element("div", "word", text.error));
}

// ---------------------------------------------------------------- scans kept on the device

async function sendKeptScan(item) {
  const { status, data } = await postJson(urls.checkin,
    { code: item.payload.code, seconds_ago: secondsAgo(item, Date.now()) }, { csrf: config.csrf });
  // Only a verdict settles a kept scan; anything else (signed out, the server busy or failing)
  // leaves it for the next try.
  if (status === 200 && data && typeof data.status === "string") return { settled: true, result: data };
  return { settled: false, problem: status === 401 || status === 400 || data === null ? "login" : "server" };
}

function showKept({ items, problem }) {
  keptCount = items.length;
  pendingBox.classList.toggle("d-none", !items.length);
  if (!items.length) return;
  const heading = element("div", "fw-semibold", format(text.pending, { n: items.length }));
  const list = element("ul", "list-unstyled mb-0 mt-1");
  for (const item of items.slice(-10).reverse()) {
    list.append(element("li", "", format(text.kept_item, { time: shanghaiTime(item.at, false),
                                                           code: item.payload.code.slice(-6) })));
  }
  const lines = [heading, list];
  if (problem === "login") lines.push(element("div", "mt-1", text.login));
  pendingBox.replaceChildren(...lines);
}

function showSentLater(item, result) {
  const ok = result && result.status === "ok";
  const word = result ? (text[result.status] || text.error) : text.refused;
  const line = element("li", `list-group-item d-flex justify-content-between gap-2${ok ? "" : " list-group-item-danger"}`);
  line.append(element("span", "", result && result.registration ? result.registration.name : item.payload.code),
              element("span", "fw-semibold", word));
  sentLaterList.prepend(line);
  sentLaterList.parentNode.classList.remove("d-none");
  while (sentLaterList.children.length > SENT_LATER_SHOWN) sentLaterList.lastChild.remove();
  if (!keptCount && verdict.classList.contains("warn")) {
    // All sent: the "kept on this device" verdict no longer holds.
    showVerdict("idle", element("div", "word", text.ready));
  }
  refreshCounts();
}

const queue = new OfflineQueue({
  name: "checkin", send: sendKeptScan, maxAgeMs: MAX_AGE_MS, onChange: showKept, onSettled: showSentLater,
});

// Scans kept by the page before it shared the queue with the scoring page.
function adoptOldQueue() {
  const OLD_KEY = "summit-checkin-queue";
  try {
    const old = JSON.parse(localStorage.getItem(OLD_KEY)) || [];
    localStorage.removeItem(OLD_KEY);
    for (const scan of old) {
      if (scan && typeof scan.code === "string" && Number.isFinite(scan.at)) queue.add({ code: scan.code }, { at: scan.at });
    }
  } catch {
    /* storage switched off: nothing was kept */
  }
}

function keep(code) {
  queue.add({ code });
  showVerdict("warn", element("div", "word", text.kept), element("div", "small mt-2", text.kept_hint));
  setLastCheckin(null);
}

// ---------------------------------------------------------------- scanning

async function scan(rawCode) {
  const code = (rawCode || "").trim();
  if (!code || scanning) return;
  scanning = true;
  try {
    const { status, data } = await postJson(urls.checkin, { code }, { csrf: config.csrf });
    // A verdict, or "too many scans": shown. Anything else (signed out, the server failing) is
    // no verdict: the scan is kept and sent again, as without network.
    if (status === 429 || (status === 200 && data && typeof data.status === "string")) showResult(data || {}, status);
    else keep(code);
  } catch {
    keep(code);
  } finally {
    scanning = false;
    codeInput.value = "";
    codeInput.focus();
  }
}

const camera = new Camera({
  video: document.getElementById("video"), canvas: document.getElementById("canvas"), onCode: scan,
});

async function undoLastCheckin() {
  if (!lastCheckinId) return;
  try {
    const { data } = await postJson(fillUrl(urls.undo, { checkin_id: lastCheckinId }), {}, { csrf: config.csrf });
    if (data && data.status === "undone") {
      camera.ignoreLast(UNDO_QUIET_MS);  // the badge may still be in front of the camera
      showVerdict("idle", element("div", "word", text.undone));
      setLastCheckin(null);
      refreshCounts();
    }
  } catch {
    showNoAnswer();
  } finally {
    codeInput.focus();
  }
}

// ---------------------------------------------------------------- search (no badge at hand)

function searchResult(person) {
  const line = element("li", "list-group-item d-flex justify-content-between align-items-center gap-2");
  const who = element("div", "");
  who.append(element("div", "fw-semibold", person.name),
             element("div", "small text-muted", [person.organisation, person.category, `…${person.phone_tail}`]
               .filter(Boolean).join(" · ")));
  // Only an approved person can be checked in (the server refuses the others): for them the
  // status is shown instead of the button.
  if (person.status && person.status !== "approved") {
    line.append(who, element("span", "badge text-bg-secondary search-status flex-shrink-0",
                             (text.statuses && text.statuses[person.status]) || person.status));
    return line;
  }
  const button = element("button", `btn btn-sm text-nowrap flex-shrink-0 ${person.checked_in ? "btn-outline-secondary" : "btn-success"}`,
                         person.checked_in ? text.done : text.checkin);
  button.type = "button";
  button.addEventListener("click", async () => {
    try {
      const { status, data } = await postJson(fillUrl(urls.manual, { registration_id: person.id }), {},
                                              { csrf: config.csrf });
      showResult(data || {}, status);
      if (data && data.status === "ok") button.textContent = text.done;
    } catch {
      showNoAnswer();
    }
  });
  line.append(who, button);
  return line;
}

async function search(event) {
  event.preventDefault();
  const query = document.getElementById("search-q").value.trim();
  const list = document.getElementById("results");
  if (!query) return;
  try {
    const { data } = await getJson(`${urls.search}?q=${encodeURIComponent(query)}`);
    const people = (data && data.results) || [];
    list.replaceChildren(...(people.length ? people.map(searchResult)
      : [element("li", "list-group-item text-muted", text.nobody)]));
  } catch {
    list.replaceChildren(element("li", "list-group-item list-group-item-danger", text.error));
  }
}

// ---------------------------------------------------------------- the camera button

const cameraButton = document.getElementById("camera-btn");
const cameraBox = document.getElementById("camera-box");
const cameraError = document.getElementById("camera-error");

async function toggleCamera() {
  if (camera.running) {
    camera.stop();
    cameraBox.classList.add("d-none");
    cameraButton.textContent = text.start;
    codeInput.focus();
    return;
  }
  cameraBox.classList.remove("d-none");
  try {
    await camera.start();
    cameraError.classList.add("d-none");
    cameraButton.textContent = text.stop;
  } catch {
    cameraError.textContent = text.nocamera;
    cameraError.classList.remove("d-none");
  }
}

// ---------------------------------------------------------------- wiring

document.getElementById("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  scan(codeInput.value);
});
undoButton.addEventListener("click", undoLastCheckin);
document.getElementById("search-form").addEventListener("submit", search);
cameraButton.addEventListener("click", toggleCamera);
// Keep the scanner's field focused, unless staff are typing into the search.
document.addEventListener("click", (event) => {
  if (!event.target.closest("#search-card") && !event.target.closest("button")) codeInput.focus();
});

adoptOldQueue();
queue.start();
setInterval(refreshCounts, COUNTS_EVERY_MS);
codeInput.focus();
keepForOffline({ worker: urls.worker, scope: urls.scope });
