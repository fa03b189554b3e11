"""Who judges what: conflicts of interest (回避), the assignment of entries to the judges of an
online round (the flow in assignment.py), and a judge's own rounds and entries.
Each public function that writes is one transaction."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.auth.models import User
from summit.core import audit
from summit.core.database import transaction
from summit.extensions import db

from . import assignment as assignment_mod
from .errors import ContestError
from .models import Assignment, Conflict, Entry, PanelJudge, Round, ScoreEvent
from .rounds import panel, round_entries


def conflict_rows(entry_ids=None) -> dict:
    stmt = select(Conflict)
    if entry_ids is not None:
        stmt = stmt.where(Conflict.entry_id.in_(list(entry_ids)))
    return {(c.judge_id, c.entry_id): c for c in db.session.scalars(stmt)}


def recusal_reason(judge: User, entry: Entry, conflicts: dict | None = None) -> str | None:
    """"declared", "organizer" or "organisation" when the judge must not see the entry."""
    conflicts = conflict_rows([entry.id]) if conflicts is None else conflicts
    row = conflicts.get((judge.id, entry.id))
    if row is not None:
        return row.source
    org = (judge.organisation or "").strip()
    if org and org in entry.organisations():
        return "organisation"
    return None


def set_conflict(judge: User, entry: Entry, source: str, note: str = "") -> None:
    if not judge.has_role("judge"):
        raise ContestError(_("Only judges can be recused."), "judge")
    with transaction():
        existing = db.session.scalar(select(Conflict).where(Conflict.judge_id == judge.id,
                                                            Conflict.entry_id == entry.id))
        if existing is None:
            actor_id, _label = audit.current_actor()
            existing = Conflict(judge_id=judge.id, entry_id=entry.id, source=source, note=note.strip(),
                                created_by_id=actor_id)
            db.session.add(existing)
            db.session.flush()
            audit.record(existing, "conflict.set", None, {"judge": judge.id, "entry": entry.id, "source": source},
                         note=note.strip())
        # A recused judge's pending assignment goes; their ledger rows stay (they are history).
        db.session.execute(Assignment.__table__.delete().where(Assignment.judge_id == judge.id,
                                                               Assignment.entry_id == entry.id))


def remove_conflict(conflict: Conflict, note: str = "") -> None:
    with transaction():
        audit.record(conflict, "conflict.removed", {"judge": conflict.judge_id, "entry": conflict.entry_id,
                                                    "source": conflict.source}, None, note=note)
        db.session.delete(conflict)


def auto_assign(round_: Round) -> dict:
    if round_.kind != "online":
        raise ContestError(_("In a live roadshow every panel judge scores every entry; nothing to assign."),
                           status=409)
    entries, judges = round_entries(round_), panel(round_)
    if not judges:
        raise ContestError(_("The round has no panel yet."), status=409)
    conflicts = conflict_rows([e.id for e in entries])
    recusals = {(j.id, e.id) for j in judges for e in entries if recusal_reason(j, e, conflicts)}
    # Pairs a judge has already scored stay assigned: their work is never thrown away.
    scored = {(s.judge_id, s.entry_id) for s in db.session.scalars(
        select(ScoreEvent).where(ScoreEvent.round_id == round_.id))}
    try:
        result = assignment_mod.assign({e.id: {e.field} for e in entries},
                                       {j.id: set(j.expertise or []) for j in judges},
                                       round_.judges_per_entry, recusals)
    except assignment_mod.AssignmentError as exc:
        raise ContestError({
            "too_few_judges": _("%(k)s judges per entry, but the panel has only %(n)s.", k=round_.judges_per_entry,
                                n=len(judges)),
            "recusals": _("An entry has only %(n)s judges without a conflict of interest; %(k)s are needed.",
                          n=exc.params.get("available", 0), k=round_.judges_per_entry),
            "k": _("Every entry needs at least one judge."),
        }.get(exc.code, _("No assignment meets the loads with these conflicts of interest.")), status=409)
    with transaction():
        db.session.execute(Assignment.__table__.delete().where(Assignment.round_id == round_.id))
        made = 0
        pairs = {(j, e) for e, js in result.items() for j in js} | scored
        for j, e in sorted(pairs):
            db.session.add(Assignment(round_id=round_.id, entry_id=e, judge_id=j, source="auto"))
            made += 1
        audit.record(round_, "round.assigned", None, {"assignments": made, "k": round_.judges_per_entry})
    return result


def add_assignment(round_: Round, judge: User, entry: Entry) -> None:
    if recusal_reason(judge, entry):
        raise ContestError(_("This judge is recused from this entry."), status=409)
    if judge.id not in {j.id for j in panel(round_)}:
        raise ContestError(_("This judge is not on the round's panel."), status=409)
    with transaction():
        if db.session.scalar(select(Assignment).where(Assignment.round_id == round_.id,
                                                      Assignment.judge_id == judge.id,
                                                      Assignment.entry_id == entry.id)) is None:
            db.session.add(Assignment(round_id=round_.id, judge_id=judge.id, entry_id=entry.id, source="manual"))
            db.session.flush()
            audit.record(round_, "assignment.added", None, {"judge": judge.id, "entry": entry.id})


def remove_assignment(round_: Round, judge_id: int, entry_id: int) -> None:
    if db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
            ScoreEvent.round_id == round_.id, ScoreEvent.judge_id == judge_id, ScoreEvent.entry_id == entry_id)):
        raise ContestError(_("This judge has already scored this entry; the assignment stays."), status=409)
    with transaction():
        db.session.execute(Assignment.__table__.delete().where(Assignment.round_id == round_.id,
                                                               Assignment.judge_id == judge_id,
                                                               Assignment.entry_id == entry_id))
        audit.record(round_, "assignment.removed", {"judge": judge_id, "entry": entry_id}, None)


def judge_entries(round_: Round, judge: User) -> list[Entry]:
    """The entries this judge scores in this round: never one they are recused from."""
    if judge.id not in {j.id for j in panel(round_)}:
        return []
    if round_.kind == "online":
        entries = list(db.session.scalars(select(Entry).join(Assignment, Assignment.entry_id == Entry.id).where(
            Assignment.round_id == round_.id, Assignment.judge_id == judge.id).order_by(Entry.id)))
    else:
        entries = round_entries(round_)
    conflicts = conflict_rows([e.id for e in entries])
    return [e for e in entries if not recusal_reason(judge, e, conflicts)]


def entry_judges(round_: Round, entry: Entry) -> list[User]:
    """The judges expected to score this entry in this round: those it is assigned to (the whole
    panel in a roadshow), less the recused."""
    judges = panel(round_)
    if round_.kind == "online":
        assigned = set(db.session.scalars(select(Assignment.judge_id).where(
            Assignment.round_id == round_.id, Assignment.entry_id == entry.id)))
        judges = [j for j in judges if j.id in assigned]
    conflicts = conflict_rows([entry.id])
    return [j for j in judges if not recusal_reason(j, entry, conflicts)]


def judge_rounds(judge: User) -> list[Round]:
    return list(db.session.scalars(select(Round).join(PanelJudge, PanelJudge.round_id == Round.id).where(
        PanelJudge.user_id == judge.id, Round.status != "draft").order_by(Round.id)))
