"""Contest operations. Each public function is one transaction; bad input raises
ContestError with a translated message (and the form field it belongs to)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
from collections import defaultdict
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.auth.models import User
from summit.core import audit, pdfcheck
from summit.core.database import begin_write, for_update
from summit.core.models import Summit, utcnow
from summit.extensions import db

from . import assignment as assignment_mod
from . import eligibility, rubric as rubric_mod, scoring
from .models import (Assignment, Award, Conflict, Contest, Entry, PanelJudge, Round, RoundEntry, ScoreEvent,
                     Track)


class ContestError(Exception):
    def __init__(self, message: str, field: str | None = None, status: int = 422, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def contest_for(summit: Summit | None) -> Contest | None:
    if summit is None:
        return None
    return db.session.scalar(select(Contest).where(Contest.summit_id == summit.id))


def track_by_code(contest: Contest, code: str) -> Track | None:
    return db.session.scalar(select(Track).where(Track.contest_id == contest.id, Track.code == code))


# ---------------------------------------------------------------- applications

def plan_max_bytes() -> int:
    return int(current_app.config.get("CONTEST_PLAN_MAX_MB", 10)) * 1024 * 1024


def check_pdf(data: bytes) -> None:
    """The upload must really be a PDF (by content, not by its name) and not too large."""
    try:
        pdfcheck.inspect_pdf(data, plan_max_bytes())
    except pdfcheck.PdfProblem as problem:
        if problem.kind == "too_large":
            raise ContestError(_("The business plan may be at most %(mb)d MB.", mb=plan_max_bytes() // (1024 * 1024)),
                               "business_plan", 413)
        if problem.kind == "not_pdf":
            raise ContestError(_("The business plan must be a PDF file."), "business_plan")
        if problem.kind == "no_pages":
            raise ContestError(_("The business plan PDF has no pages."), "business_plan")
        raise ContestError(_("The business plan could not be read as a PDF. Please export it again."),
                           "business_plan")


def _store_plan(data: bytes) -> str:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "contest"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    tmp = folder / (name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, folder / name)
    return f"contest/{name}"


def plan_file(entry: Entry) -> Path | None:
    if not entry.plan_path:
        return None
    path = Path(current_app.config["UPLOAD_DIR"]) / entry.plan_path
    return path if path.exists() else None


ENTRY_FIELDS = ("project_name", "field", "organisation", "leader_name", "leader_phone", "leader_email", "members",
                "founded_on", "is_company", "registered_capital", "financing_stage", "prior_awards",
                "prior_talent_award", "summary", "video_url")


def _check_eligibility(entry: Entry) -> None:
    contest = entry.track.contest
    reasons = eligibility.check(entry.track.eligibility_rules or {}, {
        "founded_on": entry.founded_on, "prior_talent_award": entry.prior_talent_award,
        "is_company": entry.is_company, "team_size": 1 + len(entry.members or [])}, contest.contest_date)
    entry.eligibility_reasons = [[code, {k: (v.isoformat() if isinstance(v, dt.date) else v)
                                         for k, v in params.items()}] for code, params in reasons]
    entry.eligible = not reasons


def reason_text(code: str, params: dict) -> str:
    texts = {
        "founded_missing": _("The founding date is missing."),
        "founded_too_early": _("Founded on %(founded)s: this track accepts companies founded within %(years)s "
                               "years of the contest (on or after %(earliest)s).", **{k: params.get(k, "") for k in
                                                                                    ("founded", "years", "earliest")}),
        "founded_in_future": _("The founding date lies after the contest."),
        "prior_award": _("The project has already received a talent-programme award."),
        "not_a_company": _("This track is for incorporated companies."),
        "team_too_large": _("The team has %(size)s members; this track allows at most %(max)s.",
                            size=params.get("size", ""), max=params.get("max", "")),
    }
    return texts.get(code, code)


def _applications_open(contest: Contest) -> bool:
    deadline = contest.application_deadline
    return contest.applications_open and (deadline is None or utcnow() <= deadline)


def submit_application(track: Track, data: dict, plan: bytes | None, plan_filename: str = "",
                       language: str = "zh_CN") -> tuple[Entry, str]:
    """A new entry; returns it and the team's private-link token (shown once)."""
    if not _applications_open(track.contest):
        raise ContestError(_("Applications are closed."), status=409)
    if not plan:
        raise ContestError(_("Please upload the business plan as a PDF."), "business_plan")
    check_pdf(plan)
    token = secrets.token_urlsafe(32)
    entry = Entry(track=track, team_token_hash=hash_token(token), language=language,
                  **{k: data[k] for k in ENTRY_FIELDS if k in data})
    entry.plan_path = _store_plan(plan)
    entry.plan_size = len(plan)
    entry.plan_filename = (plan_filename or "business-plan.pdf")[-200:]
    _check_eligibility(entry)
    db.session.add(entry)
    db.session.flush()
    audit.record(entry, "entry.submitted", after={"project_name": entry.project_name, "eligible": entry.eligible},
                 actor_label="team link")
    db.session.commit()
    return entry, token


