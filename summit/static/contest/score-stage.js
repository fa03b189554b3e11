// The roadshow on the scoring page: shows the entry on stage and its countdown, and opens that
// entry's sheet when it changes (while "follow the stage" is ticked).
import { getJson } from "../js/http.js";

const POLL_MS = 2000;

function clockText(seconds) {
  const left = Math.abs(seconds);
  return `${seconds < 0 ? "−" : ""}${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

export function followStage({ url, roundId, text, onEntry }) {
  const bar = document.getElementById("stage");
  const title = document.getElementById("stage-title");
  const phase = document.getElementById("stage-phase");
  const clock = document.getElementById("stage-clock");
  const follow = document.getElementById("follow");
  let shown = null;

  async function poll() {
    let stage;
    try {
      stage = (await getJson(url, { cache: "no-store" })).data;
    } catch {
      return;  // offline: the bar keeps its last state
    }
    if (!stage || !stage.item) {
      bar.hidden = true;
      return;
    }
    bar.hidden = false;
    title.textContent = stage.item.title;
    phase.textContent = stage.phase ? (text[stage.phase.name] || stage.phase.name) : "";
    clock.textContent = stage.phase ? clockText(stage.phase.remaining) : "";
    clock.className = `clock${stage.phase && stage.phase.remaining < 0 ? " over" : ""}`;
    const key = `${stage.kind}:${stage.id}`;
    if (stage.kind === "entry" && stage.context.round_id === roundId && key !== shown && follow.checked) {
      if (onEntry(stage.id)) shown = key;
    }
  }

  poll();
  setInterval(poll, POLL_MS);
}
