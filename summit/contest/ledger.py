"""The score ledger (评分): every draft, submission and unlock is appended, never changed; a
judge's current score and every ranking are folded from it."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import get_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from summit.auth.models import User
from summit.core import audit
from summit.core.database import for_update, transaction
from summit.extensions import db

from . import scoring
from .errors import ContestError
from .judging import judge_entries
from .models import Entry, PanelJudge, Round, ScoreEvent
from .rounds import criteria, panel


def fold(events) -> dict:
    """(entry id, judge id) -> {"values", "comment", "locked", "submitted_at", "updated_at"} from ledger rows
    in id order."""
    state: dict = {}
    for ev in events:
        key = (ev.entry_id, ev.judge_id)
        cur = state.setdefault(key, {"values": {}, "comment": "", "locked": False, "submitted_at": None,
                                     "updated_at": None, "events": 0})
        cur["events"] += 1
        cur["updated_at"] = ev.at
        if ev.kind in ("draft", "submit"):
            cur["values"] = dict(ev.values or {})
            cur["comment"] = ev.comment or ""
        if ev.kind == "submit":
            cur["locked"], cur["submitted_at"] = True, ev.at
        elif ev.kind == "unlock":
            cur["locked"], cur["submitted_at"] = False, None
    return state


def score_state(round_: Round, judge_id: int | None = None) -> dict:
    stmt = select(ScoreEvent).where(ScoreEvent.round_id == round_.id).order_by(ScoreEvent.id)
    if judge_id is not None:
        stmt = stmt.where(ScoreEvent.judge_id == judge_id)
    return fold(db.session.scalars(stmt))


def points_error_text(exc: scoring.ScoringError, round_: Round) -> str:
    # The criterion is named in the judge's language (the page shows it under that name).
    english = str(get_locale() or "").startswith("en")
    names = {c["key"]: c["name_en"] if english and c.get("name_en") else c["name_zh"] for c in round_.rubric}
    name = names.get(exc.params.get("criterion"), exc.params.get("criterion", ""))
    if exc.code == "out_of_range":
        return _("%(name)s: %(points)s is outside 0–%(max)s.", name=name, points=exc.params["points"],
                 max=exc.params["max"])
    if exc.code == "missing_points":
        return _("%(name)s has no points yet.", name=name)
    if exc.code == "unknown_criterion":
        return _("%(name)s is not a criterion of this round.", name=name)
    return _("%(name)s: points must be a number.", name=name)


def record_score(round_: Round, entry_id: int, judge: User, kind: str, values: dict, comment: str = "",
                 client_id: str | None = None) -> tuple[ScoreEvent, bool]:
    """Append a draft or a submission to the ledger. Returns (event, duplicate): a retried upload
    with the same client id returns the event already recorded and adds nothing."""
    if kind not in ("draft", "submit"):
        raise ContestError(_("Unknown action."), status=400)
    client_id = (client_id or "").strip()[:64] or None
    if client_id:
        seen = db.session.scalar(select(ScoreEvent).where(ScoreEvent.client_id == client_id))
        if seen is not None:
            if (seen.judge_id, seen.entry_id, seen.round_id) != (judge.id, entry_id, round_.id):
                raise ContestError(_("This submission id is already used."), status=409)
            return seen, True
    if round_.status != "open":
        raise ContestError(_("This round is not open for scoring."), status=409)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.id not in {e.id for e in judge_entries(round_, judge)}:
        raise ContestError(_("This entry is not yours to score."), status=403)
    if not isinstance(values, dict):
        raise ContestError(_("The points could not be read."), status=400)
    values = {k: v for k, v in values.items() if not (kind == "draft" and v in (None, ""))}
    try:
        scoring.check_points(criteria(round_), values, complete=(kind == "submit"))
    except scoring.ScoringError as exc:
        raise ContestError(points_error_text(exc, round_), exc.params.get("criterion"), 422)
    comment = (comment or "")[:4000]

    try:
        with transaction(lock=True):
            # One decision at a time per judge and round: the panel row is the lock.
            db.session.scalar(for_update(select(PanelJudge).where(PanelJudge.round_id == round_.id,
                                                                  PanelJudge.user_id == judge.id)))
            if client_id:  # the same upload may have been recorded while this one waited for the lock
                seen = db.session.scalar(select(ScoreEvent).where(ScoreEvent.client_id == client_id))
                if seen is not None and (seen.judge_id, seen.entry_id, seen.round_id) == (judge.id, entry_id,
                                                                                          round_.id):
                    return seen, True
            current = fold(db.session.scalars(select(ScoreEvent).where(
                ScoreEvent.round_id == round_.id, ScoreEvent.judge_id == judge.id, ScoreEvent.entry_id == entry_id)
                .order_by(ScoreEvent.id))).get((entry_id, judge.id))
            if current and current["locked"]:
                raise ContestError(_("This score is submitted and locked. Only an organizer can unlock it."),
                                   status=409, code="locked")
            event = ScoreEvent(round_id=round_.id, entry_id=entry_id, judge_id=judge.id, kind=kind, values=values,
                               comment=comment, client_id=client_id, actor_id=judge.id)
            db.session.add(event)
            db.session.flush()
            if kind == "submit":
                audit.record(event, "score.submitted", {"values": current["values"]} if current else None,
                             {"values": values, "total": scoring.total(criteria(round_), values), "entry": entry_id,
                              "judge": judge.id, "round": round_.id})
    except IntegrityError:  # the same client id raced in from another request
        seen = db.session.scalar(select(ScoreEvent).where(ScoreEvent.client_id == client_id)) if client_id else None
        if seen is None:
            raise
        return seen, True
    return event, False


def unlock(round_: Round, entry_id: int, judge_id: int, note: str) -> ScoreEvent:
    note = (note or "").strip()
    if not note:
        raise ContestError(_("Please say why the score is unlocked."), "note")
    with transaction(lock=True):
        db.session.scalar(for_update(select(PanelJudge).where(PanelJudge.round_id == round_.id,
                                                              PanelJudge.user_id == judge_id)))
        current = score_state(round_, judge_id).get((entry_id, judge_id))
        if not current or not current["locked"]:
            raise ContestError(_("This score is not locked."), status=409)
        actor_id, _label = audit.current_actor()
        event = ScoreEvent(round_id=round_.id, entry_id=entry_id, judge_id=judge_id, kind="unlock",
                           values=current["values"], comment=current["comment"], actor_id=actor_id, note=note)
        db.session.add(event)
        db.session.flush()
        audit.record(event, "score.unlocked", {"locked": True, "values": current["values"]}, {"locked": False},
                     note=note)
    return event


def counts_by_judge(round_: Round) -> dict:
    """judge id -> (assigned, submitted)"""
    state = score_state(round_)
    done = defaultdict(int)
    for (e, j), s in state.items():
        if s["locked"]:
            done[j] += 1
    out = {}
    for judge in panel(round_):
        out[judge.id] = (len(judge_entries(round_, judge)), done.get(judge.id, 0))
    return out
