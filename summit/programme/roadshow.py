"""The roadshow: results in roadshow blocks, the running order, the public list and interest in results."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import Summit
from summit.extensions import db
from summit.programme.common import contact, field_codes
from summit.programme.errors import ProgrammeError
from summit.programme.items import items_of
from summit.programme.models import (COOPERATION_KINDS, FOLLOW_UP_STATUSES, INTEREST_KINDS, Interest, ProgrammeItem,
                                     ResearchResult, RoadshowSlot)


def _block(block: ProgrammeItem) -> ProgrammeItem:
    if block.kind != "roadshow":
        raise ProgrammeError(_("Results can only be put in a roadshow block."), status=409)
    return block


def add_to_block(block: ProgrammeItem, result: ResearchResult, minutes: int) -> RoadshowSlot:
    _block(block)
    if result.summit_id != block.summit_id or result.status != "submitted":
        raise ProgrammeError(_("Only submitted results of this summit can be put on the roadshow."), "result_id")
    if not 1 <= int(minutes) <= 60:
        raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
    if any(s.result_id == result.id for s in block.slots):
        raise ProgrammeError(_("This result is already in the block."), "result_id", status=409)
    position = max((s.position for s in block.slots), default=0) + 1
    try:
        with transaction():
            slot = RoadshowSlot(block_id=block.id, result_id=result.id, position=position, minutes=int(minutes))
            db.session.add(slot)
            db.session.flush()
            audit.record(block, "roadshow_slot_added", after={"result_id": result.id, "minutes": int(minutes)})
    except IntegrityError:  # added at the same moment from another page
        raise ProgrammeError(_("This result is already in the block."), "result_id", status=409)
    return slot


def reorder_block(block: ProgrammeItem, result_ids: list[int]) -> None:
    """Sets the running order: result_ids must be exactly the block's results."""
    _block(block)
    slots = {s.result_id: s for s in block.slots}
    if sorted(result_ids) != sorted(slots):
        raise ProgrammeError(_("The running order must list each result of the block once."), status=409)
    with transaction():
        before = [s.result_id for s in block.slots]
        for position, rid in enumerate(result_ids, start=1):
            slots[rid].position = position
        audit.record(block, "roadshow_reordered", before={"order": before}, after={"order": list(result_ids)})
    db.session.refresh(block)


def move_slot(slot: RoadshowSlot, step: int) -> None:
    order = [s.result_id for s in slot.block.slots]
    i = order.index(slot.result_id)
    j = max(0, min(len(order) - 1, i + step))
    order.insert(j, order.pop(i))
    reorder_block(slot.block, order)


def set_slot_minutes(slot: RoadshowSlot, minutes: int) -> None:
    if not 1 <= int(minutes) <= 60:
        raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
    with transaction():
        audit.record(slot.block, "roadshow_slot_minutes", before={"result_id": slot.result_id, "minutes": slot.minutes},
                     after={"result_id": slot.result_id, "minutes": int(minutes)})
        slot.minutes = int(minutes)


def remove_slot(slot: RoadshowSlot) -> None:
    with transaction():
        block = slot.block
        audit.record(block, "roadshow_slot_removed", before={"result_id": slot.result_id, "minutes": slot.minutes})
        db.session.delete(slot)
        db.session.flush()
        for position, s in enumerate(sorted(block.slots, key=lambda s: s.position), start=1):
            s.position = position


def running_order(block: ProgrammeItem) -> list[dict]:
    """Each presenter of a block with the time they start (UTC) and their minutes, in order.
    This is the data a stage control steps through."""
    at = block.starts_at
    rows = []
    for slot in block.slots:
        rows.append({"slot": slot, "result": slot.result, "starts_at": at, "minutes": slot.minutes})
        at = at + dt.timedelta(minutes=slot.minutes)
    return rows


