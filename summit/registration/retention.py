"""Retention: a past edition's personal data is shredded, its statistics stay; one person's
data is shredded on request (the right to deletion).

Every feature shreds its own tables (its shredder in summit/core/features.py, the scope in
summit/core/shredding.py); this module runs them all in one transaction, then the core's mail,
audit and job scrub, and removes the files after the commit."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import audit, shredding, storage
from summit.core.database import transaction
from summit.core.features import features
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration import tabular
from summit.registration.errors import ShredError
from summit.registration.models import Registration
from summit.registration.seats import SEAT_STATUSES, lock_category, promote_waitlist, status_signal


def shred(summit: Summit, today: dt.date | None = None) -> int:
    """Shred one past edition: no name, contact, identity number, private link or file of its
    people stays; category, organisation, status, age, degree, fields, overseas experience,
    scores and awards stay for the statistics. Returns the registrations anonymised."""
    today = today or dt.date.today()
    if summit.is_current or summit.ends_on >= today:
        raise ShredError(_("Only a past edition can be shredded."), status=409)
    scope = shredding.ShredScope(summit)
    with transaction(lock=True):
        _run(scope)
        summit.shredded_at = utcnow()
        audit.record(summit, "shredded", after={"registrations": scope.rows["registrations"]})
    shredding.remove_files(scope.files)
    from summit.registration.imports import sweep_previews

    sweep_previews(max_age=0)  # checked import files never confirmed: whichever edition they were for
    return scope.rows["registrations"]


class _DryRun(Exception):
    """Ends the confirmation step's trial shredding: everything rolls back."""


def find_person(summit: Summit, email: str = "", phone: str = "") -> tuple[list[dict], dict[str, int]]:
    """The confirmation step: the person's registrations in the edition (name, organisation,
    category, status) and how many records of each table a shredding would change, found by
    running every shredder in a transaction that is rolled back (no file is touched)."""
    scope = shredding.ShredScope.person(summit, email, phone)
    if not scope.emails and not scope.phones:
        raise ShredError(_("Give the person's email address or phone number."), field="email", status=400)
    regs = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id)
                              .order_by(Registration.id)).all()
    found = [{"id": r.id, "name": r.name, "organisation": r.organisation, "category": r.category,
              "status": r.status} for r in regs if scope.matches(r.email, r.phone)]
    try:
        with transaction(lock=True):
            _run(scope)
            raise _DryRun
    except _DryRun:
        pass
    rows = {k: v for k, v in sorted(scope.rows.items()) if v}
    if not rows:
        raise ShredError(_("Nobody with this email address or phone number is in this edition."),
                         field="email", status=404)
    return found, rows


def shred_person(summit: Summit, email: str = "", phone: str = "", actor_label: str | None = None) -> dict:
    """Shred one person of an edition (found by email or phone) in every feature. A registration
    that still holds a seat is cancelled first (what it held is released). The audit line names
    no one. Returns the rows changed by table."""
    scope = shredding.ShredScope.person(summit, email, phone)
    if not scope.emails and not scope.phones:
        raise ShredError(_("Give the person's email address or phone number."), field="email", status=400)
    with transaction(lock=True):
        _run(scope)
        changed = sum(scope.rows.values())
        if not changed:
            raise ShredError(_("Nobody with this email address or phone number is in this edition."),
                             field="email", status=404)
        audit.record(summit, "person_shredded", after={k: v for k, v in sorted(scope.rows.items())},
                     actor_label=actor_label)
    shredding.remove_files(scope.files)
    return dict(scope.rows)


def _run(scope: shredding.ShredScope) -> None:
    for _feature, shredder in features().shredders:
        shredder(scope)
    db.session.flush()
    shredding.scrub_shared(scope)


def shred_registrations(scope: shredding.ShredScope) -> None:
    """The registration feature's shredder: the registrations and the import files."""
    summit = scope.summit
    regs = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id)
                              .order_by(Registration.id)).all()
    regs = [r for r in regs if scope.matches(r.email, r.phone)]
    for reg in regs:
        scope.add_contact(reg.email, reg.phone)  # the person's other contact reaches their other rows
        scope.forget(reg.name, reg.phone, reg.email, reg.id_number, reg.dietary, reg.status_reason,
                     *[v for v in (reg.answers or {}).values() if isinstance(v, str) and len(v) >= 4])
    if not scope.everyone and summit.ends_on >= dt.date.today():
        # Someone who asks to be forgotten before the edition ends gives up their seat.
        for reg in regs:
            if reg.status in SEAT_STATUSES or reg.status == "waitlisted":
                category = lock_category(reg.category_id, summit.id)
                old = reg.status
                reg.status = "cancelled"
                status_signal(reg, "cancelled")
                if old in SEAT_STATUSES:
                    db.session.flush()
                    promote_waitlist(category)
    for reg in regs:
        reg.name = f"#{reg.id}"
        reg.phone = f"shredded-{reg.id}"
        reg.email = f"shredded-{reg.id}@invalid"
        reg.id_type = ""
        reg.id_number = ""
        reg.title = ""
        reg.dietary = ""
        reg.answers = {}
        reg.status_reason = ""
        reg.manage_token_hash = None
    scope.audit_of("registrations", [r.id for r in regs])
    scope.rows["registrations"] += len(regs)
    _import_files(scope)


def _import_files(scope: shredding.ShredScope) -> None:
    """Uploaded import files waiting for their second step that list the people."""
    folder = storage.root() / "imports"
    if not folder.is_dir() or not scope.texts:
        return
    lowered = {t.lower() for t in scope.texts}
    for path in folder.iterdir():
        if not path.is_file():
            continue
        try:
            _unknown, rows = tabular.read_rows(path.name, path.read_bytes())
        except Exception:  # unreadable: not one of ours to judge
            continue
        if any(str(v).strip().lower() in lowered for _n, row in rows for v in row.values()):
            scope.remove_file(path)
            scope.rows["import_files"] += 1

