"""Tables of the invited talents' journey: the places people arrive at (Place), one Invitation
per registration with its reply, and the invitee's Travel (arrival and departure)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.core.models import utcnow
from summit.extensions import db
from summit.registration.models import Registration

INVITATION_STATUSES = ("invited", "accepted", "declined")
ROOM_PREFERENCES = ("single", "shared")
PLACE_KINDS = ("airport", "station")

# The places the travel form offers until the organizer changes the list.
DEFAULT_PLACES = (
    ("TAO", "airport", "青岛胶东国际机场", "Qingdao Jiaodong International Airport"),
    ("QDZ", "station", "青岛站", "Qingdao Railway Station"),
    ("QDN", "station", "青岛北站", "Qingdao North Railway Station"),
)


class Place(db.Model):
    """An airport or railway station where invitees arrive and leave (a list the organizer keeps)."""

    __tablename__ = "travel_places"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # TAO, QDZ, QDN
    kind: Mapped[str] = mapped_column(String(10), default="airport")
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class Invitation(db.Model):
    """特邀: one per registration. Its private link (only the sha256 of the token is kept) is the
    invitee's way to reply; the letter (邀请函) carries the serial and a verify code."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)  # QS2024-Y-0001
    verify_code: Mapped[str] = mapped_column(String(40), unique=True)  # in the letter's QR: no edit rights
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replied_at: Mapped[Optional[dt.datetime]]
    reminded_at: Mapped[Optional[dt.datetime]]
    reminders: Mapped[int] = mapped_column(default=0)

    registration: Mapped[Registration] = relationship()
    travel: Mapped[Optional["Travel"]] = relationship(back_populates="invitation", uselist=False,
                                                      cascade="all, delete-orphan")


class Travel(db.Model):
    """行程: the accepted invitee's arrival and departure and stay. Times are Asia/Shanghai wall
    times stored as naive UTC, like every other time of the project."""

    __tablename__ = "travels"
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), unique=True)
    arrival_mode: Mapped[str] = mapped_column(String(10))  # flight/train
    arrival_number: Mapped[str] = mapped_column(String(10))
    arrival_at: Mapped[dt.datetime] = mapped_column(index=True)
    arrival_place_id: Mapped[int] = mapped_column(ForeignKey("travel_places.id"), index=True)
    departure_mode: Mapped[str] = mapped_column(String(10))
    departure_number: Mapped[str] = mapped_column(String(10))
    departure_at: Mapped[dt.datetime]
    departure_place_id: Mapped[int] = mapped_column(ForeignKey("travel_places.id"))
    party_size: Mapped[int] = mapped_column(default=1)  # the invitee and companions
    pickup_wanted: Mapped[bool] = mapped_column(default=True)
    check_in_on: Mapped[Optional[dt.date]]
    check_out_on: Mapped[Optional[dt.date]]
    room_preference: Mapped[str] = mapped_column(String(10), default="single")
    dietary: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="travel")
    arrival_place: Mapped[Place] = relationship(foreign_keys=[arrival_place_id])
    departure_place: Mapped[Place] = relationship(foreign_keys=[departure_place_id])