def block_overrun(block: ProgrammeItem) -> int:
    """Minutes by which the presenters' time exceeds the block (0 when it fits)."""
    total = sum(s.minutes for s in block.slots)
    length = int((block.ends_at - block.starts_at).total_seconds() // 60)
    return max(0, total - length)


def public_results(summit: Summit) -> list[tuple[ProgrammeItem, list[dict]]]:
    blocks = [b for b in items_of(summit) if b.kind == "roadshow"]
    return [(b, [r for r in running_order(b) if r["result"].status == "submitted"]) for b in blocks]


def is_public(result: ResearchResult) -> bool:
    """On stage: submitted and in a published roadshow block."""
    if result.status != "submitted":
        return False
    return db.session.scalar(
        select(func.count()).select_from(RoadshowSlot).join(ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id)
        .where(RoadshowSlot.result_id == result.id, ProgrammeItem.published_at.is_not(None))) > 0


def describe_result(result_id: int, locale: str, block_id: int | None = None) -> dict:
    """A result as a stage shows it: title, team, institution and the time allotted (its slot in
    block_id, else the first roadshow slot it has). For the stage control's "result" kind of item."""
    result = db.session.get(ResearchResult, result_id)
    if result is None:
        raise ProgrammeError(_("No such result."), status=404)
    stmt = (select(RoadshowSlot).join(ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id)
            .where(RoadshowSlot.result_id == result_id))
    if block_id is not None:
        stmt = stmt.where(RoadshowSlot.block_id == block_id)
    slot = db.session.scalar(stmt.order_by(ProgrammeItem.starts_at, RoadshowSlot.position).limit(1))
    tags = field_codes(db.session.get(Summit, result.summit_id))
    team = [line.strip() for line in re.split(r"[\n,，、;；]+", result.team or "") if line.strip()]
    return {
        "kind": "result",
        "id": result.id,
        "title": result.title,
        "team": team,
        "lead": team[0] if team else "",
        "institution": result.institution,
        "fields": [tags[c].name(locale) for c in result.fields if c in tags],
        "seconds": slot.minutes * 60 if slot else None,
        "block_id": slot.block_id if slot else None,
        "position": slot.position if slot else None,
    }


# ---------------------------------------------------------------- the stage's "result" kind

def _stage_describe(item_id, context, locale, reveal) -> dict | None:
    """A submitted result in a roadshow block, as the stage control and the big screen show it
    (results are presented, not scored: no score to reveal)."""
    if not isinstance(item_id, int):
        return None
    block_id = (context or {}).get("block_id")
    result = db.session.get(ResearchResult, item_id)
    if result is None or result.status != "submitted":
        return None
    d = describe_result(item_id, locale, block_id if isinstance(block_id, int) else None)
    if d["block_id"] is None or (block_id is not None and d["block_id"] != block_id):
        return None  # not (or no longer) in that roadshow block
    block = db.session.get(ProgrammeItem, d["block_id"])
    lines = [line for line in (d["institution"], "、".join(d["team"]), " · ".join(d["fields"])) if line]
    return {"title": d["title"], "subtitle": block.title(locale), "lines": lines, "score": None}


def _stage_choices(summit: Summit, locale: str) -> list[tuple]:
    """Each block's submitted results in running order, with the presenter's minutes as the countdown."""
    out = []
    for block in (b for b in items_of(summit, published_only=False) if b.kind == "roadshow" and not b.cancelled):
        for row in running_order(block):
            if row["result"].status != "submitted":
                continue
            out.append((row["result"].id, f"{block.title(locale)} · {row['slot'].position}. {row['result'].title}",
                        {"block_id": block.id}, [["pitch", row["minutes"] * 60]]))
    return out


def stage_kind():
    from summit.contest.stage import StageKind

    return StageKind("result", _stage_describe, _stage_choices)


def register_interest(result: ResearchResult, data: dict) -> tuple[Interest, bool]:
    """意向 in a result on stage. The same contact twice on one result updates the first
    (returns (interest, False)); a new one returns (interest, True)."""
    if not is_public(result):
        raise ProgrammeError(_("This result is not on the roadshow."), status=404)
    name = (data.get("name") or "").strip()[:120]
    if not name:
        raise ProgrammeError(_("Give your name."), "name")
    address = contact(data.get("contact"))
    kind = data.get("kind") or "enterprise"
    if kind not in INTEREST_KINDS:
        raise ProgrammeError(_("Choose who you are."), "kind")
    cooperation = data.get("cooperation") or ""
    if cooperation and cooperation not in COOPERATION_KINDS:
        raise ProgrammeError(_("Choose the kinds of cooperation from the list."), "cooperation")
    values = {"name": name, "organisation": (data.get("organisation") or "").strip()[:200], "kind": kind,
              "cooperation": cooperation, "note": (data.get("note") or "").strip()[:2000]}
    existing = db.session.scalar(select(Interest).where(Interest.result_id == result.id, Interest.contact == address))
    if existing is None:
        try:
            with transaction():
                interest = Interest(result_id=result.id, contact=address, **values)
                db.session.add(interest)
                db.session.flush()
                audit.record(interest, "interest_registered", after={**values, "result_id": result.id},
                             actor_label="interest form")
            return interest, True
        except IntegrityError:  # the same person tapped twice at the same moment
            existing = db.session.scalar(select(Interest).where(Interest.result_id == result.id,
                                                                Interest.contact == address))
    with transaction():
        for name_, value in values.items():
            setattr(existing, name_, value)
        audit.record(existing, "interest_updated", after=values, actor_label="interest form")
    return existing, False


def update_follow_up(interest: Interest, status: str, note: str) -> None:
    if status not in FOLLOW_UP_STATUSES:
        raise ProgrammeError(_("Unknown status."), "follow_up")
    with transaction():
        before = {"follow_up": interest.follow_up, "follow_up_note": interest.follow_up_note}
        interest.follow_up = status
        interest.follow_up_note = (note or "").strip()[:2000]
        audit.record(interest, "interest_follow_up", before=before,
                     after={"follow_up": status, "follow_up_note": interest.follow_up_note})


def interests_of(summit: Summit, follow_up: str | None = None) -> list[Interest]:
    stmt = (select(Interest).join(ResearchResult, Interest.result_id == ResearchResult.id)
            .where(ResearchResult.summit_id == summit.id))
    if follow_up:
        stmt = stmt.where(Interest.follow_up == follow_up)
    return db.session.scalars(stmt.order_by(Interest.created_at.desc(), Interest.id.desc())).all()
