// The shared offline queue (summit/static/js/offline/queue.js) over a storage with the
// localStorage interface: what it keeps, in which order it sends, what settles an item.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { OfflineQueue } from "../../summit/static/js/offline/queue.js";

class MemoryStorage {
  constructor() { this.data = new Map(); }
  getItem(key) { return this.data.has(key) ? this.data.get(key) : null; }
  setItem(key, value) { this.data.set(key, String(value)); }
  removeItem(key) { this.data.delete(key); }
}

class FullStorage extends MemoryStorage {
  setItem() { throw new Error("QuotaExceededError"); }
}

let storage;
let clock;
let ids;
let queues;

function makeQueue(options = {}) {
  const queue = new OfflineQueue({ name: "test", storage, now: () => clock, newId: () => `id${ids++}`, ...options });
  queues.push(queue);
  return queue;
}

beforeEach(() => {
  storage = new MemoryStorage();
  clock = 1_000_000;
  ids = 1;
  queues = [];
});

afterEach(() => {
  queues.forEach((queue) => queue.stop());  // no retry fires after the test
});

describe("OfflineQueue", () => {
  test("an item that cannot be sent is kept in the storage, and a new queue finds it", async () => {
    const queue = makeQueue({ send: async () => { throw new TypeError("Failed to fetch"); } });
    queue.add({ code: "QS1" });
    await queue.flush();
    assert.equal(queue.problem, "offline");
    const reloaded = makeQueue({ send: async () => ({ settled: false, problem: "offline" }) });
    assert.deepEqual(reloaded.items.map((i) => [i.id, i.at, i.payload.code]), [["id1", 1_000_000, "QS1"]]);
  });

  test("sends oldest first, one at a time, and each answered item leaves the queue", async () => {
    const sent = [];
    const settled = [];
    let inFlight = 0;
    const queue = makeQueue({
      send: async (item) => {
        inFlight += 1;
        assert.equal(inFlight, 1, "one upload at a time");
        sent.push(item.payload.code);
        await Promise.resolve();
        inFlight -= 1;
        return { settled: true, result: { status: "ok", code: item.payload.code } };
      },
      onSettled: (item, result, how) => settled.push([item.payload.code, result.status, how]),
    });
    storage.setItem(queue.key, JSON.stringify([
      { id: "x1", at: 1, group: null, payload: { code: "A" } },
      { id: "x2", at: 2, group: null, payload: { code: "B" } },
    ]));
    await queue.flush();
    assert.deepEqual(sent, ["A", "B"]);
    assert.deepEqual(settled, [["A", "ok", "sent"], ["B", "ok", "sent"]]);
    assert.deepEqual(queue.items, []);
    assert.equal(storage.getItem(queue.key), "[]");
  });

  test("an answer that does not settle (signed out) keeps the item and stops, in order", async () => {
    const sent = [];
    const queue = makeQueue({ send: async (item) => { sent.push(item.id); return { settled: false, problem: "login" }; } });
    queue.add({ n: 1 });
    queue.add({ n: 2 });
    await queue.flush();
    assert.deepEqual(sent, ["id1"]);
    assert.equal(queue.problem, "login");
    assert.deepEqual(queue.items.map((i) => i.id), ["id1", "id2"]);
  });

  test("a retry after the network is back sends what was kept exactly once", async () => {
    let up = false;
    const sent = [];
    const queue = makeQueue({
      send: async (item) => {
        if (!up) throw new TypeError("Failed to fetch");
        sent.push(item.id);
        return { settled: true, result: {} };
      },
    });
    queue.add({ n: 1 });
    await queue.flush();
    assert.deepEqual(sent, []);
    up = true;
    await queue.flush();
    await queue.flush();
    assert.deepEqual(sent, ["id1"]);
    assert.equal(queue.problem, null);
  });

  test("items older than maxAgeMs are settled without being sent", async () => {
    const sent = [];
    const expired = [];
    const queue = makeQueue({
      maxAgeMs: 1000, send: async (item) => { sent.push(item.id); return { settled: true, result: {} }; },
      onSettled: (item, result, how) => { if (how === "expired") expired.push([item.id, result]); },
    });
    storage.setItem(queue.key, JSON.stringify([{ id: "old", at: clock - 5000, group: null, payload: {} },
                                               { id: "new", at: clock - 10, group: null, payload: {} }]));
    await queue.flush();
    assert.deepEqual(expired, [["old", null]]);
    assert.deepEqual(sent, ["new"]);
  });

  test("a draft added while the previous one is being sent does not drop it", async () => {
    let release;
    const sent = [];
    const queue = makeQueue({
      send: (item) => new Promise((resolve) => {
        sent.push(item.id);
        release = () => resolve({ settled: true, result: {} });
      }),
    });
    queue.add({ v: 1 }, { group: "draft:1:7", supersedes: ["draft:1:7"] });
    await Promise.resolve();
    queue.add({ v: 2 }, { group: "draft:1:7", supersedes: ["draft:1:7"] });
    queue.add({ v: 3 }, { group: "draft:1:7", supersedes: ["draft:1:7"] });
    assert.deepEqual(queue.items.map((i) => i.payload.v), [1, 3]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await queue.flush();
    assert.deepEqual(sent, ["id1", "id3"]);
    assert.deepEqual(queue.items, []);
  });

  test("onChange tells the page what is kept and why it waits", async () => {
    const seen = [];
    const queue = makeQueue({
      send: async () => ({ settled: false, problem: "server" }),
      onChange: ({ items, problem }) => seen.push([items.length, problem]),
    });
    queue.add({ n: 1 });
    await queue.flush();
    assert.deepEqual(seen.at(0), [1, null]);
    assert.deepEqual(seen.at(-1), [1, "server"]);
  });

  test("a storage that refuses to write still keeps the items for this page", async () => {
    storage = new FullStorage();
    const queue = makeQueue({ send: async () => ({ settled: false, problem: "offline" }) });
    queue.add({ n: 1 });
    await queue.flush();
    assert.deepEqual(queue.items.map((i) => i.payload.n), [1]);
  });
});
