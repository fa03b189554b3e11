// The judge's scoring page on a tablet. Every change is kept on the tablet first
// (kept-scores.js), then sent through the shared offline queue: drafts and submissions wait
// there until the network returns, each with its own id, so that a retried upload is
// recognised by the server and never counted twice. The rules of a sheet are in scores.js.
import { getJson } from "../js/http.js";
import { keepForOffline, refreshKept } from "../js/offline/shell.js";
import { format } from "../js/text.js";
import { draftGroup, loadRound, saveRound, scoreQueue } from "./kept-scores.js";
import { followStage } from "./score-stage.js";
import * as rules from "./scores.js";

const config = JSON.parse(document.getElementById("cfg").textContent);
const text = JSON.parse(document.getElementById("i18n").textContent);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const roundId = config.round;
const judgeId = config.judge;
const DRAFT_AFTER_MS = 1200;  // a draft is sent once the judge pauses

const panel = document.getElementById("panel");
const list = document.getElementById("list");
const net = document.getElementById("net");
const dialog = document.getElementById("confirm-submit");
const homeUrl = document.querySelector(".back").href;

let { data, sheets } = loadRound(judgeId, roundId);
let currentId = null;
let draftTimer = null;
let draftEntryId = null;
let online = navigator.onLine;
let queueState = { items: [], problem: null };

const queue = scoreQueue({ judgeId, postUrl: config.post, csrf, onChange: queueChanged, onSettled: answerArrived });

function names(criteria) {
  const lang = document.documentElement.lang || "zh-CN";
  return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(criteria.map((c) => c.name));
}

function find(entryId) {
  return data ? data.entries.find((e) => e.id === entryId) : undefined;
}

function sheetOf(entryId) {
  if (!sheets[entryId]) sheets[entryId] = rules.emptySheet();
  return sheets[entryId];
}

function keepSheets() {
  saveRound(judgeId, roundId, { data, sheets });
}

function queuedFor(entryId) {
  return rules.queuedFor(queueState.items, roundId, entryId);
}

function roundClosed() {
  return !data || data.round.status !== "open";
}

// ---------------------------------------------------------------- status line and list

function renderNet() {
  const pending = queueState.items.length;
  const signedOut = queueState.problem === "login";
  net.className = `net${online && !signedOut ? "" : " off"}`;
  net.dataset.pending = String(pending);
  const word = signedOut ? text.login : (online ? text.online : text.offline);
  net.textContent = pending ? `${word} · ${format(text.pending, { n: pending })}` : word;
}

function renderList() {
  list.replaceChildren();
  if (!data) return;
  for (const entry of data.entries) {
    const status = rules.sheetStatus(sheetOf(entry.id), queuedFor(entry.id));
    const button = document.createElement("button");
    button.type = "button";
    button.className = `${entry.id === currentId ? "cur " : ""}st-${status}`;
    button.dataset.entry = String(entry.id);
    button.dataset.status = status;
    if (entry.id === currentId) button.setAttribute("aria-current", "true");
    button.textContent = entry.name;
    const label = document.createElement("span");
    label.className = "st";
    label.textContent = text[`status_${status}`];
    button.append(label);
    button.addEventListener("click", () => select(entry.id));
    list.append(button);
  }
}

// ---------------------------------------------------------------- the sheet

function stateMessage(entry, sheet) {
  if (sheet.error) return { kind: "err", message: sheet.error };
  const status = rules.sheetStatus(sheet, queuedFor(entry.id));
  if (status === "kept") return { kind: "ok", message: text.kept };
  if (status === "received") return { kind: "ok", message: text.received };
  if (roundClosed()) return { kind: "", message: text.closed };
  return { kind: "", message: sheet.savedAt ? text.saved : "" };
}

function renderState() {
  const entry = currentId == null ? undefined : find(currentId);
  if (!entry) return;
  const sheet = sheetOf(entry.id);
  const frozen = sheet.locked || roundClosed();
  panel.querySelector(".sum").textContent = rules.total(data.criteria, sheet.values);
  const state = panel.querySelector(".state");
  const { kind, message } = stateMessage(entry, sheet);
  state.className = `state${kind ? ` ${kind}` : ""}`;
  state.textContent = message;
  panel.querySelectorAll("input[type=range], .ctl button, textarea").forEach((control) => {
    control.disabled = frozen;
  });
  panel.querySelector(".submit").disabled = frozen;
}

function sendDraft(entryId) {
  const sheet = sheetOf(entryId);
  const group = draftGroup(roundId, entryId);
  queue.add({ kind: "draft", round: roundId, entry: entryId, values: { ...sheet.values }, comment: sheet.comment },
            { group, supersedes: [group] });
}

