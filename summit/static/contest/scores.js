// The rules of a judge's score sheet on the tablet, as pure functions of plain data (tested in
// tests/js/contest_scores.test.mjs). A sheet is what the tablet knows of one entry:
//   {values: {criterion key: points}, comment, locked, error, savedAt}
// `locked` is true once the judge submitted it (on the tablet or as the server says); whether
// the server has it yet is told by the queue (a submission still waiting there is "kept").

/** Where the first "+" or "−" on an unscored criterion lands: the middle of its range. */
export function middle(criterion) {
  return Math.round(criterion.max / 2);
}

export function clamp(points, criterion) {
  return Math.max(0, Math.min(criterion.max, points));
}

/** The points after one tap of "+" (delta 1) or "−" (delta −1); an unscored criterion
    starts from the middle of its range, never from its maximum or from 0. */
export function step(points, delta, criterion) {
  return points == null ? middle(criterion) : clamp(points + delta, criterion);
}

/** The weighted total, to two decimals; criteria without points count 0. */
export function total(criteria, values) {
  const sum = criteria.reduce((acc, c) => acc + (values[c.key] == null ? 0 : values[c.key] * c.weight), 0);
  return Math.round(sum * 100) / 100;
}

export function maxTotal(criteria) {
  return criteria.reduce((acc, c) => acc + c.max * c.weight, 0);
}

/** The criteria that have no points yet: a sheet with any cannot be submitted. */
export function missing(criteria, values) {
  return criteria.filter((c) => values[c.key] == null);
}

export function emptySheet() {
  return { values: {}, comment: "", locked: false, error: null, savedAt: null };
}

function fromServer(entry, error = null) {
  return { values: { ...(entry.values || {}) }, comment: entry.comment || "", locked: Boolean(entry.locked),
           error, savedAt: null };
}

/**
 * The sheets after the server's view of the judge's entries arrived. A sheet with uploads still
 * waiting on the tablet keeps what the judge did there; every other sheet takes the server's
 * values and lock (an organizer may have unlocked it), and keeps a refusal message while the
 * score is still open.
 */
export function mergeServer(sheets, entries, waitingEntryIds) {
  const waiting = new Set(waitingEntryIds);
  const merged = {};
  for (const entry of entries) {
    const local = sheets[entry.id];
    if (local && waiting.has(entry.id)) merged[entry.id] = local;
    else merged[entry.id] = fromServer(entry, local && !entry.locked ? local.error : null);
  }
  return merged;
}

/** Which uploads of this round's entry wait in the queue's items: {draft, submit}. */
export function queuedFor(items, roundId, entryId) {
  const mine = items.filter((i) => i.payload.round === roundId && i.payload.entry === entryId);
  return { draft: mine.some((i) => i.payload.kind === "draft"), submit: mine.some((i) => i.payload.kind === "submit") };
}

/**
 * How the judge's list shows a sheet:
 *   "kept"      submitted on the tablet, will be sent
 *   "received"  the server has the submission (it is locked there)
 *   "refused"   the server did not take the last upload (the sheet says why)
 *   "draft"     points given, not submitted
 *   "todo"      nothing given yet
 */
export function sheetStatus(sheet, queued) {
  if (queued.submit) return "kept";
  if (sheet.locked) return "received";
  if (sheet.error) return "refused";
  return Object.keys(sheet.values).length || sheet.comment ? "draft" : "todo";
}

/**
 * What the server's answer to an upload means for the queue: {settled, result} or
 * {settled: false, problem}. Server trouble, an expired login or form token (the login page
 * answers with HTML, not JSON) keep the upload for a later try; a verdict settles it.
 */
export function uploadOutcome(httpStatus, body) {
  if (body === null || httpStatus === 400 || httpStatus === 401) return { settled: false, problem: "login" };
  if (httpStatus >= 500 || httpStatus === 429) return { settled: false, problem: "server" };
  if (httpStatus < 300 && body.ok) {
    return { settled: true, result: { accepted: true, locked: Boolean(body.locked), duplicate: Boolean(body.duplicate) } };
  }
  if (httpStatus >= 400) {
    return { settled: true, result: { accepted: false, error: body.error || "", locked: body.code === "locked" } };
  }
  return { settled: false, problem: "server" };
}

/** The sheet after the server answered an upload of `kind` ("draft" or "submit"). */
export function applyAnswer(sheet, kind, result, now) {
  if (result.accepted) {
    return kind === "submit" ? { ...sheet, locked: true, error: null }
      : { ...sheet, error: null, savedAt: now };
  }
  // Refused: a score locked on the server stays locked; a refused submission opens the sheet again.
  const locked = result.locked ? true : (kind === "submit" ? false : sheet.locked);
  return { ...sheet, locked, error: result.error };
}
