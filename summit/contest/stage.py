"""The stage (路演台): what is on stage in a hall, its countdown and whether its score is revealed.

One generic mechanism: the state names an item by kind and id; features add kinds in their
init_feature (features.add_stage_kind) with a function that describes an item for the pages
("entry" here, ENTRY_KIND; "result", the research results of the programme's roadshow blocks,
is registered by summit/programme). The control page changes the state; the judges' tablets and the
hall's big screen poll state_json().
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from summit.core import audit
from summit.core.database import for_update, transaction
from summit.core.errors import DomainError
from summit.core.features import features
from summit.core.models import Summit, utcnow
from summit.extensions import db

from .models import StageState


@dataclass
class StageKind:
    name: str
    # describe(item_id, context, locale, reveal) -> {"title", "subtitle", "lines": [...], "score": str|None}
    # or None when the item does not exist.
    describe: Callable
    # choices(summit, locale) -> [(item_id, label, context, phases)] for the control page; phases
    # ([[name, seconds], ...], the countdown when the item goes on stage) may be left out.
    choices: Callable
    # progress(item_id, context) -> {"scored": n, "expected": m} (how many of the judges expected
    # to score the item have submitted) or None when the kind has no scores.
    progress: Callable | None = None


def kinds() -> dict[str, StageKind]:
    return features().stage_kinds


class StageError(DomainError):
    """A change the stage cannot make now; the code says why (unknown_kind, unknown_item,
    bad_phase, nothing_on_stage, unknown_action)."""

    def __init__(self, code: str, status: int):
        super().__init__(_("That is not possible now."), status=status, code=code)


def state_for(summit: Summit, hall: str = "main", lock: bool = False) -> StageState:
    stmt = select(StageState).where(StageState.summit_id == summit.id, StageState.hall == hall)
    state = db.session.scalar(for_update(stmt) if lock else stmt)
    if state is None:
        state = StageState(summit_id=summit.id, hall=hall, phases=[], context={})
        db.session.add(state)
        db.session.flush()
    return state


def remaining(state: StageState, now: dt.datetime | None = None) -> int | None:
    """Seconds left in the current phase (negative when over time); None without a countdown."""
    if not state.phases or state.phase_index >= len(state.phases):
        return None
    length = int(state.phases[state.phase_index][1])
    if state.paused_remaining is not None:
        return state.paused_remaining
    if state.phase_started_at is None:
        return length
    now = now or utcnow()
    return length - int((now - state.phase_started_at).total_seconds())


def _bump(state: StageState, action: str, after: dict) -> None:
    state.version += 1
    state.updated_at = utcnow()
    audit.record(state, f"stage.{action}", None, after)


def incomplete(state: StageState) -> dict | None:
    """The item's scoring progress when some expected judge has not scored it yet, else None."""
    kind = kinds().get(state.item_kind) if state.item_kind else None
    if kind is None or kind.progress is None:
        return None
    progress = kind.progress(state.item_id, state.context or {})
    return progress if progress and progress["scored"] < progress["expected"] else None


def control(summit: Summit, action: str, hall: str = "main", **params) -> StageState:
    """One change to the stage: show, start, pause, resume, next_phase, reveal, hide, clear.
    Revealing a score that not every expected judge has given needs incomplete_ok=True."""
    with transaction(lock=True):
        state = state_for(summit, hall, lock=True)
        if action == "show":
            kind = params.get("kind")
            if kind not in kinds():
                raise StageError("unknown_kind", 400)
            item_id = params.get("item_id")
            if kinds()[kind].describe(item_id, params.get("context") or {}, "zh_CN", False) is None:
                raise StageError("unknown_item", 404)
            phases = params.get("phases") or []
            if any(int(seconds) <= 0 or int(seconds) > 4 * 3600 for _name, seconds in phases):
                raise StageError("bad_phase", 422)
            state.item_kind, state.item_id = kind, item_id
            state.context = params.get("context") or {}
            state.phases = [[name, int(seconds)] for name, seconds in phases]
            state.phase_index, state.phase_started_at, state.paused_remaining = 0, None, None
            state.revealed = False
        elif state.item_kind is None and action != "clear":
            raise StageError("nothing_on_stage", 409)
        elif action == "start":
            state.phase_started_at, state.paused_remaining = utcnow(), None
        elif action == "pause":
            left = remaining(state)
            if state.phase_started_at is not None and state.paused_remaining is None:
                state.paused_remaining = left
        elif action == "resume":
            if state.paused_remaining is not None and state.phases:
                length = int(state.phases[state.phase_index][1])
                state.phase_started_at = utcnow() - dt.timedelta(seconds=length - state.paused_remaining)
                state.paused_remaining = None
        elif action == "next_phase":
            if state.phase_index < len(state.phases):
                state.phase_index += 1
                state.phase_started_at = utcnow() if state.phase_index < len(state.phases) else None
                state.paused_remaining = None
        elif action == "reveal":
            if not params.get("incomplete_ok") and incomplete(state) is not None:
                raise StageError("incomplete_score", 409)
            state.revealed = True
        elif action == "hide":
            state.revealed = False
        elif action == "clear":
            state.item_kind, state.item_id, state.context, state.phases = None, None, {}, []
            state.phase_index, state.phase_started_at, state.paused_remaining, state.revealed = 0, None, None, False
        else:
            raise StageError("unknown_action", 400)
        _bump(state, action, {"kind": state.item_kind, "item": state.item_id, "phase": state.phase_index,
                              "revealed": state.revealed})
    return state


