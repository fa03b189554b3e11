"""What a shredding asks of every feature, and what the core shreds itself.

A shredding is one edition (`summit shred YEAR`: everyone of a past edition) or one person in
an edition (`summit shred-person`: the right to deletion). summit/registration/retention.py
makes a ShredScope and runs, in one transaction, each feature's shredder (registered in its
init_feature: `features.shredders.append(("contest", shred))`, see summit/core/features.py).
A shredder blanks the personal fields of its own tables that the scope reaches, and tells the
scope what it blanked (`forget`: names, phones, emails, identity numbers), which audit subjects
lose their values (`audit_of`) and which files go (`remove_file`). Last, scrub_shared() removes
the mail that was addressed to or names those people (with its attached files), and the audit
values and job parameters that name them. The files are removed after the commit, so a failed
shredding leaves every file in place.
"""
from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from summit.core import storage
from summit.core.models import AuditEvent, Job, OutboundMail, Summit
from summit.extensions import db

# Shorter values (a one-letter name) would match everywhere.
MIN_TEXT = 2


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


@dataclass
class ShredScope:
    summit: Summit
    # None: everyone of the edition. Otherwise the person's addresses and phone numbers; the
    # registration shredder adds the other ones it finds on the person's registration.
    emails: set[str] | None = None
    phones: set[str] | None = None
    texts: set[str] = field(default_factory=set)
    files: set[Path] = field(default_factory=set)
    subjects: dict[str, set[int]] = field(default_factory=dict)
    rows: Counter = field(default_factory=Counter)

    @classmethod
    def person(cls, summit: Summit, email: str = "", phone: str = "") -> "ShredScope":
        return cls(summit, emails={email.strip().lower()} - {""}, phones={digits(phone)} - {""})

    @property
    def everyone(self) -> bool:
        return self.emails is None

    def matches(self, email: str = "", phone: str = "") -> bool:
        """Whether a row with this contact belongs to the scope's people."""
        if self.everyone:
            return True
        if email and email.strip().lower() in self.emails:
            return True
        number = digits(phone)
        # 13912345678 and +86 139 1234 5678 are the same person.
        return len(number) >= 6 and any(number == p or number.endswith(p) or p.endswith(number)
                                        for p in self.phones if len(p) >= 6)

    def add_contact(self, email: str = "", phone: str = "") -> None:
        if not self.everyone:
            if email:
                self.emails.add(email.strip().lower())
            if digits(phone):
                self.phones.add(digits(phone))

    def forget(self, *values) -> None:
        """Personal values being blanked: mail and audit values that contain them go too."""
        for value in values:
            value = str(value or "").strip()
            if len(value) >= MIN_TEXT and not value.startswith("shredded-"):
                self.texts.add(value)

    def audit_of(self, table: str, ids) -> None:
        self.subjects.setdefault(table, set()).update(ids)

    def remove_file(self, stored) -> None:
        """A file to remove after the commit: a stored path (relative to the storage root,
        summit.core.storage) or a Path."""
        if not stored:
            return
        try:
            self.files.add(stored if isinstance(stored, Path) else storage.path(stored))
        except ValueError:  # a stored path that leaves the storage root: not ours to remove
            pass


def random_hash() -> str:
    """Replaces a private link's hash: unique, and no token leads to it."""
    return secrets.token_hex(32)


def _names_any(value, texts: set[str]) -> bool:
    if value is None or not texts:
        return False
    blob = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    lowered = blob.lower()
    return any(t.lower() in lowered for t in texts)


def scrub_shared(scope: ShredScope, batch: int = 500) -> None:
    """The core's own tables: mail, the audit trail, job parameters."""
    texts = scope.texts
    addresses = {t.lower() for t in texts if "@" in t} | set(scope.emails or ())
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    for mail in mails:
        if (mail.to_addr or "").lower() in addresses or any(
                _names_any(v, texts) for v in (mail.subject, mail.body_text, mail.body_html, mail.attachments)):
            for att in mail.attachments or []:
                scope.remove_file(att.get("path"))
            db.session.delete(mail)
            scope.rows["outbound_mail"] += 1
    for table, ids in scope.subjects.items():
        ids = sorted(ids)
        for start in range(0, len(ids), batch):
            db.session.execute(db.update(AuditEvent).where(AuditEvent.subject_type == table,
                                                           AuditEvent.subject_id.in_(ids[start:start + batch]))
                               .values(before=None, after=None, note=""))
    db.session.flush()
    # JSON keeps Chinese as \u escapes, so the values are compared in Python, not with LIKE.
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all():
        if any(_names_any(v, texts) for v in (event.before, event.after, event.note)):
            event.before = event.after = None
            event.note = ""
            scope.rows["audit_events"] += 1
    for job in db.session.scalars(select(Job).order_by(Job.id)):
        if _names_any(job.params, texts) or _names_any(job.error, texts):
            job.params = {k: v for k, v in (job.params or {}).items() if k == "_target"}
            job.error = ""
            scope.rows["jobs"] += 1


def remove_files(paths) -> int:
    """After the commit: the files of the shredded people."""
    removed = 0
    for path in paths:
        try:
            Path(path).unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:  # the rows are shredded already; the file is an orphan to clean up
            storage.log.warning("could not delete a shredded file", extra={"fields": {"path": str(path),
                                                                                        "error": str(exc)}})
    return removed