// The draft waiting for the judge's pause; `except` is a sheet whose draft is not wanted (it is
// being submitted).
function sendWaitingDraft(except = null) {
  if (draftTimer === null) return;
  clearTimeout(draftTimer);
  draftTimer = null;
  if (draftEntryId !== except) sendDraft(draftEntryId);
}

function queueDraft(entryId) {
  if (draftEntryId !== entryId) sendWaitingDraft();  // another sheet's changes are not dropped
  clearTimeout(draftTimer);
  draftEntryId = entryId;
  draftTimer = setTimeout(() => {
    draftTimer = null;
    sendDraft(entryId);
  }, DRAFT_AFTER_MS);
}

function criterionControl(entry, criterion) {
  // The sheet is looked up at each use: an answer from the server replaces the object.
  const points = () => sheetOf(entry.id).values[criterion.key];
  const node = document.getElementById("t-criterion").content.cloneNode(true);
  const id = `crit-${criterion.key}`;
  const label = node.querySelector(".name");
  label.textContent = criterion.name + (criterion.weight !== 1 ? ` ×${criterion.weight}` : "");
  label.htmlFor = id;
  node.querySelector(".cmax").textContent = criterion.max;
  node.querySelector(".crit-desc").textContent = criterion.description || "";
  const box = node.querySelector(".crit");
  box.dataset.criterion = criterion.key;
  const range = node.querySelector("input");
  const output = node.querySelector(".val");
  range.id = id;
  range.max = criterion.max;
  output.htmlFor = id;
  const minus = node.querySelector(".minus");
  const plus = node.querySelector(".plus");
  minus.setAttribute("aria-label", format(text.less, { name: criterion.name }));
  plus.setAttribute("aria-label", format(text.more, { name: criterion.name }));

  function show() {
    const given = points();
    const unscored = given == null;
    output.textContent = unscored ? "–" : given;
    // An unscored slider shows no thumb and sits in the middle: nothing suggests a value.
    range.value = unscored ? rules.middle(criterion) : given;
    range.classList.toggle("unscored", unscored);
    if (unscored) range.setAttribute("aria-valuetext", text.unscored);
    else range.removeAttribute("aria-valuetext");
  }

  function set(value) {
    const sheet = sheetOf(entry.id);
    sheet.values[criterion.key] = rules.clamp(value, criterion);
    sheet.error = null;
    sheet.savedAt = null;
    box.classList.remove("missing");
    keepSheets();
    show();
    renderState();
    renderList();
    queueDraft(entry.id);
  }

  range.addEventListener("input", () => set(Number(range.value)));
  // A tap on an unscored slider right where its hidden thumb sits changes no value, so it
  // fires no "input": it still scores the criterion.
  range.addEventListener("click", () => { if (points() == null) set(Number(range.value)); });
  minus.addEventListener("click", () => set(rules.step(points(), -1, criterion)));
  plus.addEventListener("click", () => set(rules.step(points(), 1, criterion)));
  show();
  return node;
}

// Refused on the tablet, before anything is sent: the criteria still unscored are named and
// marked, and the first one has the focus.
function refuseIncomplete(unscored) {
  const state = panel.querySelector(".state");
  state.className = "state err";
  state.textContent = format(text.incomplete, { names: names(unscored) });
  const keys = new Set(unscored.map((c) => c.key));
  panel.querySelectorAll(".crit").forEach((box) => box.classList.toggle("missing", keys.has(box.dataset.criterion)));
  const first = panel.querySelector(`#crit-${unscored[0].key}`);
  first.scrollIntoView({ block: "center" });
  first.focus();
}

function askToSubmit(entry, sheet) {
  const rows = dialog.querySelector("tbody");
  rows.replaceChildren(...data.criteria.map((criterion) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = criterion.name + (criterion.weight !== 1 ? ` ×${criterion.weight}` : "");
    const points = document.createElement("td");
    points.textContent = `${sheet.values[criterion.key]} / ${criterion.max}`;
    row.append(name, points);
    return row;
  }));
  dialog.querySelector(".confirm-entry").textContent = entry.name;
  dialog.querySelector(".confirm-total").textContent =
    `${rules.total(data.criteria, sheet.values)} / ${rules.maxTotal(data.criteria)}`;
  dialog.returnValue = "";
  dialog.showModal();
}

function submit(entryId) {
  const sheet = sheetOf(entryId);
  sendWaitingDraft(entryId);
  sheet.locked = true;
  sheet.error = null;
  keepSheets();
  queue.add({ kind: "submit", round: roundId, entry: entryId, values: { ...sheet.values }, comment: sheet.comment },
            { group: `submit:${roundId}:${entryId}`, supersedes: [draftGroup(roundId, entryId)] });
  renderState();
  renderList();
}