def entry_by_token(token: str) -> Entry | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Entry).where(Entry.team_token_hash == hash_token(token)))


def update_application(entry: Entry, data: dict, plan: bytes | None, plan_filename: str = "") -> Entry:
    if not _applications_open(entry.track.contest):
        raise ContestError(_("The application deadline has passed; the application can no longer be changed."),
                           status=409)
    if entry.status in ("rejected", "withdrawn"):
        raise ContestError(_("This application is closed."), status=409)
    new = {k: data[k] for k in ENTRY_FIELDS if k in data}
    before, after = audit.changes(entry, list(new), new)
    if plan:
        check_pdf(plan)
        before["plan"], after["plan"] = entry.plan_filename, plan_filename
        entry.plan_path, entry.plan_size = _store_plan(plan), len(plan)
        entry.plan_filename = (plan_filename or "business-plan.pdf")[-200:]
    for k, v in new.items():
        setattr(entry, k, v)
    _check_eligibility(entry)
    entry.updated_at = utcnow()
    if after:
        audit.record(entry, "entry.updated", audit.jsonable(before), audit.jsonable(after), actor_label="team link")
    db.session.commit()
    return entry


def override_eligibility(entry: Entry, eligible: bool | None, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise ContestError(_("Please give the reason for the override."), "note")
    before = {"override": entry.eligibility_override, "note": entry.eligibility_note}
    entry.eligibility_override = eligible
    entry.eligibility_note = note
    audit.record(entry, "entry.eligibility_override", before, {"override": eligible, "note": note}, note=note)
    db.session.commit()


def first_round(track: Track) -> Round | None:
    return db.session.scalar(select(Round).where(Round.track_id == track.id).order_by(Round.position).limit(1))


def admit(entry: Entry, note: str = "") -> None:
    """Admit the entry to its track's first round."""
    if not entry.is_eligible:
        raise ContestError(_("This entry is not eligible. Override the eligibility check first, with a note."),
                           status=409)
    round_ = first_round(entry.track)
    if round_ is None:
        raise ContestError(_("The track has no round yet."), status=409)
    before = entry.status
    entry.status = "admitted"
    if db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                                  RoundEntry.entry_id == entry.id)) is None:
        db.session.add(RoundEntry(round_id=round_.id, entry_id=entry.id))
    audit.record(entry, "entry.admitted", {"status": before}, {"status": "admitted", "round": round_.id}, note=note)
    db.session.commit()


def reject(entry: Entry, note: str) -> None:
    if not (note or "").strip():
        raise ContestError(_("Please give the reason."), "note")
    before = entry.status
    entry.status = "rejected"
    db.session.execute(RoundEntry.__table__.delete().where(RoundEntry.entry_id == entry.id))
    audit.record(entry, "entry.rejected", {"status": before}, {"status": "rejected"}, note=note.strip())
    db.session.commit()


# ---------------------------------------------------------------- rounds and rubrics

def set_rubric(round_: Round, criteria: list[dict], tiebreak: list[str] | None = None) -> None:
    try:
        clean = rubric_mod.validate(criteria)
    except rubric_mod.RubricError as exc:
        raise ContestError(rubric_error_text(exc), "rubric")
    if _has_scores(round_) and [(c["key"], c["max"]) for c in clean] != [(c["key"], c["max"]) for c in round_.rubric]:
        raise ContestError(_("Scoring has started: the criteria and their maximum points can no longer change."),
                           "rubric", 409)
    keys = [c["key"] for c in clean]
    tiebreak = [k for k in (tiebreak or []) if k in keys]
    audit.record(round_, "round.rubric", {"rubric": round_.rubric}, {"rubric": clean, "tiebreak": tiebreak})
    round_.rubric = clean
    round_.tiebreak = tiebreak
    db.session.commit()


def rubric_error_text(exc: rubric_mod.RubricError) -> str:
    texts = {
        "empty": _("A rubric needs at least one criterion."),
        "too_many": _("A rubric has at most 20 criteria."),
        "key": _("Criterion %(n)s: the key must be lower-case letters, digits and _ (starting with a letter).",
                 n=exc.position),
        "duplicate": _("Criterion %(n)s: this key is already used.", n=exc.position),
        "name": _("Criterion %(n)s: the name is missing.", n=exc.position),
        "max": _("Criterion %(n)s: maximum points must be between 1 and 1000.", n=exc.position),
        "weight": _("Criterion %(n)s: the weight must be above 0 and at most 100.", n=exc.position),
    }
    return texts.get(exc.code, str(exc))


def copy_rubric(round_: Round, source: Round) -> None:
    if not source.rubric:
        raise ContestError(_("That round has no rubric to copy."), "source")
    set_rubric(round_, [dict(c) for c in source.rubric], list(source.tiebreak or []))


