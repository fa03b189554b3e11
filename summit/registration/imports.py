"""Importing an invitee list (.xlsx or .csv): every row checked first, then all rows or none."""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from summit.core import audit, storage
from summit.core.database import transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration import tabular
from summit.registration.links import new_token
from summit.registration.lookups import duplicate_fields, lookups, validate
from summit.registration.mail import queue_status_mail
from summit.registration.models import Registration
from summit.registration.seats import status_signal

@dataclass
class ImportReport:
    rows: list[tuple[int, dict]]
    errors: list[tuple[int, str, str]]  # (row number, column, message)
    unknown_headers: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


# A checked file waits for the organizer's confirmation this long; then it is deleted unread.
PREVIEW_MAX_AGE = 3600
_PREVIEW_NAME = re.compile(r"[A-Za-z0-9_-]{20,60}\.(xlsx|csv)")


def _preview_dir() -> Path:
    return storage.root() / "imports"


def sweep_previews(max_age: float = PREVIEW_MAX_AGE) -> int:
    """Deletes checked files older than max_age seconds (all with 0): they hold identity numbers."""
    folder = _preview_dir()
    if not folder.is_dir():
        return 0
    removed, cutoff = 0, time.time() - max_age
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another worker removed it first
    return removed


def keep_preview(filename: str, data: bytes) -> str:
    """Keeps a checked file until it is confirmed or cancelled (an hour at most); returns its name."""
    sweep_previews()
    suffix = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    name = f"{secrets.token_urlsafe(24)}.{suffix}"
    storage.save("imports", name, data)  # the confirmation may come to another host
    return name


def preview_path(name: str) -> Path | None:
    """The kept file of this name, if it is one and still there; None once it is gone or expired.
    Raises ValueError for a name this module never made."""
    if not _PREVIEW_NAME.fullmatch(name or ""):
        raise ValueError(name)
    sweep_previews()
    path = _preview_dir() / name
    return path if path.is_file() else None


def discard_preview(name: str) -> None:
    if _PREVIEW_NAME.fullmatch(name or ""):
        (_preview_dir() / name).unlink(missing_ok=True)


IMPORT_STATUSES = {"": "approved", "approved": "approved", "已通过": "approved", "通过": "approved",
                   "pending": "pending", "待审核": "pending"}


def _table_error(exc: tabular.TableError) -> str:
    limit = f"{exc.limit:,}" if exc.limit else ""
    return {"encoding": _("The file is neither UTF-8 nor GBK text."),
            "xlsx": _("The file is not a readable .xlsx workbook."),
            "type": _("Upload an .xlsx or .csv file."),
            "empty": _("The file is empty."),
            "header": _("The first row must hold the column names of the template (at least “姓名 Name”)."),
            "size": _("The workbook unpacks to more than %(limit)s bytes; split it into smaller files.", limit=limit),
            "rows": _("The file has more than %(limit)s rows; split it into smaller files.", limit=limit),
            "columns": _("The sheet has more than %(limit)s columns; keep only the template's columns.", limit=limit),
            "cell": _("A cell holds more than %(limit)s characters.", limit=limit)}[exc.code]


def check_import(summit: Summit, filename: str, data: bytes) -> ImportReport:
    """Every row checked, nothing written: bad rows with their reasons."""
    try:
        unknown, rows = tabular.read_rows(filename, data)
    except tabular.TableError as exc:
        return ImportReport([], [(exc.row or 0, exc.column or "", _table_error(exc))], [])
    look = lookups(summit, with_questions=False)
    labels = {k: f"{zh} {en}" for k, zh, en, _e, _r in tabular.IMPORT_COLUMNS}
    labels["category_id"] = labels["category"]
    good, errors = [], []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        clean, problems = validate(summit, raw, look=look, require_identity=False)
        status = IMPORT_STATUSES.get(raw.get("status", "").strip().lower())
        if status is None:
            problems["status"] = _("Status must be empty, approved or pending.")
        for key, message in problems.items():
            errors.append((number, labels.get(key, key), message))
        if problems:
            continue
        clean["status"] = status
        dupe = False
        for key in ("phone", "email", "id_number"):
            value = clean.get(key)
            if not value:
                continue
            if (key, value) in seen:
                errors.append((number, labels[key], _("Same as row %(row)s of this file.", row=seen[(key, value)])))
                dupe = True
            seen[(key, value)] = number
        existing = duplicate_fields(summit.id, clean)
        for key in existing:
            errors.append((number, labels[key], _("Already registered for this summit.")))
        if not dupe and not existing:
            good.append((number, clean))
    if not rows:
        errors.append((0, "", _("The file has no rows below the header.")))
    return ImportReport(good, errors, unknown)


def run_import(summit: Summit, filename: str, data: bytes, send_mail: bool = False,
               actor_label: str | None = None) -> ImportReport:
    """All rows or none: checks again, then writes every row in one transaction."""
    report = check_import(summit, filename, data)
    if not report.ok:
        return report
    summit_id = summit.id
    try:
        with transaction(lock=True):
            made = []
            for number, clean in report.rows:
                status = clean.pop("status")
                token, token_hash = new_token()
                reg = Registration(summit_id=summit_id, source="import", status=status, manage_token_hash=token_hash,
                                   link_issued_at=utcnow(), reviewed_at=utcnow() if status == "approved" else None,
                                   **clean)
                db.session.add(reg)
                made.append((reg, token))
            db.session.flush()
            for reg, token in made:
                audit.record(reg, "imported", after={"status": reg.status, "file": filename[:100]},
                             actor_label=actor_label)
                status_signal(reg, reg.status, new=True)
                if send_mail:
                    queue_status_mail(reg, "confirmed" if reg.status == "approved" else "received", token)
    except IntegrityError:
        return ImportReport([], [(0, "", _("Another registration with the same phone, email or identity "
                                           "number arrived while importing. Nothing was imported; please try again."))], [])
    return report
