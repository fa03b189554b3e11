"""Awards (获奖): proposed from the ranking of a track's last scored round, confirmed by the
organizers (every decision logged), and the public results page."""
from __future__ import annotations

from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import utcnow
from summit.extensions import db

from .errors import ContestError
from .ledger import score_state
from .models import Award, Entry, Round, Track
from .ranking import ranking


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


def last_round(track: Track) -> Round | None:
    return db.session.scalar(select(Round).where(Round.track_id == track.id)
                             .order_by(Round.position.desc(), Round.id.desc()).limit(1))


def _check_levels(track: Track, decisions: dict[int, str]) -> None:
    levels = {lv["key"] for lv in track.award_levels or []}
    if set(decisions.values()) - levels - {""}:
        raise ContestError(_("Unknown award level."), "level")


def review_awards(track: Track, decisions: dict[int, str]) -> dict:
    """What confirming these decisions would do, for the organizer to read first: the round the
    places come from (and whether it is the track's last), the awarded entries in order of place
    and rank, and the awards that would be removed."""
    _check_levels(track, decisions)
    round_, last = award_round(track), last_round(track)
    ranks = {r["entry"]: r for r in ranking(round_)["rows"]} if round_ else {}
    order = {lv["key"]: i for i, lv in enumerate(track.award_levels or [])}
    existing = {a.entry_id: a for a in awards(track)}
    rows, removed = [], []
    for entry_id, level in decisions.items():
        entry = db.session.get(Entry, entry_id)
        if entry is None or entry.track_id != track.id:
            raise ContestError(_("Unknown entry."), "entry")
        row = ranks.get(entry_id, {})
        if level:
            rows.append({"entry": entry, "level": award_level(track, level), "rank": row.get("rank"),
                         "score": row.get("score"), "order": order.get(level, 99)})
        elif entry_id in existing:
            removed.append({"entry": entry, "level": award_level(track, existing[entry_id].level)})
    rows.sort(key=lambda r: (r["order"], r["rank"] or 9999, r["entry"].id))
    return {"round": round_, "last_round": last, "is_last": round_ is not None and last is not None
            and round_.id == last.id, "rows": rows, "removed": removed}


def confirm_awards(track: Track, decisions: dict[int, str], round_id: int | None = None,
                   earlier_round_ok: bool = False) -> None:
    """decisions: entry id -> level key ("" removes). Every decision is logged. round_id is the
    round the organizer reviewed (refused if the ranking has moved to another since); places
    from a round that is not the track's last need earlier_round_ok."""
    _check_levels(track, decisions)
    round_ = award_round(track)
    if round_id is not None and (round_ is None or round_.id != round_id):
        raise ContestError(_("The scores changed since the review: review the awards again."), "round", status=409)
    last = last_round(track)
    if round_ is not None and last is not None and round_.id != last.id and not earlier_round_ok:
        raise ContestError(_("These places come from %(round)s, not from the last round (%(last)s): "
                             "confirm that the awards are decided by %(round)s.",
                             round=round_.name(get_locale_name()), last=last.name(get_locale_name())),
                           "round", status=409)
    ranks = {r["entry"]: r for r in ranking(round_)["rows"]} if round_ else {}
    with transaction():
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
            award.level, award.rank, award.score = level, row.get("rank"), row.get("score")
            award.confirmed_at = utcnow()
            audit.record(award, "award.confirmed", before, {"level": level, "entry": entry_id, "rank": row.get("rank"),
                                                            "round": round_.id if round_ else None})


def get_locale_name() -> str:
    return str(get_locale() or "zh_CN")


def publish_results(track: Track, publish: bool = True) -> None:
    with transaction():
        before = track.results_published_at
        track.results_published_at = utcnow() if publish else None
        audit.record(track, "results.published" if publish else "results.withdrawn",
                     {"published": before is not None}, {"published": publish})


def awards(track: Track) -> list[Award]:
    order = {lv["key"]: i for i, lv in enumerate(track.award_levels or [])}
    rows = list(db.session.scalars(select(Award).where(Award.track_id == track.id)))
    return sorted(rows, key=lambda a: (order.get(a.level, 99), a.rank or 9999, a.entry_id))


def award_level(track: Track, key: str) -> dict:
    for level in track.award_levels or []:
        if level.get("key") == key:
            return level
    return {"key": key, "name_zh": key, "name_en": key}
