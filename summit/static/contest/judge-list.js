// The judge's list of rounds: next to what the server has received, how many submissions wait
// on this tablet; they are sent from here too. Every round's page and entries are kept for
// offline use, so that a round opens without network even if it was not opened before.
import { keepForOffline, refreshKept } from "../js/offline/shell.js";
import { format } from "../js/text.js";
import { scoreQueue } from "./kept-scores.js";

const box = document.getElementById("judge-rounds");
const links = [...box.querySelectorAll("a[data-round]")];

function showKept({ items }) {
  for (const link of links) {
    const roundId = Number(link.dataset.round);
    const kept = items.filter((i) => i.payload.round === roundId && i.payload.kind === "submit").length;
    const line = link.querySelector(".kept");
    line.hidden = !kept;
    line.textContent = kept ? format(box.dataset.keptText, { n: kept }) : "";
  }
}

function countReceived(item, result) {
  if (item.payload.kind !== "submit" || !result.accepted || result.duplicate) return;
  const line = box.querySelector(`a[data-round="${item.payload.round}"] .received`);
  if (!line) return;
  line.dataset.done = String(Number(line.dataset.done) + 1);
  line.textContent = format(box.dataset.receivedText, { done: line.dataset.done, n: line.dataset.total });
  refreshKept([location.href]);
}

const queue = scoreQueue({ judgeId: Number(box.dataset.judge), postUrl: box.dataset.post, csrf: box.dataset.csrf,
                           onChange: showKept, onSettled: countReceived });
queue.start();
keepForOffline({ worker: box.dataset.worker, scope: box.dataset.scope,
                 urls: links.flatMap((link) => [link.href, link.dataset.entries]) });
