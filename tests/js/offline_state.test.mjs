// The offline queue's state changes (summit/static/js/offline/state.js).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as state from "../../summit/static/js/offline/state.js";

const item = (id, at, group = null, payload = {}) => state.makeItem(payload, { id, at, group });

describe("enqueue", () => {
  test("appends in the order items were made", () => {
    const items = state.enqueue(state.enqueue([], item("a", 1)), item("b", 2));
    assert.deepEqual(items.map((i) => i.id), ["a", "b"]);
  });

  test("a newer draft replaces the unsent draft of the same sheet, not another sheet's", () => {
    let items = [item("d1", 1, "draft:1:7"), item("d2", 2, "draft:1:8")];
    items = state.enqueue(items, item("d3", 3, "draft:1:7"), { supersedes: ["draft:1:7"] });
    assert.deepEqual(items.map((i) => i.id), ["d2", "d3"]);
  });

  test("the draft being sent stays: its answer is awaited", () => {
    const items = state.enqueue([item("d1", 1, "draft:1:7")], item("d2", 2, "draft:1:7"),
                                { supersedes: ["draft:1:7"], sending: "d1" });
    assert.deepEqual(items.map((i) => i.id), ["d1", "d2"]);
  });

  test("a submission drops the sheet's unsent drafts and keeps the other items", () => {
    const items = state.enqueue([item("d1", 1, "draft:1:7"), item("s0", 1, "submit:1:6")],
                                item("s1", 2, "submit:1:7"), { supersedes: ["draft:1:7"] });
    assert.deepEqual(items.map((i) => i.id), ["s0", "s1"]);
  });

  test("does not change the queue it was given", () => {
    const before = [item("a", 1, "g")];
    state.enqueue(before, item("b", 2, "g"), { supersedes: ["g"] });
    assert.deepEqual(before.map((i) => i.id), ["a"]);
  });
});

describe("settle and nextStep", () => {
  test("settle removes only the answered item", () => {
    assert.deepEqual(state.settle([item("a", 1), item("b", 2)], "a").map((i) => i.id), ["b"]);
    assert.deepEqual(state.settle([item("a", 1)], "zzz").map((i) => i.id), ["a"]);
  });

  test("the oldest item goes first", () => {
    const { expired, next } = state.nextStep([item("a", 10), item("b", 20)], 30);
    assert.deepEqual(expired, []);
    assert.equal(next.id, "a");
  });

  test("items older than the limit are settled unsent; the next young one is sent", () => {
    const day = 86400 * 1000;
    const now = 10 * day;
    const { expired, next } = state.nextStep([item("old", now - 2 * day), item("new", now - 1000)], now, day);
    assert.deepEqual(expired.map((i) => i.id), ["old"]);
    assert.equal(next.id, "new");
  });

  test("an item exactly at the limit is still sent", () => {
    const { expired, next } = state.nextStep([item("a", 0)], 1000, 1000);
    assert.deepEqual(expired, []);
    assert.equal(next.id, "a");
  });

  test("an empty queue has nothing to send", () => {
    assert.deepEqual(state.nextStep([], 5), { expired: [], next: null });
  });
});

describe("secondsAgo and retryDelay", () => {
  test("seconds since the item was made, never negative when the clock went back", () => {
    assert.equal(state.secondsAgo(item("a", 1000), 4500), 3.5);
    assert.equal(state.secondsAgo(item("a", 5000), 4500), 0);
  });

  test("the wait doubles after each failure, up to the maximum", () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => state.retryDelay(n, { base: 1000, max: 5000 })), [1000, 2000, 4000, 5000]);
    assert.equal(state.retryDelay(0, { base: 1000 }), 1000);
    assert.equal(state.retryDelay(1000), 60000);
  });
});

describe("parse", () => {
  test("reads back what was written", () => {
    const items = [item("a", 1, null, { code: "QS1" })];
    assert.deepEqual(state.parse(JSON.stringify(items)), items);
  });

  test("nothing stored, broken text or another shape give an empty queue", () => {
    for (const text of [null, "", "{", "{}", "42", '"x"']) assert.deepEqual(state.parse(text), [], String(text));
  });

  test("malformed items are left out, the others kept", () => {
    const good = item("a", 1, null, { code: "QS1" });
    const text = JSON.stringify([good, null, { id: "", at: 1, payload: {} }, { id: "b", payload: {} },
                                 { id: "c", at: "yesterday", payload: {} }, { id: "d", at: 2 }]);
    assert.deepEqual(state.parse(text), [good]);
  });
});

test("count counts the items whose payload matches", () => {
  const items = [item("a", 1, null, { kind: "draft" }), item("b", 2, null, { kind: "submit" })];
  assert.equal(state.count(items), 2);
  assert.equal(state.count(items, (p) => p.kind === "submit"), 1);
});
