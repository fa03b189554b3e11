// What a judge's tablet keeps: the sheets of each round (localStorage) and the queue of
// uploads (drafts and submissions, the shared offline queue). Used by the scoring page and by
// the judge's list, which both send what waits. Everything is kept per judge, so that a tablet
// passed to another judge never sends one judge's scores as another's.
import { postJson } from "../js/http.js";
import { OfflineQueue } from "../js/offline/queue.js";
import { applyAnswer, emptySheet, uploadOutcome } from "./scores.js";

function roundKey(judgeId, roundId) {
  return `summit-scores:${judgeId}:${roundId}`;
}

/** {data, sheets}: the server's last view of the round (null before the first) and the sheets. */
export function loadRound(judgeId, roundId) {
  try {
    const kept = JSON.parse(localStorage.getItem(roundKey(judgeId, roundId)));
    if (kept && typeof kept === "object") return { data: kept.data || null, sheets: kept.sheets || {} };
  } catch {
    /* nothing readable kept */
  }
  return { data: null, sheets: {} };
}

export function saveRound(judgeId, roundId, kept) {
  try {
    localStorage.setItem(roundKey(judgeId, roundId), JSON.stringify(kept));
  } catch {
    /* storage full or off: the page still holds it in memory */
  }
}

/** The queue of this judge's uploads. onSettled(item, result) runs after the answer is kept
    in the round's sheets. */
export function scoreQueue({ judgeId, postUrl, csrf, onChange = () => {}, onSettled = () => {} }) {
  const send = async (item) => {
    const { status, data } = await postJson(postUrl, { ...item.payload, client_id: item.id }, { csrf });
    return uploadOutcome(status, data);
  };
  const record = (item, result) => {
    const { round, entry, kind } = item.payload;
    const kept = loadRound(judgeId, round);
    kept.sheets[entry] = applyAnswer(kept.sheets[entry] || emptySheet(), kind, result, Date.now());
    saveRound(judgeId, round, kept);
    onSettled(item, result);
  };
  return new OfflineQueue({ name: `scores:${judgeId}`, send, onChange, onSettled: record });
}

/** The group of a sheet's drafts: a newer draft or the submission replaces one still unsent. */
export function draftGroup(roundId, entryId) {
  return `draft:${roundId}:${entryId}`;
}
