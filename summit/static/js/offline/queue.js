// The offline queue that the check-in page and the scoring page share: what the device could
// not send yet is kept in localStorage (it survives a reload and the browser being closed)
// and sent in order, one item at a time, when the network is back. Each page says how to
// send an item and what counts as an answer (`send`); the rules of the queue's state are in
// state.js.
import * as state from "./state.js";

const PREFIX = "summit-queue:";
const SAFETY_INTERVAL_MS = 15000;  // the "online" event is not fired on a Wi-Fi that only hangs

function randomId() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class OfflineQueue {
  /**
   * name: the storage name (one queue per name and device).
   * send(item) -> Promise<{settled: true, result} | {settled: false, problem}>; a rejected
   *   promise counts as {settled: false, problem: "offline"}.
   * maxAgeMs: items older than this are settled without being sent.
   * onChange({items, problem, sending}) after every change; onSettled(item, result, how) once
   *   an item has its answer (how: "sent") or is dropped as too old (how: "expired").
   */
  constructor({ name, send, storage = globalThis.localStorage, maxAgeMs = Infinity, onChange = () => {},
                onSettled = () => {}, now = () => Date.now(), newId = randomId }) {
    this.key = PREFIX + name;
    this.send = send;
    this.storage = storage;
    this.maxAgeMs = maxAgeMs;
    this.onChange = onChange;
    this.onSettled = onSettled;
    this.now = now;
    this.newId = newId;
    this.memory = [];  // used alone when the storage refuses (full, or switched off)
    this.storageWorks = Boolean(storage);
    this.sending = null;
    this.flushing = null;
    this.problem = null;
    this.failures = 0;
    this.retryTimer = null;
    this.safetyTimer = null;
    this.stopped = false;
  }

  get items() {
    if (!this.storageWorks) return this.memory;
    try {
      return state.parse(this.storage.getItem(this.key));
    } catch {
      this.storageWorks = false;
      return this.memory;
    }
  }

  write(items) {
    this.memory = items;
    if (this.storageWorks) {
      try {
        this.storage.setItem(this.key, JSON.stringify(items));
      } catch {
        this.storageWorks = false;
      }
    }
    this.changed();
  }

  changed() {
    this.onChange({ items: this.items, problem: this.problem, sending: this.sending });
  }

  /** Keeps `payload` and starts sending. `group` and `supersedes` as in state.enqueue; `at`
      and `id` only for an item made earlier (kept by an older version of the page). */
  add(payload, { group = null, supersedes = [], at = this.now(), id = this.newId() } = {}) {
    const item = state.makeItem(payload, { at, id, group });
    this.write(state.enqueue(this.items, item, { supersedes, sending: this.sending }));
    this.flush();
    return item;
  }

  /** Sends what is kept, oldest first, until the queue is empty or a try fails. */
  flush() {
    if (!this.flushing) {
      this.flushing = this.withLock(() => this.sendAll()).finally(() => { this.flushing = null; });
    }
    return this.flushing;
  }

  // Two tabs of the same page must not send the same item twice: where the browser has the
  // Web Locks API, one tab at a time sends; the other finds the lock taken and tries later.
  withLock(work) {
    const locks = globalThis.navigator && globalThis.navigator.locks;
    if (!locks) return work();
    return locks.request(this.key, { ifAvailable: true }, (lock) => (lock ? work() : this.retryLater()));
  }

  async sendAll() {
    for (;;) {
      const { expired, next } = state.nextStep(this.items, this.now(), this.maxAgeMs);
      for (const item of expired) {
        this.write(state.settle(this.items, item.id));
        this.onSettled(item, null, "expired");
      }
      if (!next) return;
      this.sending = next.id;
      let outcome;
      try {
        outcome = await this.send(next);
      } catch {
        outcome = { settled: false, problem: "offline" };
      }
      this.sending = null;
      if (!outcome || !outcome.settled) {
        this.problem = (outcome && outcome.problem) || "offline";
        this.failures += 1;
        this.changed();
        this.retryLater();
        return;
      }
      this.problem = null;
      this.failures = 0;
      this.write(state.settle(this.items, next.id));
      this.onSettled(next, outcome.result, "sent");
    }
  }

  retryLater() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => this.flush(), state.retryDelay(Math.max(1, this.failures)));
  }

  /** Sends whenever the network comes back, and now. */
  start() {
    globalThis.addEventListener("online", () => { this.failures = 0; this.flush(); });
    // Another tab (the judge's list, a second scoring tab) changed the queue.
    globalThis.addEventListener("storage", (event) => { if (event.key === this.key) this.changed(); });
    this.safetyTimer = setInterval(() => this.flush(), SAFETY_INTERVAL_MS);
    this.changed();
    return this.flush();
  }

  /** No more tries by timer (what is kept stays kept). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.safetyTimer);
  }
}