def rubric_sources(round_: Round) -> list[Round]:
    """Rounds of every track and edition with a rubric, to copy from."""
    return [r for r in db.session.scalars(select(Round).order_by(Round.id.desc())) if r.id != round_.id and r.rubric]


def update_round(round_: Round, values: dict) -> None:
    if values.get("method") not in scoring.METHODS:
        raise ContestError(_("Choose an aggregation method."), "method")
    if values.get("status") not in ("draft", "open", "closed"):
        raise ContestError(_("Choose a status."), "status")
    before, after = audit.changes(round_, list(values), values)
    for k, v in values.items():
        setattr(round_, k, v)
    if after:
        audit.record(round_, "round.updated", before, after)
    db.session.commit()


def set_panel(round_: Round, user_ids: list[int]) -> None:
    judges = list(db.session.scalars(select(User).where(User.id.in_(user_ids)))) if user_ids else []
    if any(not u.has_role("judge") for u in judges):
        raise ContestError(_("Only accounts with the judge role can sit on a panel."), "judges")
    current = {p.user_id: p for p in db.session.scalars(select(PanelJudge).where(PanelJudge.round_id == round_.id))}
    wanted = {u.id for u in judges}
    for uid, p in current.items():
        if uid not in wanted:
            if db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
                    ScoreEvent.round_id == round_.id, ScoreEvent.judge_id == uid)):
                raise ContestError(_("%(name)s has already scored in this round and stays on the panel.",
                                     name=p.user.name or p.user.email), "judges", 409)
            db.session.delete(p)
    for uid in wanted - set(current):
        db.session.add(PanelJudge(round_id=round_.id, user_id=uid))
    audit.record(round_, "round.panel", {"judges": sorted(current)}, {"judges": sorted(wanted)})
    db.session.commit()


def panel(round_: Round) -> list[User]:
    return list(db.session.scalars(select(User).join(PanelJudge, PanelJudge.user_id == User.id)
                                   .where(PanelJudge.round_id == round_.id).order_by(User.id)))


def round_entries(round_: Round) -> list[Entry]:
    return list(db.session.scalars(select(Entry).join(RoundEntry, RoundEntry.entry_id == Entry.id)
                                   .where(RoundEntry.round_id == round_.id)
                                   .order_by(RoundEntry.position, Entry.id)))


# ---------------------------------------------------------------- conflicts of interest

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
    existing = db.session.scalar(select(Conflict).where(Conflict.judge_id == judge.id, Conflict.entry_id == entry.id))
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
    db.session.commit()


def remove_conflict(conflict: Conflict, note: str = "") -> None:
    audit.record(conflict, "conflict.removed", {"judge": conflict.judge_id, "entry": conflict.entry_id,
                                                "source": conflict.source}, None, note=note)
    db.session.delete(conflict)
    db.session.commit()


# ---------------------------------------------------------------- assignment

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
    db.session.execute(Assignment.__table__.delete().where(Assignment.round_id == round_.id))
    made = 0
    pairs = {(j, e) for e, js in result.items() for j in js} | scored
    for j, e in sorted(pairs):
        db.session.add(Assignment(round_id=round_.id, entry_id=e, judge_id=j, source="auto"))
        made += 1
    audit.record(round_, "round.assigned", None, {"assignments": made, "k": round_.judges_per_entry})
    db.session.commit()
    return result


def add_assignment(round_: Round, judge: User, entry: Entry) -> None:
    if recusal_reason(judge, entry):
        raise ContestError(_("This judge is recused from this entry."), status=409)
    if judge.id not in {j.id for j in panel(round_)}:
        raise ContestError(_("This judge is not on the round's panel."), status=409)
    if db.session.scalar(select(Assignment).where(Assignment.round_id == round_.id, Assignment.judge_id == judge.id,
                                                  Assignment.entry_id == entry.id)) is None:
        a = Assignment(round_id=round_.id, judge_id=judge.id, entry_id=entry.id, source="manual")
        db.session.add(a)
        db.session.flush()
        audit.record(round_, "assignment.added", None, {"judge": judge.id, "entry": entry.id})
    db.session.commit()


def remove_assignment(round_: Round, judge_id: int, entry_id: int) -> None:
    if db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
            ScoreEvent.round_id == round_.id, ScoreEvent.judge_id == judge_id, ScoreEvent.entry_id == entry_id)):
        raise ContestError(_("This judge has already scored this entry; the assignment stays."), status=409)
    db.session.execute(Assignment.__table__.delete().where(Assignment.round_id == round_.id,
                                                           Assignment.judge_id == judge_id,
                                                           Assignment.entry_id == entry_id))
    audit.record(round_, "assignment.removed", {"judge": judge_id, "entry": entry_id}, None)
    db.session.commit()


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


