"""What an organizer does to registrations: approve or reject (one or many), edit any
field (a new category decides seats in both), reveal an identity number (logged), and read
a registration's history."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from summit.core import audit
from summit.core.database import for_update, transaction
from summit.core.models import AuditEvent, Summit, utcnow
from summit.extensions import db
from summit.registration.attendee import ATTENDEE_EDITABLE, IDENTITY, save_changes
from summit.registration.errors import DuplicateRegistration, RegistrationError, duplicate_from
from summit.registration.lookups import duplicate_fields
from summit.registration.mail import queue_status_mail
from summit.registration.models import Category, Registration
from summit.registration.seats import lock_category, promote_waitlist, status_signal

ORGANIZER_EDITABLE = ATTENDEE_EDITABLE + ("name", "category_id", "id_number", "birth_year", "language")


def decide(summit: Summit, ids: list[int], action: str, reason: str = "", user_id: int | None = None) -> dict:
    """Approve or reject registrations (one or many). Returns {"done": n, "skipped": n,
    "released": {id: [texts]}} — what each rejected registration released elsewhere, and for
    each one approved again, what it had released before and does not get back."""
    if action not in ("approve", "reject"):
        raise RegistrationError(_("Unknown action."), status=400)
    if action == "reject" and len(set(ids)) > 1 and not reason.strip():
        # Each person reads the reason in their mail: a bulk rejection never goes out bare.
        raise RegistrationError(_("Give the reason for rejecting: it is sent to each person."), "reason", status=422)
    target = "approved" if action == "approve" else "rejected"
    allowed = ALLOWED_FROM[action]
    ids = sorted({int(i) for i in ids})
    summit_id = summit.id
    with transaction(lock=True):
        cat_ids = db.session.scalars(select(Registration.category_id).where(
            Registration.id.in_(ids), Registration.summit_id == summit_id).distinct()).all()
        # Categories first, in id order, as submit() does: no deadlock between the two.
        cats = [lock_category(c, summit_id) for c in sorted(cat_ids)]
        regs = db.session.scalars(for_update(select(Registration).where(
            Registration.id.in_(ids), Registration.summit_id == summit_id).order_by(Registration.id))).all()
        done = skipped = 0
        released: dict[int, list] = {}
        now = utcnow()
        for reg in regs:
            if reg.status not in allowed:
                skipped += 1
                continue
            old = reg.status
            reg.status = target
            reg.status_reason = reason if target == "rejected" else ""
            reg.reviewed_at = now
            reg.reviewed_by_id = user_id
            audit.record(reg, target, {"status": old}, {"status": target}, note=reason)
            texts = status_signal(reg, target)
            if target == "approved" and old == "rejected":
                texts = released_earlier(reg)
            if texts:
                released[reg.id] = [str(t) for t in texts]
            db.session.flush()
            queue_status_mail(reg, target, released=texts if target == "rejected" else ())
            done += 1
        for cat in cats:
            promote_waitlist(cat)
    return {"done": done, "skipped": skipped + len(ids) - len(regs), "released": released}


def released_earlier(reg: Registration) -> list[str]:
    """What the registration's last cancellation or rejection released (it is not given back)."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "registrations", AuditEvent.subject_id == reg.id, AuditEvent.action == "released")
        .order_by(AuditEvent.id.desc()).limit(1))
    return list((event.after or {}).get("released", [])) if event is not None else []


ALLOWED_FROM = {"approve": ("pending", "waitlisted", "rejected"), "reject": ("pending", "waitlisted", "approved")}


def bulk_preview(summit: Summit, ids: list[int], action: str) -> tuple[list[Registration], int]:
    """The registrations a bulk action would change (each is mailed) and how many it would leave."""
    regs = db.session.scalars(select(Registration).where(
        Registration.id.in_(ids), Registration.summit_id == summit.id).order_by(Registration.name)).all()
    changing = [r for r in regs if r.status in ALLOWED_FROM[action]]
    return changing, len(set(ids)) - len(changing)


def organizer_update(reg: Registration, clean: dict) -> Registration:
    values = {k: v for k, v in clean.items() if k in ORGANIZER_EDITABLE or k == "id_type"}
    old_category = reg.category_id
    if values.get("category_id", old_category) == old_category:
        return save_changes(reg, values, "edited")
    reg_id, summit_id = reg.id, reg.summit_id
    try:
        with transaction(lock=True):
            for cat_id in sorted({old_category, values["category_id"]}):
                lock_category(cat_id, summit_id)
            reg = db.session.get(Registration, reg_id)
            before, after = audit.changes(reg, list(values), values)
            dupes = duplicate_fields(summit_id, {k: values.get(k, getattr(reg, k)) for k in IDENTITY},
                                     exclude_id=reg.id)
            if dupes:
                raise DuplicateRegistration(dupes)
            for key, value in after.items():
                setattr(reg, key, value)
            audit.record(reg, "edited", before=audit.jsonable(before), after=audit.jsonable(after))
            db.session.flush()
            promote_waitlist(db.session.get(Category, old_category))
    except IntegrityError as exc:
        raise duplicate_from(exc) from exc
    return reg


def reveal_id_number(reg: Registration) -> str:
    with transaction():
        audit.record(reg, "id_number_revealed", note=reg.id_type)
    return reg.id_number


def history(reg: Registration) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "registrations",
                                                       AuditEvent.subject_id == reg.id)
                              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
