from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from summit.extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Summit(db.Model):
    """One edition of the summit (e.g. 2024). Several live side by side; one is current."""

    __tablename__ = "summits"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    venue_zh: Mapped[str] = mapped_column(String(200), default="")
    venue_en: Mapped[str] = mapped_column(String(200), default="")
    organizer_zh: Mapped[str] = mapped_column(String(200), default="")
    organizer_en: Mapped[str] = mapped_column(String(200), default="")
    is_current: Mapped[bool] = mapped_column(default=False)
    registration_opens_at: Mapped[Optional[dt.datetime]]
    registration_closes_at: Mapped[Optional[dt.datetime]]
    # Until this moment an attendee may edit their registration through the private link.
    edit_deadline: Mapped[Optional[dt.datetime]]
    privacy_policy_zh: Mapped[str] = mapped_column(Text, default="")
    privacy_policy_en: Mapped[str] = mapped_column(Text, default="")
    shredded_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh

    def venue(self, locale: str) -> str:
        return self.venue_en if str(locale).startswith("en") else self.venue_zh

    @classmethod
    def current(cls) -> Optional["Summit"]:
        found = db.session.scalar(_CURRENT_SUMMIT)
        if found is None:
            found = db.session.scalar(_LATEST_SUMMIT)
        return found


# Built once: nearly every request asks, and a statement object that is reused keeps its
# cache key, so SQLAlchemy neither builds nor hashes it again.
_CURRENT_SUMMIT = select(Summit).where(Summit.is_current.is_(True)).limit(1)
_LATEST_SUMMIT = select(Summit).order_by(Summit.year.desc()).limit(1)


class AuditEvent(db.Model):
    """Who changed what, when, from what to what. Append-only."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A human-readable actor for non-account actors: "attendee link", "import", "system".
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (db.Index("ix_audit_subject", "subject_type", "subject_id"),)


class OutboundMail(db.Model):
    """Mail waits here until the SMTP server takes it: a server that is down loses nothing."""

    __tablename__ = "outbound_mail"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    # [{"filename", "mimetype", "path" or "render"/"args", "cid" for inline parts}]: see core.mail.queue.
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued/sent/failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]]


class Job(db.Model):
    """A long task (a batch of badges) with its progress in the database, so every host sees it.
    The work itself runs on the task queue's workers (summit.core.jobs)."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/running/done/failed/cancelled
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # Relative to the storage directory (STORAGE_DIR), so that every host finds it.
    result_path: Mapped[Optional[str]] = mapped_column(String(500))
    # A stable code (summit.core.jobs.ERRORS), translated when shown; the traceback is in the log.
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[Optional[dt.datetime]]
    # Touched by the worker as each part starts and ends: a running job without a recent
    # heartbeat is held by no worker (it waits for one, or for the broker to hand it again).
    heartbeat_at: Mapped[Optional[dt.datetime]]
    # How often the workers' sweep handed the job out again after it went quiet.
    sweeps: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[Optional[dt.datetime]]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)




class JobPart(db.Model):
    """One chunk of a job (e.g. 50 badges), a task of its own: a worker that dies costs one
    chunk, and chunks run on several workers at once. Its file is joined with the others."""

    __tablename__ = "job_parts"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    items: Mapped[list] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/done
    # Deliveries of this part to a worker: one that kills its worker every time fails the job.
    attempts: Mapped[int] = mapped_column(default=0)
    # The worker that took it last (Celery's node name), for the log and the operator.
    worker: Mapped[str] = mapped_column(String(200), default="")
    path: Mapped[Optional[str]] = mapped_column(String(500))
    finished_at: Mapped[Optional[dt.datetime]]

    __table_args__ = (db.UniqueConstraint("job_id", "number"),)