def judge_rounds(judge: User) -> list[Round]:
    return list(db.session.scalars(select(Round).join(PanelJudge, PanelJudge.round_id == Round.id).where(
        PanelJudge.user_id == judge.id, Round.status != "draft").order_by(Round.id)))


# ---------------------------------------------------------------- the score ledger

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


def _has_scores(round_: Round) -> bool:
    return bool(round_.id and db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
        ScoreEvent.round_id == round_.id)))


def _criteria(round_: Round) -> list[dict]:
    return [{"id": c["key"], "max": c["max"], "weight": c.get("weight", 1)} for c in round_.rubric]


def points_error_text(exc: scoring.ScoringError, round_: Round) -> str:
    names = {c["key"]: c["name_zh"] for c in round_.rubric}
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
        scoring.check_points(_criteria(round_), values, complete=(kind == "submit"))
    except scoring.ScoringError as exc:
        raise ContestError(points_error_text(exc, round_), exc.params.get("criterion"), 422)
    comment = (comment or "")[:4000]

    begin_write()
    # One decision at a time per judge and round: the panel row is the lock.
    db.session.scalar(for_update(select(PanelJudge).where(PanelJudge.round_id == round_.id,
                                                          PanelJudge.user_id == judge.id)))
    if client_id:  # the same upload may have been recorded while this one waited for the lock
        seen = db.session.scalar(select(ScoreEvent).where(ScoreEvent.client_id == client_id))
        if seen is not None and (seen.judge_id, seen.entry_id, seen.round_id) == (judge.id, entry_id, round_.id):
            db.session.rollback()
            return db.session.get(ScoreEvent, seen.id), True
    current = fold(db.session.scalars(select(ScoreEvent).where(
        ScoreEvent.round_id == round_.id, ScoreEvent.judge_id == judge.id, ScoreEvent.entry_id == entry_id)
        .order_by(ScoreEvent.id))).get((entry_id, judge.id))
    if current and current["locked"]:
        db.session.rollback()
        raise ContestError(_("This score is submitted and locked. Only an organizer can unlock it."), status=409,
                           code="locked")
    event = ScoreEvent(round_id=round_.id, entry_id=entry_id, judge_id=judge.id, kind=kind, values=values,
                       comment=comment, client_id=client_id, actor_id=judge.id)
    db.session.add(event)
    try:
        db.session.flush()
        if kind == "submit":
            audit.record(event, "score.submitted", {"values": current["values"]} if current else None,
                         {"values": values, "total": scoring.total(_criteria(round_), values), "entry": entry_id,
                          "judge": judge.id, "round": round_.id})
        db.session.commit()
    except IntegrityError:  # the same client id raced in from another request
        db.session.rollback()
        seen = db.session.scalar(select(ScoreEvent).where(ScoreEvent.client_id == client_id))
        if seen is None:
            raise
        return seen, True
    return event, False


def unlock(round_: Round, entry_id: int, judge_id: int, note: str) -> ScoreEvent:
    note = (note or "").strip()
    if not note:
        raise ContestError(_("Please say why the score is unlocked."), "note")
    begin_write()
    db.session.scalar(for_update(select(PanelJudge).where(PanelJudge.round_id == round_.id,
                                                          PanelJudge.user_id == judge_id)))
    current = score_state(round_, judge_id).get((entry_id, judge_id))
    if not current or not current["locked"]:
        db.session.rollback()
        raise ContestError(_("This score is not locked."), status=409)
    actor_id, _label = audit.current_actor()
    event = ScoreEvent(round_id=round_.id, entry_id=entry_id, judge_id=judge_id, kind="unlock",
                       values=current["values"], comment=current["comment"], actor_id=actor_id, note=note)
    db.session.add(event)
    db.session.flush()
    audit.record(event, "score.unlocked", {"locked": True, "values": current["values"]}, {"locked": False},
                 note=note)
    db.session.commit()
    return event


# ---------------------------------------------------------------- ranking, advancing, awards

def ranking(round_: Round) -> dict:
    """{"rows": [...scoring rows + "entry_obj"], "agreement": ICC(1) or None, "method"}."""
    if not round_.rubric:
        return {"rows": [], "agreement": None, "method": round_.method}
    state = score_state(round_)
    scores = [{"judge": j, "entry": e, "values": s["values"]} for (e, j), s in state.items() if s["locked"]]
    criteria = _criteria(round_)
    rows = scoring.rank(round_.method, criteria, scores, tiebreak=round_.tiebreak or None) if scores else []
    entries = {e.id: e for e in round_entries(round_)}
    for r in rows:
        r["entry_obj"] = entries.get(r["entry"]) or db.session.get(Entry, r["entry"])
    return {"rows": rows, "agreement": scoring.agreement(rows), "method": round_.method,
            "max_total": scoring.max_total(criteria)}


