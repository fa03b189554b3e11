"""Recruitment sessions (引才专场对接会): booths, slots, meeting requests and meetings.

Times are stored as naive UTC datetimes (like the rest of the application) and shown in
Asia/Shanghai.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration.models import Registration

SESSION_KINDS = ("university", "institute", "enterprise", "sector", "city")
REQUEST_STATUSES = ("pending", "accepted", "declined")
MEETING_SOURCES = ("scheduled", "manual", "walk_in")
MEETING_STATUSES = ("planned", "held", "no_show")
# 有意向 / 深入洽谈 / 达成签约意向
OUTCOMES = ("interest", "in_depth", "intent_to_sign")


class RecruitmentSession(db.Model):
    """One 引才专场对接会: a host organisation's booths meeting talents in short slots."""

    __tablename__ = "recruitment_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="university")
    host_org_zh: Mapped[str] = mapped_column(String(200))
    host_org_en: Mapped[str] = mapped_column(String(200), default="")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    room_zh: Mapped[str] = mapped_column(String(200), default="")
    room_en: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[dt.datetime]  # UTC
    ends_at: Mapped[dt.datetime]  # UTC
    slot_minutes: Mapped[int] = mapped_column(default=15)
    # Breaks as [[start, end]] in "HH:MM" local (Asia/Shanghai) time.
    breaks: Mapped[list] = mapped_column(JSON, default=list)
    max_requests: Mapped[int] = mapped_column(default=5)  # K: booths a talent may ask for
    requests_open: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[Optional[dt.datetime]]
    scheduled_at: Mapped[Optional[dt.datetime]]
    # The last run's figures: {"objective", "bound", "seconds", "method", "meetings"}.
    last_run: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    booths: Mapped[list["Booth"]] = relationship(back_populates="session", order_by="Booth.table_no",
                                                 cascade="all, delete-orphan")
    slots: Mapped[list["Slot"]] = relationship(back_populates="session", order_by="Slot.position",
                                               cascade="all, delete-orphan")

    def title(self, locale) -> str:
        return (self.title_en or self.title_zh) if str(locale).startswith("en") else self.title_zh

    def host_org(self, locale) -> str:
        return (self.host_org_en or self.host_org_zh) if str(locale).startswith("en") else self.host_org_zh

    def room(self, locale) -> str:
        return (self.room_en or self.room_zh) if str(locale).startswith("en") else self.room_zh

    def description(self, locale) -> str:
        return (self.description_en or self.description_zh) if str(locale).startswith("en") else self.description_zh


class Booth(db.Model):
    """对接台: a college, department or team at its own table."""

    __tablename__ = "booths"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("recruitment_sessions.id", ondelete="CASCADE"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    table_no: Mapped[int] = mapped_column(default=1)
    fields: Mapped[list] = mapped_column(JSON, default=list)  # FieldTag codes
    # Talent needs: [{"position", "field", "degree", "count"}].
    needs: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=1)  # meetings at once
    unavailable: Mapped[list] = mapped_column(JSON, default=list)  # slot ids the booth is closed
    host_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Bumped by every booking: the row a booking locks (SELECT ... FOR UPDATE).
    version: Mapped[int] = mapped_column(default=0)

    session: Mapped[RecruitmentSession] = relationship(back_populates="booths")
    __table_args__ = (UniqueConstraint("session_id", "table_no"),)

    def name(self, locale) -> str:
        return (self.name_en or self.name_zh) if str(locale).startswith("en") else self.name_zh


class Slot(db.Model):
    """时段: one short meeting time of a session."""

    __tablename__ = "session_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("recruitment_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    starts_at: Mapped[dt.datetime]  # UTC
    ends_at: Mapped[dt.datetime]

    session: Mapped[RecruitmentSession] = relationship(back_populates="slots")
    __table_args__ = (UniqueConstraint("session_id", "position"),)


class TalentProfile(db.Model):
    """What a talent adds for the sessions: a CV and the slots they cannot come."""

    __tablename__ = "matchmaking_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    cv_filename: Mapped[str] = mapped_column(String(200), default="")
    cv_path: Mapped[str] = mapped_column(String(500), default="")
    cv_uploaded_at: Mapped[Optional[dt.datetime]]
    unavailable_slot_ids: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()


class MeetingRequest(db.Model):
    """洽谈预约: a talent asks to meet a booth (rank 1 = most wanted); the host decides."""

    __tablename__ = "meeting_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("recruitment_sessions.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    booth: Mapped[Booth] = relationship()
    registration: Mapped[Registration] = relationship()
    __table_args__ = (UniqueConstraint("booth_id", "registration_id"),)


class Meeting(db.Model):
    """A talent at a booth in a slot. `place` numbers the booth's parallel meetings in the slot,
    so the database itself refuses a second booking of the same last place."""

    __tablename__ = "booth_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("recruitment_sessions.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("session_slots.id", ondelete="CASCADE"), index=True)
    place: Mapped[int] = mapped_column(default=0)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting_requests.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default="scheduled")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    booth: Mapped[Booth] = relationship()
    slot: Mapped[Slot] = relationship()
    registration: Mapped[Registration] = relationship()
    session: Mapped[RecruitmentSession] = relationship()
    __table_args__ = (
        UniqueConstraint("booth_id", "slot_id", "place", name="uq_booth_meetings_booth_slot_place"),
        UniqueConstraint("registration_id", "slot_id", name="uq_booth_meetings_registration_slot"),
        UniqueConstraint("booth_id", "registration_id", name="uq_booth_meetings_booth_registration"),
    )
