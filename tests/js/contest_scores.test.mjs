// The rules of a judge's score sheet (summit/static/contest/scores.js).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as rules from "../../summit/static/contest/scores.js";

const CRITERIA = [
  { key: "innovation", name: "Technical innovation", max: 30, weight: 1 },
  { key: "market", name: "Market prospects", max: 25, weight: 1 },
  { key: "team", name: "Team", max: 20, weight: 1.5 },
];
const [innovation, market] = CRITERIA;

describe("the first tap on an unscored criterion", () => {
  test("'+' starts from the middle of the range, never the maximum", () => {
    assert.equal(rules.step(undefined, 1, innovation), 15);
    assert.equal(rules.step(null, 1, market), 13);
    assert.notEqual(rules.step(undefined, 1, innovation), innovation.max);
  });

  test("'−' starts from the middle too, never 0", () => {
    assert.equal(rules.step(undefined, -1, innovation), 15);
  });

  test("later taps move one point and stay within 0..max", () => {
    assert.equal(rules.step(15, 1, innovation), 16);
    assert.equal(rules.step(15, -1, innovation), 14);
    assert.equal(rules.step(30, 1, innovation), 30);
    assert.equal(rules.step(0, -1, innovation), 0);
  });
});

test("clamp keeps points within the criterion's range", () => {
  assert.equal(rules.clamp(31, innovation), 30);
  assert.equal(rules.clamp(-2, innovation), 0);
  assert.equal(rules.clamp(7, innovation), 7);
});

describe("totals", () => {
  test("weighted, unscored criteria count 0, two decimals", () => {
    assert.equal(rules.total(CRITERIA, { innovation: 20, team: 11 }), 36.5);
    assert.equal(rules.total(CRITERIA, {}), 0);
    assert.equal(rules.total([{ key: "a", max: 10, weight: 1 / 3 }], { a: 1 }), 0.33);
  });

  test("the maximum is the weighted sum of the maxima", () => {
    assert.equal(rules.maxTotal(CRITERIA), 85);
  });
});

test("missing lists every criterion without points, 0 counts as given", () => {
  assert.deepEqual(rules.missing(CRITERIA, { innovation: 0 }).map((c) => c.key), ["market", "team"]);
  assert.deepEqual(rules.missing(CRITERIA, { innovation: 1, market: 2, team: 3 }), []);
  assert.deepEqual(rules.missing(CRITERIA, { innovation: 1, market: null, team: 3 }).map((c) => c.key), ["market"]);
});

describe("sheetStatus: kept on the tablet is not received", () => {
  const none = { draft: false, submit: false };
  const sheet = (extra) => ({ ...rules.emptySheet(), ...extra });

  test("a submission waiting in the queue is kept, even though the sheet is locked", () => {
    assert.equal(rules.sheetStatus(sheet({ locked: true, values: { innovation: 3 } }), { draft: false, submit: true }),
                 "kept");
  });

  test("a locked sheet with nothing waiting has been received", () => {
    assert.equal(rules.sheetStatus(sheet({ locked: true }), none), "received");
  });

  test("a refused upload, a draft and an untouched sheet", () => {
    assert.equal(rules.sheetStatus(sheet({ error: "closed" }), none), "refused");
    assert.equal(rules.sheetStatus(sheet({ values: { innovation: 3 } }), { draft: true, submit: false }), "draft");
    assert.equal(rules.sheetStatus(sheet({ comment: "good" }), none), "draft");
    assert.equal(rules.sheetStatus(sheet({}), none), "todo");
  });
});

test("queuedFor finds the uploads of one entry of one round", () => {
  const items = [
    { id: "1", at: 1, payload: { kind: "draft", round: 1, entry: 7 } },
    { id: "2", at: 2, payload: { kind: "submit", round: 1, entry: 8 } },
    { id: "3", at: 3, payload: { kind: "submit", round: 2, entry: 7 } },
  ];
  assert.deepEqual(rules.queuedFor(items, 1, 7), { draft: true, submit: false });
  assert.deepEqual(rules.queuedFor(items, 1, 8), { draft: false, submit: true });
  assert.deepEqual(rules.queuedFor(items, 3, 7), { draft: false, submit: false });
});