def next_round(round_: Round) -> Round | None:
    return db.session.scalar(select(Round).where(Round.track_id == round_.track_id,
                                                 Round.position > round_.position).order_by(Round.position).limit(1))


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
    existing = {re.entry_id for re in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == target.id))}
    for pos, eid in enumerate(entry_ids):
        if eid not in existing:
            db.session.add(RoundEntry(round_id=target.id, entry_id=eid, position=pos))
    round_.advance_top_n, round_.advance_threshold, round_.advanced_at = top_n, threshold, utcnow()
    audit.record(round_, "round.advanced", None, {"to_round": target.id, "entries": list(entry_ids),
                                                  "top_n": top_n, "threshold": threshold})
    db.session.commit()
    return target


def award_round(track: Track) -> Round | None:
    """The last round of the track with submitted scores: awards come from its ranking."""
    for r in reversed(list(db.session.scalars(select(Round).where(Round.track_id == track.id)
                                              .order_by(Round.position)))):
        if any(s["locked"] for s in score_state(r).values()):
            return r
    return None


def propose_awards(track: Track) -> list[dict]:
    """[{"entry", "rank", "score", "level"}] from the ranking: levels in order, each taking its
    count of entries (None = every remaining one); entries sharing a rank share the level."""
    round_ = award_round(track)
    if round_ is None:
        return []
    rows = ranking(round_)["rows"]
    out, i = [], 0
    for level in track.award_levels or []:
        count = level.get("count")
        taken = 0
        while i < len(rows) and (count is None or taken < count or
                                 (taken and rows[i]["rank"] == rows[i - 1]["rank"])):
            out.append({"entry": rows[i]["entry_obj"], "rank": rows[i]["rank"], "score": rows[i]["score"],
                        "level": level["key"]})
            i += 1
            taken += 1
    return out


def confirm_awards(track: Track, decisions: dict[int, str]) -> None:
    """decisions: entry id -> level key ("" removes). Every decision is logged."""
    levels = {lv["key"] for lv in track.award_levels or []}
    if set(decisions.values()) - levels - {""}:
        raise ContestError(_("Unknown award level."), "level")
    round_ = award_round(track)
    ranks = {r["entry"]: r for r in ranking(round_)["rows"]} if round_ else {}
    existing = {a.entry_id: a for a in db.session.scalars(select(Award).where(Award.track_id == track.id))}
    for entry_id, level in decisions.items():
        entry = db.session.get(Entry, entry_id)
        if entry is None or entry.track_id != track.id:
            raise ContestError(_("Unknown entry."), "entry")
        award = existing.get(entry_id)
        if not level:
            if award is not None:
                audit.record(award, "award.removed", {"level": award.level}, None)
                db.session.delete(award)
            continue
        row = ranks.get(entry_id, {})
        if award is None:
            award = Award(track_id=track.id, entry_id=entry_id, level=level)
            db.session.add(award)
            db.session.flush()
            before = None
        else:
            before = {"level": award.level}
        award.level, award.rank, award.score, award.confirmed_at = level, row.get("rank"), row.get("score"), utcnow()
        audit.record(award, "award.confirmed", before, {"level": level, "entry": entry_id, "rank": row.get("rank")})
    db.session.commit()


def publish_results(track: Track, publish: bool = True) -> None:
    before = track.results_published_at
    track.results_published_at = utcnow() if publish else None
    audit.record(track, "results.published" if publish else "results.withdrawn",
                 {"published": before is not None}, {"published": publish})
    db.session.commit()


def awards(track: Track) -> list[Award]:
    order = {lv["key"]: i for i, lv in enumerate(track.award_levels or [])}
    rows = list(db.session.scalars(select(Award).where(Award.track_id == track.id)))
    return sorted(rows, key=lambda a: (order.get(a.level, 99), a.rank or 9999, a.entry_id))


def audit_events(contest: Contest, limit: int = 300):
    from summit.core.models import AuditEvent

    tables = ("contest_entries", "contest_rounds", "contest_score_events", "contest_awards", "contest_tracks",
              "contest_conflicts")
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type.in_(tables))
                                   .order_by(AuditEvent.id.desc()).limit(limit)))


# ---------------------------------------------------------------- export

