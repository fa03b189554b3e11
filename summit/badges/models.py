from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.core.models import utcnow
from summit.extensions import db
from summit.registration.models import Registration

BADGE_STATUSES = ("active", "revoked")
# The answers of a scan, in the API's words.
SCAN_STATUSES = ("ok", "already_checked_in", "unknown", "revoked", "cancelled", "not_approved")


class Badge(db.Model):
    """The badge of one registration. Re-issuing revokes it and makes a new one with a new code."""

    __tablename__ = "badges"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    # What the QR code holds: random, no personal data. It is printed, so it is kept as is.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[dt.datetime]]
    printed_at: Mapped[Optional[dt.datetime]]
    print_count: Mapped[int] = mapped_column(default=0)
    last_batch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("badge_print_batches.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()


class CheckIn(db.Model):
    """Every scan at the door, the failed ones too: what was scanned, the verdict, who and where."""

    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    code: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(30))
    # "scan" (a badge code) or "search" (staff found the person by name or phone).
    method: Mapped[str] = mapped_column(String(20), default="scan")
    badge_id: Mapped[Optional[int]] = mapped_column(ForeignKey("badges.id", ondelete="SET NULL"))
    registration_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"),
                                                           index=True)
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_token_id: Mapped[Optional[int]] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(String(200), default="")
    undone_at: Mapped[Optional[dt.datetime]]
    undone_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Optional[Registration]] = relationship()

    # The first scan wins: at most one standing "ok" per registration, so a concurrent
    # second one fails at the database even if two deciders raced.
    __table_args__ = (
        db.Index("uq_checkins_one_ok", "registration_id", unique=True,
                 sqlite_where=db.text("status = 'ok' AND undone_at IS NULL"),
                 postgresql_where=db.text("status = 'ok' AND undone_at IS NULL")),
    )


class PrintBatch(db.Model):
    """One printing of badges: which filter, which layout, how many, the PDF."""

    __tablename__ = "badge_print_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    layout: Mapped[str] = mapped_column(String(40))
    selection: Mapped[dict] = mapped_column(JSON, default=dict)
    count: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[Optional[int]] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/done/failed
    file_path: Mapped[Optional[str]] = mapped_column(String(500))
    error: Mapped[str] = mapped_column(Text, default="")