function select(entryId) {
  const entry = find(entryId);
  if (!entry) return false;
  currentId = entryId;
  panel.replaceChildren(document.getElementById("t-entry").content.cloneNode(true));
  panel.querySelector(".title").textContent = entry.name;
  panel.querySelector(".meta").textContent = [entry.organisation, entry.field].filter(Boolean).join(" · ");
  panel.querySelector(".summary .text").textContent = entry.summary;
  const plan = panel.querySelector(".plan");
  if (entry.plan) plan.href = entry.plan;
  else plan.remove();
  const video = panel.querySelector(".video");
  if (/^https?:\/\//.test(entry.video || "")) video.href = entry.video;
  else video.remove();
  panel.querySelector(".max").textContent = rules.maxTotal(data.criteria);
  panel.querySelector("input[name=entry_id]").value = entry.id;
  panel.querySelector(".criteria").append(...data.criteria.map((c) => criterionControl(entry, c)));
  const comment = panel.querySelector("#comment");
  comment.value = sheetOf(entryId).comment || "";
  comment.addEventListener("input", () => {
    sheetOf(entryId).comment = comment.value;
    keepSheets();
    queueDraft(entry.id);
  });
  panel.querySelector(".submit").addEventListener("click", () => {
    const sheet = sheetOf(entryId);
    const unscored = rules.missing(data.criteria, sheet.values);
    if (unscored.length) refuseIncomplete(unscored);
    else askToSubmit(entry, sheet);
  });
  renderState();
  renderList();
  return true;
}

// ---------------------------------------------------------------- the queue and the server

dialog.addEventListener("close", () => {
  if (dialog.returnValue === "submit" && currentId != null) submit(currentId);
});

function queueChanged(state) {
  queueState = state;
  if (state.problem === "offline") online = false;
  renderNet();
  renderList();
  renderState();
}

function answerArrived(item, result) {
  online = true;
  sheets = loadRound(judgeId, roundId).sheets;  // the answer was kept there
  renderNet();
  renderList();
  renderState();
  // The kept copy of the judge's list counts what the server received: fetch it again.
  if (item.payload.kind === "submit" && result.accepted) refreshKept([homeUrl]);
}

// Uploads kept by the page before it shared the queue with the check-in page.
function adoptOldOutbox() {
  const prefix = `contest-r${roundId}:`;
  try {
    const outbox = JSON.parse(localStorage.getItem(`${prefix}outbox`)) || [];
    const local = JSON.parse(localStorage.getItem(`${prefix}local`));
    for (const old of outbox) {
      if (!old || !old.entry || !old.kind) continue;
      queue.add({ kind: old.kind, round: roundId, entry: old.entry, values: old.values || {}, comment: old.comment || "" },
                { id: old.client_id || undefined });
    }
    if (local && !Object.keys(sheets).length) {
      for (const [entryId, old] of Object.entries(local)) {
        sheets[entryId] = { ...rules.emptySheet(), values: old.values || {}, comment: old.comment || "",
                            locked: Boolean(old.locked) };
      }
      keepSheets();
    }
    ["outbox", "local", "data"].forEach((name) => localStorage.removeItem(prefix + name));
  } catch {
    /* nothing readable kept */
  }
}

function start(fresh) {
  if (fresh) {
    const waiting = queue.items.filter((i) => i.payload.round === roundId).map((i) => i.payload.entry);
    sheets = rules.mergeServer(sheets, fresh.entries, waiting);
    data = fresh;
    keepSheets();
  }
  renderNet();
  if (!data) {
    panel.querySelector("p").textContent = text.unavailable;
    return;
  }
  if (!data.entries.length) {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = text.none;
    panel.replaceChildren(none);
    return;
  }
  if (currentId == null || !select(currentId)) select(data.entries[0].id);
}

async function loadFromServer() {
  try {
    const { status, data: fresh } = await getJson(config.data);
    if (status !== 200 || !fresh) throw new Error(String(status));
    start(fresh);
  } catch {
    online = false;
    start(null);
  }
}

// Leaving the page within the pause before a draft: it is queued (kept) now, not lost.
window.addEventListener("pagehide", () => sendWaitingDraft());
window.addEventListener("online", () => { online = true; renderNet(); });
window.addEventListener("offline", () => { online = false; renderNet(); });

adoptOldOutbox();
queue.start();
loadFromServer();
if (config.kind === "roadshow") {
  followStage({ url: config.stage, roundId, text, onEntry: (entryId) => select(entryId) });
}
// The judge's list too: the page's back link must open without network as well.
keepForOffline({ worker: config.worker, scope: config.scope, urls: [config.data, homeUrl] });