describe("mergeServer", () => {
  const server = [
    { id: 7, values: { innovation: 10 }, comment: "server", locked: false },
    { id: 8, values: { innovation: 20 }, comment: "", locked: true },
  ];

  test("a sheet with uploads waiting keeps what the judge did on the tablet", () => {
    const mine = { ...rules.emptySheet(), values: { innovation: 29 }, locked: true };
    const merged = rules.mergeServer({ 7: mine }, server, [7]);
    assert.equal(merged[7], mine);
  });

  test("otherwise the server wins: values, comment and lock (an organizer may have unlocked)", () => {
    const stale = { ...rules.emptySheet(), values: { innovation: 1 }, locked: true, error: "old" };
    const merged = rules.mergeServer({ 7: stale }, server, []);
    assert.deepEqual(merged[7], { values: { innovation: 10 }, comment: "server", locked: false, error: "old",
                                  savedAt: null });
    assert.deepEqual(merged[8].values, { innovation: 20 });
    assert.equal(merged[8].locked, true);
  });

  test("an entry no longer assigned is dropped", () => {
    assert.deepEqual(Object.keys(rules.mergeServer({ 99: rules.emptySheet() }, server, [])), ["7", "8"]);
  });
});

describe("uploadOutcome", () => {
  test("an accepted draft or submission settles", () => {
    assert.deepEqual(rules.uploadOutcome(201, { ok: true, locked: true }),
                     { settled: true, result: { accepted: true, locked: true, duplicate: false } });
    assert.deepEqual(rules.uploadOutcome(200, { ok: true, duplicate: true, locked: true }).result.duplicate, true);
  });

  test("a refusal settles with the server's message", () => {
    assert.deepEqual(rules.uploadOutcome(409, { error: "locked", code: "locked" }),
                     { settled: true, result: { accepted: false, error: "locked", locked: true } });
    assert.deepEqual(rules.uploadOutcome(422, { error: "Market has no points yet." }).result,
                     { accepted: false, error: "Market has no points yet.", locked: false });
  });

  test("server trouble and an expired login keep the upload for later", () => {
    assert.deepEqual(rules.uploadOutcome(503, { error: "x" }), { settled: false, problem: "server" });
    assert.deepEqual(rules.uploadOutcome(429, {}), { settled: false, problem: "server" });
    assert.deepEqual(rules.uploadOutcome(400, { error: "The CSRF token is missing." }), { settled: false, problem: "login" });
    assert.deepEqual(rules.uploadOutcome(200, null), { settled: false, problem: "login" });  // the login page's HTML
    assert.deepEqual(rules.uploadOutcome(200, { something: "else" }), { settled: false, problem: "server" });
  });
});

describe("applyAnswer", () => {
  const open = { ...rules.emptySheet(), values: { innovation: 3 }, locked: true };

  test("an accepted submission locks the sheet; an accepted draft notes when it was saved", () => {
    assert.equal(rules.applyAnswer(open, "submit", { accepted: true }, 5).locked, true);
    const draft = rules.applyAnswer({ ...open, locked: false, error: "x" }, "draft", { accepted: true }, 5);
    assert.deepEqual([draft.locked, draft.error, draft.savedAt], [false, null, 5]);
  });

  test("a refused submission opens the sheet again with the reason", () => {
    const refused = rules.applyAnswer(open, "submit", { accepted: false, error: "closed", locked: false }, 5);
    assert.deepEqual([refused.locked, refused.error], [false, "closed"]);
  });

  test("a score locked on the server stays locked", () => {
    const refused = rules.applyAnswer({ ...open, locked: false }, "draft", { accepted: false, error: "locked", locked: true }, 5);
    assert.equal(refused.locked, true);
  });
});
