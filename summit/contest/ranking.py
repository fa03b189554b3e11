"""Rankings of a round, computed from the ledger (scoring.py does the arithmetic), and the
entries that advance to the next round."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import utcnow
from summit.extensions import db

from . import scoring
from .errors import ContestError
from .ledger import score_state
from .models import Entry, Round, RoundEntry
from .rounds import criteria as round_criteria, next_round, round_entries


def ranking(round_: Round) -> dict:
    """{"rows": [...scoring rows + "entry_obj"], "agreement": ICC(1) or None, "method"}."""
    if not round_.rubric:
        return {"rows": [], "agreement": None, "method": round_.method}
    state = score_state(round_)
    scores = [{"judge": j, "entry": e, "values": s["values"]} for (e, j), s in state.items() if s["locked"]]
    criteria = round_criteria(round_)
    rows = scoring.rank(round_.method, criteria, scores, tiebreak=round_.tiebreak or None) if scores else []
    entries = {e.id: e for e in round_entries(round_)}
    for r in rows:
        r["entry_obj"] = entries.get(r["entry"]) or db.session.get(Entry, r["entry"])
    return {"rows": rows, "agreement": scoring.agreement(rows), "method": round_.method,
            "max_total": scoring.max_total(criteria)}


def advance_proposal(round_: Round, top_n: int | None, threshold: float | None) -> list[dict]:
    if not top_n and threshold is None:
        raise ContestError(_("Give the number of entries that advance or a score threshold."), "top_n")
    rows = ranking(round_)["rows"]
    if top_n:
        if top_n < 1:
            raise ContestError(_("The number must be at least 1."), "top_n")
        cut = [r for r in rows if r["rank"] <= top_n]  # entries sharing the last rank all advance
    else:
        cut = [r for r in rows if r["score"] >= threshold]
    return cut


def confirm_advance(round_: Round, entry_ids: list[int], top_n: int | None, threshold: float | None) -> Round:
    target = next_round(round_)
    if target is None:
        raise ContestError(_("There is no later round in this track."), status=409)
    if not entry_ids:
        raise ContestError(_("No entry is selected to advance."), "entries")
    allowed = {r["entry"] for r in ranking(round_)["rows"]}
    if set(entry_ids) - allowed:
        raise ContestError(_("Only ranked entries can advance."), "entries")
    with transaction():
        existing = {re.entry_id for re in db.session.scalars(select(RoundEntry).where(
            RoundEntry.round_id == target.id))}
        for pos, eid in enumerate(entry_ids):
            if eid not in existing:
                db.session.add(RoundEntry(round_id=target.id, entry_id=eid, position=pos))
        round_.advance_top_n, round_.advance_threshold, round_.advanced_at = top_n, threshold, utcnow()
        audit.record(round_, "round.advanced", None, {"to_round": target.id, "entries": list(entry_ids),
                                                      "top_n": top_n, "threshold": threshold})
    return target