def export_xlsx(contest: Contest) -> bytes:
    """Every round's scores (current values and the full ledger) and rankings, one workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    users = {u.id: u for u in db.session.scalars(select(User))}
    for track in contest.tracks:
        for round_ in track.rounds:
            title = f"{track.name_zh}-{round_.name_zh}"[:28]
            ws = wb.create_sheet(title)
            keys = [c["key"] for c in round_.rubric]
            ws.append(["项目 Project", "评委 Judge"] + [c["name_zh"] for c in round_.rubric] +
                      ["合计 Total", "已提交 Submitted", "评语 Comment"])
            entries = {e.id: e for e in round_entries(round_)}
            for (eid, jid), st in sorted(score_state(round_).items()):
                entry = entries.get(eid) or db.session.get(Entry, eid)
                vals = [st["values"].get(k) for k in keys]
                full = all(v is not None for v in vals)
                ws.append([entry.project_name, users[jid].name or users[jid].email] + vals +
                          [scoring.total(_criteria(round_), st["values"]) if full else None,
                           "是" if st["locked"] else "否", st["comment"]])
            rank_ws = wb.create_sheet(f"{title[:24]}-排名")
            rank_ws.append(["名次 Rank", "项目 Project", "得分 Score", "评委数 Judges", "极差 Spread", "分歧 Disagree"])
            for r in ranking(round_)["rows"]:
                rank_ws.append([r["rank"], r["entry_obj"].project_name, round(r["score"], 4), r["judges"],
                                r["spread"], "是" if r["disagree"] else ""])
            for sheet in (ws, rank_ws):
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
    ledger = wb.create_sheet("评分记录 Ledger")
    ledger.append(["id", "时间 UTC", "轮次 Round", "项目 Project", "评委 Judge", "动作 Kind", "分值 Values",
                   "评语 Comment", "操作人 By", "说明 Note"])
    round_ids = [r.id for t in contest.tracks for r in t.rounds]
    if round_ids:
        for ev in db.session.scalars(select(ScoreEvent).where(ScoreEvent.round_id.in_(round_ids))
                                     .order_by(ScoreEvent.id)):
            entry = db.session.get(Entry, ev.entry_id)
            ledger.append([ev.id, ev.at, ev.round_id, entry.project_name, users[ev.judge_id].email, ev.kind,
                           ", ".join(f"{k}={v}" for k, v in (ev.values or {}).items()), ev.comment,
                           users[ev.actor_id].email if ev.actor_id in users else "", ev.note])
    if not wb.sheetnames:
        wb.create_sheet("empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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


# ---------------------------------------------------------------- certificates (records here; the PDFs come from the badges engine)

CERT_KINDS = ("award", "member_award", "participation", "judge")


def _lock_certificates(summit: Summit) -> None:
    """Serials are numbered per summit: one issuer at a time (the write lock on SQLite, the
    summit's row on PostgreSQL), so two organizers issuing at once cannot draw the same number."""
    begin_write()
    db.session.scalar(for_update(select(Summit).where(Summit.id == summit.id)))


def _new_certificate(summit: Summit, kind: str, recipient: str, title_zh: str, title_en: str = "",
                     entry_id: int | None = None, user_id: int | None = None):
    """A certificate in the caller's transaction (which holds _lock_certificates)."""
    from .models import Certificate

    prefix = f"QS{summit.year}-{kind[0].upper()}-"
    last = db.session.scalar(select(func.max(Certificate.serial)).where(Certificate.serial.like(prefix + "%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    cert = Certificate(summit_id=summit.id, kind=kind, serial=f"{prefix}{number:04d}",
                       code=secrets.token_urlsafe(18), recipient=recipient.strip()[:200], title_zh=title_zh[:200],
                       title_en=title_en[:200], entry_id=entry_id, user_id=user_id)
    db.session.add(cert)
    db.session.flush()
    audit.record(cert, "certificate.issued", None, {"serial": cert.serial, "kind": kind, "recipient": cert.recipient})
    return cert


def issue_certificate(summit: Summit, kind: str, recipient: str, title_zh: str, title_en: str = "",
                      entry: Entry | None = None, user: User | None = None):
    """A certificate record with a serial (QS2024-A-0001) and an unguessable verification code."""
    if kind not in CERT_KINDS:
        raise ContestError(_("Unknown certificate kind."), "kind")
    if not (recipient or "").strip():
        raise ContestError(_("The certificate needs a recipient."), "recipient")
    entry_id, user_id = (entry.id if entry else None), (user.id if user else None)
    _lock_certificates(summit)
    cert = _new_certificate(summit, kind, recipient, title_zh, title_en, entry_id, user_id)
    db.session.commit()
    return cert


def _valid_certificates(summit_id: int, kind: str, **where) -> list:
    from .models import Certificate

    stmt = select(Certificate).where(Certificate.summit_id == summit_id, Certificate.kind == kind,
                                     Certificate.revoked_at.is_(None))
    for name, value in where.items():
        stmt = stmt.where(getattr(Certificate, name) == value)
    return list(db.session.scalars(stmt.order_by(Certificate.id)))


def award_level(track: Track, key: str) -> dict:
    for level in track.award_levels or []:
        if level.get("key") == key:
            return level
    return {"key": key, "name_zh": key, "name_en": key}


def team_names(entry: Entry) -> list[str]:
    """The team leader and every member, each once per person named (two members may share a name)."""
    names = [entry.leader_name] + [(m or {}).get("name") or "" for m in entry.members or []]
    return [" ".join(n.split()) for n in names if n and n.strip()]


def issue_award_certificates(track: Track) -> dict:
    """Certificates for the track's confirmed awards: one for each entry (its team) and one for
    each team member. Issuing again makes none twice: a valid certificate with the same title is
    kept; one whose award has since changed level is revoked and replaced. One transaction.
    Returns {"issued", "kept", "replaced"}."""
    from .models import Certificate

    track_id = track.id
    summit = track.contest.summit
    _lock_certificates(summit)
    track = db.session.get(Track, track_id)
    counts = {"issued": 0, "kept": 0, "replaced": 0}
    confirmed = [a for a in awards(track) if a.confirmed_at is not None]
    if not confirmed:
        db.session.rollback()
        raise ContestError(_("This track has no confirmed awards yet. Confirm the awards first."), status=409)
    for award in confirmed:
        entry = award.entry
        level = award_level(track, award.level)
        title_zh = f"{track.name_zh}{level.get('name_zh') or award.level}"
        title_en = f"{level.get('name_en') or award.level}, {track.name_en}"
        for kind, wanted in (("award", [entry.project_name]), ("member_award", team_names(entry))):
            existing = _valid_certificates(summit.id, kind, entry_id=entry.id)
            for cert in existing:
                if cert.title_zh != title_zh[:200]:  # the award changed: the old paper must not verify
                    cert.revoked_at = utcnow()
                    audit.record(cert, "certificate.revoked", {"title": cert.title_zh}, {"revoked": True},
                                 note="award changed")
                    counts["replaced"] += 1
            current = [c for c in existing if c.revoked_at is None]
            for name in wanted:
                # The team's certificate is the entry's whatever its name; a member's is theirs.
                match = next((c for c in current if kind == "award" or c.recipient == name.strip()[:200]), None)
                if match is not None:
                    current.remove(match)
                    counts["kept"] += 1
                    continue
                _new_certificate(summit, kind, name, title_zh, title_en, entry_id=entry.id)
                counts["issued"] += 1
    db.session.commit()
    return counts


def issue_participation_certificates(contest: Contest, track: Track | None = None) -> dict:
    """A participation certificate for each admitted entry (of one track, or of all). One transaction."""
    summit = contest.summit
    track_id = track.id if track else None
    _lock_certificates(summit)
    stmt = (select(Entry).join(Track).where(Track.contest_id == contest.id, Entry.status == "admitted")
            .order_by(Track.position, Entry.id))
    if track_id is not None:
        stmt = stmt.where(Track.id == track_id)
    counts = {"issued": 0, "kept": 0}
    for entry in db.session.scalars(stmt).all():
        if _valid_certificates(summit.id, "participation", entry_id=entry.id):
            counts["kept"] += 1
            continue
        _new_certificate(summit, "participation", entry.project_name, f"{entry.track.name_zh}参赛证明",
                         f"Participation, {entry.track.name_en}", entry_id=entry.id)
        counts["issued"] += 1
    db.session.commit()
    return counts


def summit_judges(summit: Summit) -> list[User]:
    """Judges on a panel of any round of the summit's contest."""
    return list(db.session.scalars(
        select(User).where(User.id.in_(
            select(PanelJudge.user_id).join(Round, Round.id == PanelJudge.round_id)
            .join(Track, Track.id == Round.track_id).join(Contest, Contest.id == Track.contest_id)
            .where(Contest.summit_id == summit.id))).order_by(User.id)))


def issue_judge_certificates(summit: Summit) -> dict:
    """An appointment letter (评委聘书) for each judge of the summit's contest. One transaction."""
    _lock_certificates(summit)
    counts = {"issued": 0, "kept": 0}
    for judge in summit_judges(summit):
        if _valid_certificates(summit.id, "judge", user_id=judge.id):
            counts["kept"] += 1
            continue
        _new_certificate(summit, "judge", judge.name or judge.email, "评委", "Judge", user_id=judge.id)
        counts["issued"] += 1
    db.session.commit()
    return counts


def revoke_certificate(cert, note: str = "") -> None:
    """From now on the certificate's QR code shows it as revoked."""
    if cert.revoked_at is not None:
        raise ContestError(_("This certificate is already revoked."), status=409)
    cert.revoked_at = utcnow()
    audit.record(cert, "certificate.revoked", {"revoked": False}, {"revoked": True}, note=(note or "").strip()[:500])
    db.session.commit()


def certificate_list(summit: Summit, kind: str | None = None, track_code: str | None = None,
                     include_revoked: bool = True) -> list:
    """The summit's certificates in print order: kind, then serial."""
    from .models import Certificate

    stmt = select(Certificate).where(Certificate.summit_id == summit.id)
    if kind:
        if kind not in CERT_KINDS:
            raise ContestError(_("Unknown certificate kind."), "kind")
        stmt = stmt.where(Certificate.kind == kind)
    if track_code:
        if track_code not in ("startup", "growth"):
            raise ContestError(_("Unknown track."), "track")
        stmt = stmt.join(Entry, Entry.id == Certificate.entry_id).join(Track, Track.id == Entry.track_id).where(
            Track.code == track_code)
    if not include_revoked:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    order = {k: i for i, k in enumerate(CERT_KINDS)}
    return sorted(db.session.scalars(stmt), key=lambda c: (order.get(c.kind, 9), c.serial))


def verify_url(code: str) -> str:
    """The certificate's public check on PUBLIC_BASE_URL: what its QR code holds (also from the CLI and jobs)."""
    from urllib.parse import urlsplit

    parts = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build("contest.verify", {"code": code}, force_external=True)


def certificate_data(cert, qr: bool = True):
    """The plain data of the certificate's page (certificates.CertificateData)."""
    from zoneinfo import ZoneInfo

    from summit.printing.qr import qr_svg

    from .certificates import QR_MM, CertificateData

    summit = db.session.get(Summit, cert.summit_id)
    contest = contest_for(summit)
    entry = db.session.get(Entry, cert.entry_id) if cert.entry_id else None
    track = entry.track if entry else None
    level_zh = level_en = ""
    if cert.kind in ("award", "member_award") and track is not None:
        # The level the certificate was issued for (its title), even if the award changed since.
        level = next((lv for lv in track.award_levels or [] if f"{track.name_zh}{lv.get('name_zh')}" == cert.title_zh),
                     None)
        if level is not None:
            level_zh, level_en = level.get("name_zh") or "", level.get("name_en") or ""
        else:
            level_zh = cert.title_zh.removeprefix(track.name_zh) or cert.title_zh
            level_en = cert.title_en.rsplit(",", 1)[0] if cert.title_en else level_zh
    organisation = ""
    if cert.kind == "judge" and cert.user_id:
        judge = db.session.get(User, cert.user_id)
        organisation = judge.organisation if judge else ""
    url = verify_url(cert.code)
    shanghai = ZoneInfo("Asia/Shanghai")
    issued = cert.issued_at.replace(tzinfo=dt.timezone.utc).astimezone(shanghai).date()
    return CertificateData(
        kind=cert.kind, recipient=cert.recipient, serial=cert.serial, verify_url=url,
        summit_zh=summit.name_zh, summit_en=summit.name_en,
        contest_zh=contest.name_zh if contest else "", contest_en=contest.name_en if contest else "",
        track_zh=track.name_zh if track else "", track_en=track.name_en if track else "",
        entry_name=entry.project_name if entry else "", level_zh=level_zh, level_en=level_en,
        organisation=organisation, date=issued, qr_svg=qr_svg(url, QR_MM) if qr else "")


def render_certificates(certs: list) -> bytes:
    """Certificates as one PDF, one landscape A4 page each."""
    from summit.printing.pdf import render_pdf

    from .certificates import document_html

    return render_pdf(document_html([certificate_data(c) for c in certs]))


def certificate_pdf(cert) -> bytes:
    return render_certificates([cert])


def start_certificate_batch(summit: Summit, kind: str | None, track_code: str | None, created_by_id: int | None):
    """A background job printing the selected valid certificates into one PDF (as badge batches do)."""
    from summit.core import jobs

    ids = [c.id for c in certificate_list(summit, kind, track_code, include_revoked=False)]
    if not ids:
        raise ContestError(_("No valid certificate matches this selection."), status=409)
    return jobs.start("certificates", "summit.contest.services:run_certificate_batch",
                      {"summit_id": summit.id, "kind": kind or "", "track": track_code or "", "ids": ids},
                      created_by_id)


CERT_CHUNK = 25  # certificates per WeasyPrint document in a batch


def certificate_batch_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "certificates"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_certificate_batch(job_id: int, params: dict, progress) -> str:
    """The background job: render the certificates in chunks, record progress after each, and
    join the chunks into one PDF. Certificates revoked since the batch started are left out."""
    import time

    from pypdf import PdfWriter

    from summit.printing.pdf import render_pdf

    from .certificates import document_html
    from .models import Certificate

    ids = [int(i) for i in params.get("ids") or []]
    by_id = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))} if ids else {}
    certs = [by_id[i] for i in ids if i in by_id and by_id[i].revoked_at is None]
    total = len(certs)
    progress(0, total)
    writer = PdfWriter()
    for start in range(0, total, CERT_CHUNK):
        chunk = certs[start:start + CERT_CHUNK]
        # Many pages use many font slices: subset them rather than embed each slice whole.
        pdf = render_pdf(document_html([certificate_data(c) for c in chunk]), whole_slices=False)
        writer.append(io.BytesIO(pdf))
        progress(start + len(chunk), total)
    path = certificate_batch_dir() / f"certificates-{job_id}-{int(time.time())}.pdf"
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        writer.write(fh)
    os.replace(tmp, path)
    return str(path)
