"""What an attendee does: register, change their registration through the private link
while the edition allows it, and cancel.

Two identical submissions at the same moment: the unique constraints on (summit, phone),
(summit, email) and (summit, id_type, id_number) make the second fail cleanly, and the
constraint's name says which field it was (errors.duplicate_from)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from summit.core import audit
from summit.core.database import for_update, transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration.errors import DuplicateRegistration, RegistrationError, duplicate_from
from summit.registration.links import new_token
from summit.registration.lookups import duplicate_fields
from summit.registration.mail import queue_status_mail
from summit.registration.models import Category, Registration
from summit.registration.seats import SEAT_STATUSES, initial_status, lock_category, promote_waitlist, status_signal

ATTENDEE_EDITABLE = ("gender", "organisation", "title", "phone", "email", "degree", "overseas", "fields",
                     "programme_parts", "dietary", "answers")
IDENTITY = ("phone", "email", "id_type", "id_number")


def submit(summit: Summit, clean: dict, *, source: str = "online", status: str | None = None,
           send_mail: bool = True, actor_label: str | None = None) -> tuple[Registration, str]:
    """A new registration from clean data (lookups.validate() first). Returns it and its private token."""
    summit_id = summit.id
    try:
        with transaction(lock=True):
            # Usually already in the session (validation loaded the categories): no query.
            category = db.session.get(Category, clean["category_id"])
            if category is None or category.summit_id != summit_id:
                raise RegistrationError(_("Please choose one of the options."), "category_id")
            if category.capacity is not None:
                category = lock_category(category.id, summit_id)
            # No look for duplicates first: the unique constraints refuse the second row at the
            # INSERT below, which also covers two submissions at the same moment.
            token, token_hash = new_token()
            now = utcnow()
            decided = status or initial_status(category)
            reg = Registration(summit_id=summit_id, category_id=category.id, source=source, status=decided,
                               manage_token_hash=token_hash, link_issued_at=now,
                               consent_at=now if source == "online" else None,
                               waitlisted_at=now if decided == "waitlisted" else None,
                               **{k: v for k, v in clean.items() if k not in ("category_id", "consent")})
            db.session.add(reg)
            db.session.flush()
            audit.record(reg, "created", after={"status": decided, "category": category.code, "source": source},
                         actor_label=actor_label)
            # new: inserted just now, so receivers need not look for what it already has (a badge).
            status_signal(reg, decided, new=True)
            if send_mail:
                kind = {"approved": "confirmed", "pending": "received", "waitlisted": "waitlisted"}[decided]
                queue_status_mail(reg, kind, token)
    except IntegrityError as exc:
        raise duplicate_from(exc) from exc
    return reg, token


def register_online(summit: Summit, clean: dict) -> None:
    """A registration from the public form. Whether the person is new or registered already,
    the visitor is told the same (the private link went to the address on file): a new
    registration gets its confirmation mail, an existing one a new link (links.remind_registered)."""
    from summit.registration.links import remind_registered

    try:
        submit(summit, clean)
    except DuplicateRegistration:
        remind_registered(summit, clean)


def editable_by_attendee(reg: Registration, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    deadline = reg.summit.edit_deadline
    return reg.status not in ("cancelled", "rejected") and (deadline is None or now <= deadline)


def update_by_attendee(reg: Registration, clean: dict) -> Registration:
    if not editable_by_attendee(reg):
        raise RegistrationError(_("This registration can no longer be changed."), status=409)
    return save_changes(reg, {k: v for k, v in clean.items() if k in ATTENDEE_EDITABLE}, "edited_by_attendee",
                        actor_label="attendee link")


def save_changes(reg: Registration, values: dict, action: str, actor_label: str | None = None) -> Registration:
    """Changed fields that decide no seat, with their audit entry; a duplicate is refused."""
    before, after = audit.changes(reg, list(values), values)
    if not after:
        return reg
    dupes = duplicate_fields(reg.summit_id, {k: values.get(k, getattr(reg, k)) for k in IDENTITY}, exclude_id=reg.id)
    if dupes:
        raise DuplicateRegistration(dupes)
    try:
        with transaction():
            for key, value in after.items():
                setattr(reg, key, value)
            audit.record(reg, action, before=audit.jsonable(before), after=audit.jsonable(after),
                         actor_label=actor_label)
    except IntegrityError as exc:
        raise duplicate_from(exc) from exc
    return reg


def cancel(reg: Registration, *, by_attendee: bool, reason: str = "", token: str | None = None) -> Registration:
    """token: the private link the attendee cancels from, which the mail repeats (and which
    keeps working); without it the mail carries a new one."""
    reg_id, category_id, summit_id = reg.id, reg.category_id, reg.summit_id
    with transaction(lock=True):
        lock_category(category_id, summit_id)
        reg = db.session.scalar(for_update(select(Registration).where(Registration.id == reg_id)))
        if reg.status == "cancelled":
            return reg
        old = reg.status
        reg.status = "cancelled"
        reg.status_reason = reason
        audit.record(reg, "cancelled", {"status": old}, {"status": "cancelled"}, note=reason,
                     actor_label="attendee link" if by_attendee else None)
        released = status_signal(reg, "cancelled")
        queue_status_mail(reg, "cancelled", token, released=released)
        if old in SEAT_STATUSES:
            promote_waitlist(reg.category)
    return reg
