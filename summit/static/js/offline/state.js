// The offline queue's state changes, as pure functions of plain data. A queue is an array of
// items {id, at, group, payload} in the order they were made: `at` is the device's clock in
// milliseconds, `group` names what an item may supersede (a sheet's draft). Nothing here
// touches the page, the storage or the network, so that each rule is tested on its own
// (tests/js/offline_state.test.mjs).

/** A new item; `id` is random so that a retried upload is recognised by the server. */
export function makeItem(payload, { at, id, group = null }) {
  return { id, at, group, payload };
}

/**
 * The queue with `item` appended. Items of the groups it supersedes are dropped (only the
 * newest draft of a sheet matters), except the one being sent: its answer is awaited.
 */
export function enqueue(items, item, { supersedes = [], sending = null } = {}) {
  const kept = items.filter((old) => old.id === sending || !supersedes.includes(old.group));
  return [...kept, item];
}

/** The queue without the item that has its answer. */
export function settle(items, id) {
  return items.filter((item) => item.id !== id);
}

/**
 * What to do next, oldest first: the items too old to be sent (they are settled unsent) and
 * the first item to send, or null.
 */
export function nextStep(items, now, maxAgeMs = Infinity) {
  const tooOld = (item) => now - item.at > maxAgeMs;
  return { expired: items.filter(tooOld), next: items.find((item) => !tooOld(item)) || null };
}

/** How long ago the item was made, in seconds (never negative, whatever the clock did). */
export function secondsAgo(item, now) {
  return Math.max(0, (now - item.at) / 1000);
}

/** Milliseconds to wait before the next try after `failures` failed ones in a row. */
export function retryDelay(failures, { base = 4000, max = 60000 } = {}) {
  return Math.min(max, base * 2 ** Math.max(0, Math.min(failures, 16) - 1));
}

function isItem(value) {
  return value !== null && typeof value === "object" && typeof value.id === "string" && value.id !== ""
    && Number.isFinite(value.at) && "payload" in value;
}

/** A queue read back from storage: text that is not a list gives an empty queue, and
    anything in it that is not a well-formed item is left out. */
export function parse(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(value) ? value.filter(isItem) : [];
}

/** Items of the queue whose payload satisfies `test`. */
export function count(items, test = () => true) {
  return items.filter((item) => test(item.payload, item)).length;
}
