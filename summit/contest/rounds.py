"""Rounds (初赛/复赛/决赛): settings, the rubric (评分细则) and its criteria, and the panel of judges.
Each public function that writes is one transaction."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.auth.models import User
from summit.core import audit
from summit.core.database import transaction
from summit.extensions import db

from . import rubric as rubric_mod, scoring
from .errors import ContestError
from .models import Entry, PanelJudge, Round, RoundEntry, ScoreEvent, Track


def create_round(track: Track, kind: str, name_zh: str = "", name_en: str = "") -> Round:
    """A new last round of the track (named 第N轮 / Round N when no name is given)."""
    if kind not in ("online", "roadshow"):
        raise ContestError(_("Choose a kind."), "kind")
    position = len(track.rounds)
    with transaction():
        round_ = Round(track_id=track.id, position=position, kind=kind,
                       name_zh=(name_zh or "").strip()[:100] or f"第{position + 1}轮",
                       name_en=(name_en or "").strip()[:100] or f"Round {position + 1}")
        db.session.add(round_)
        db.session.flush()
        audit.record(round_, "round.created", None, {"name": round_.name_zh, "kind": round_.kind})
    return round_


def set_rubric(round_: Round, criteria: list[dict], tiebreak: list[str] | None = None) -> None:
    try:
        clean = rubric_mod.validate(criteria)
    except rubric_mod.RubricError as exc:
        raise ContestError(rubric_error_text(exc), "rubric")
    if has_scores(round_) and [(c["key"], c["max"]) for c in clean] != [(c["key"], c["max"]) for c in round_.rubric]:
        raise ContestError(_("Scoring has started: the criteria and their maximum points can no longer change."),
                           "rubric", 409)
    keys = [c["key"] for c in clean]
    tiebreak = [k for k in (tiebreak or []) if k in keys]
    with transaction():
        audit.record(round_, "round.rubric", {"rubric": round_.rubric}, {"rubric": clean, "tiebreak": tiebreak})
        round_.rubric = clean
        round_.tiebreak = tiebreak


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
    with transaction():
        before, after = audit.changes(round_, list(values), values)
        for k, v in values.items():
            setattr(round_, k, v)
        if after:
            audit.record(round_, "round.updated", before, after)


def set_panel(round_: Round, user_ids: list[int]) -> None:
    judges = list(db.session.scalars(select(User).where(User.id.in_(user_ids)))) if user_ids else []
    if any(not u.has_role("judge") for u in judges):
        raise ContestError(_("Only accounts with the judge role can sit on a panel."), "judges")
    with transaction():
        current = {p.user_id: p for p in db.session.scalars(select(PanelJudge).where(
            PanelJudge.round_id == round_.id))}
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


def panel(round_: Round) -> list[User]:
    return list(db.session.scalars(select(User).join(PanelJudge, PanelJudge.user_id == User.id)
                                   .where(PanelJudge.round_id == round_.id).order_by(User.id)))


def round_entries(round_: Round) -> list[Entry]:
    return list(db.session.scalars(select(Entry).join(RoundEntry, RoundEntry.entry_id == Entry.id)
                                   .where(RoundEntry.round_id == round_.id)
                                   .order_by(RoundEntry.position, Entry.id)))


def has_scores(round_: Round) -> bool:
    return bool(round_.id and db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
        ScoreEvent.round_id == round_.id)))


def criteria(round_: Round) -> list[dict]:
    """The rubric as the scoring module takes it: id, max points, weight."""
    return [{"id": c["key"], "max": c["max"], "weight": c.get("weight", 1)} for c in round_.rubric]


def next_round(round_: Round) -> Round | None:
    return db.session.scalar(select(Round).where(Round.track_id == round_.track_id,
                                                 Round.position > round_.position).order_by(Round.position).limit(1))