def state_json(summit: Summit, locale: str, hall: str = "main", with_progress: bool = False) -> dict:
    """The stage for the pages; with_progress adds the scoring progress (the control page's,
    not the public screen's)."""
    stmt = select(StageState).where(StageState.summit_id == summit.id, StageState.hall == hall)
    state = db.session.scalar(stmt)
    if state is None or state.item_kind is None:
        return {"version": state.version if state else 0, "item": None}
    kind = kinds().get(state.item_kind)
    item = kind.describe(state.item_id, state.context or {}, locale, state.revealed) if kind else None
    phase = None
    if state.phases and state.phase_index < len(state.phases):
        name, length = state.phases[state.phase_index]
        phase = {"name": name, "index": state.phase_index, "count": len(state.phases), "length": length,
                 "remaining": remaining(state), "running": state.phase_started_at is not None
                 and state.paused_remaining is None}
    progress = None
    if with_progress and kind is not None and kind.progress is not None:
        progress = kind.progress(state.item_id, state.context or {})
    return {"version": state.version, "kind": state.item_kind, "id": state.item_id,
            "context": state.context or {}, "item": item, "phase": phase, "revealed": state.revealed,
            "progress": progress}


# ---------------------------------------------------------------- the contest's kind: "entry"

def _describe_entry(item_id, context, locale, reveal):
    from .models import Entry, Round
    from .ranking import ranking

    entry = db.session.get(Entry, item_id) if isinstance(item_id, int) else None
    if entry is None:
        return None
    round_ = db.session.get(Round, context.get("round_id")) if context.get("round_id") else None
    out = {"title": entry.project_name, "subtitle": entry.track.name(locale),
           "lines": [entry.organisation] if entry.organisation else [], "score": None}
    if reveal and round_ is not None:
        row = next((r for r in ranking(round_)["rows"] if r["entry"] == entry.id), None)
        if row is not None:
            value = row["score"]
            out["score"] = f"{value:.3f}" if round_.method == "zscore" else f"{value:.2f}"
            out["score_label"] = ngettext("%(num)d judge", "%(num)d judges", row["judges"])
    return out


def _entry_choices(summit, locale):
    from .rounds import round_entries
    from .tracks import contest_for

    contest = contest_for(summit)
    out = []
    if contest is None:
        return out
    for track in contest.tracks:
        for round_ in track.rounds:
            if round_.kind != "roadshow":
                continue
            phases = [["pitch", round_.pitch_seconds]]
            if round_.questions_seconds:
                phases.append(["questions", round_.questions_seconds])
            for entry in round_entries(round_):
                out.append((entry.id, f"{track.name(locale)} · {round_.name(locale)} · {entry.project_name}",
                            {"round_id": round_.id}, phases))
    return out


def _entry_progress(item_id, context):
    from .judging import entry_judges
    from .ledger import score_state
    from .models import Entry, Round

    entry = db.session.get(Entry, item_id) if isinstance(item_id, int) else None
    round_ = db.session.get(Round, context.get("round_id")) if context.get("round_id") else None
    if entry is None or round_ is None:
        return None
    expected = {j.id for j in entry_judges(round_, entry)}
    locked = {judge for (entry_id, judge), s in score_state(round_).items() if entry_id == entry.id and s["locked"]}
    return {"scored": len(expected & locked), "expected": len(expected)}


ENTRY_KIND = StageKind("entry", _describe_entry, _entry_choices, _entry_progress)
