"""Programme items, research results, roadshow slots, technology needs and interest."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.core.models import Summit, utcnow
from summit.extensions import db

# Kinds of programme item, in the order an organizer picks them.
ITEM_KINDS = ("opening", "keynote", "roadshow", "contest_final", "recruitment", "signing", "other")
# Which programme part (Registration.programme_parts) an item belongs to; "" = every attendee.
ITEM_PARTS = ("", "opening", "contest_final", "recruitment")
# Fields whose change after publication is shown as a change (the previous value kept).
TRACKED_FIELDS = ("title_zh", "title_en", "starts_at", "ends_at", "room_zh", "room_en",
                  "hosts_zh", "hosts_en", "speakers_zh", "speakers_en", "cancelled")
# The subset whose change is mailed to the attendees concerned.
MAILED_FIELDS = ("starts_at", "ends_at", "room_zh", "room_en", "cancelled")

MATURITIES = ("lab", "pilot", "industrial")  # 实验室 / 中试 / 产业化
COOPERATION_KINDS = ("transfer", "licence", "joint_development", "equity")  # 转让 / 许可 / 合作开发 / 作价入股
RESULT_STATUSES = ("draft", "submitted", "withdrawn")
INTEREST_KINDS = ("enterprise", "investor", "institute", "other")
FOLLOW_UP_STATUSES = ("new", "contacted", "negotiating", "agreed", "closed")
BUDGET_RANGES = ("lt50", "50_200", "200_500", "500_1000", "gt1000", "negotiable")  # 万元


def _pick(obj, stem: str, locale: str) -> str:
    en = str(locale).startswith("en")
    value = getattr(obj, f"{stem}_en" if en else f"{stem}_zh")
    return value or getattr(obj, f"{stem}_zh" if en else f"{stem}_en") or ""


class ProgrammeItem(db.Model):
    """One item of a summit's programme: the opening, a keynote, a roadshow block, ...

    Times are stored in UTC (naive) and shown in Asia/Shanghai. After the programme is
    published, `previous` keeps the values an item had before its last change.
    """

    __tablename__ = "programme_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(20), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    room_zh: Mapped[str] = mapped_column(String(200), default="")
    room_en: Mapped[str] = mapped_column(String(200), default="")
    hosts_zh: Mapped[str] = mapped_column(String(300), default="")
    hosts_en: Mapped[str] = mapped_column(String(300), default="")
    speakers_zh: Mapped[str] = mapped_column(Text, default="")
    speakers_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[Optional[dt.datetime]]
    # Values before the last change after publication ({field: old value}, datetimes as ISO).
    previous: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_at: Mapped[Optional[dt.datetime]]
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: one more per change
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    slots: Mapped[list["RoadshowSlot"]] = relationship(
        back_populates="block", order_by="RoadshowSlot.position", cascade="all, delete-orphan")

    def title(self, locale: str) -> str:
        return _pick(self, "title", locale)

    def room(self, locale: str) -> str:
        return _pick(self, "room", locale)

    def hosts(self, locale: str) -> str:
        return _pick(self, "hosts", locale)

    def speakers(self, locale: str) -> str:
        return _pick(self, "speakers", locale)

    def description(self, locale: str) -> str:
        return _pick(self, "description", locale)


class ResearchResult(db.Model):
    """成果: a research result a university or institute team submits through its private link."""

    __tablename__ = "research_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(Text, default="")  # lead first, then members
    fields: Mapped[list] = mapped_column(JSON, default=list)  # FieldTag codes
    maturity: Mapped[str] = mapped_column(String(20), default="lab")
    patents: Mapped[list] = mapped_column(JSON, default=list)  # normalised patent numbers
    cooperation: Mapped[list] = mapped_column(JSON, default=list)  # COOPERATION_KINDS
    summary: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    deck_path: Mapped[Optional[str]] = mapped_column(String(500))  # relative to UPLOAD_DIR
    deck_filename: Mapped[str] = mapped_column(String(200), default="")
    deck_pages: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()
    interests: Mapped[list["Interest"]] = relationship(back_populates="result", order_by="Interest.id")


class RoadshowSlot(db.Model):
    """A result's place in a roadshow block: its running order and the time it is allotted."""

    __tablename__ = "roadshow_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("research_results.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=8)

    block: Mapped[ProgrammeItem] = relationship(back_populates="slots")
    result: Mapped[ResearchResult] = relationship()
    __table_args__ = (UniqueConstraint("block_id", "result_id"),)


class TechNeed(db.Model):
    """企业点题: an enterprise's technology need."""

    __tablename__ = "tech_needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    enterprise: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    fields: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[str] = mapped_column(String(20), default="negotiable")  # BUDGET_RANGES
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # draft/open/closed
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()


class Interest(db.Model):
    """意向: an enterprise or investor wants to talk about a result; organizers follow it up."""

    __tablename__ = "result_interests"
    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("research_results.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(320))  # a phone number (normalised) or an email
    kind: Mapped[str] = mapped_column(String(20), default="enterprise")  # INTEREST_KINDS
    cooperation: Mapped[str] = mapped_column(String(30), default="")  # COOPERATION_KINDS
    note: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(String(20), default="new", index=True)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    result: Mapped[ResearchResult] = relationship(back_populates="interests")
    # A second tap of the same person on the same result is the same interest.
    __table_args__ = (UniqueConstraint("result_id", "contact"),)
