"""Registration operations. Each public function is one transaction and commits it.

Deciding operations (a seat in a category with a capacity, the waitlist) run under
database.begin_write() and lock the category row with for_update(), so two submissions
never both take the last seat. The unique constraints on (summit, phone), (summit, email)
and (summit, id_type, id_number) make the second of two identical submissions fail cleanly.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from flask import current_app, g
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError

from summit import babel_locale
from summit.core import audit, mail, signals
from summit.core.errors import DomainError
from summit.core.features import ExportColumn, features
from summit.core.database import begin_write, for_update, is_postgres
from summit.core.models import AuditEvent, OutboundMail, Summit, utcnow
from summit.extensions import db
from summit.registration import tabular
from summit.registration.choices import PROGRAMME_NAMES
from summit.registration.models import Category, ExtraQuestion, FieldTag, Registration
from summit.registration.validation import clean_person

SEAT_STATUSES = ("pending", "approved")
ATTENDEE_EDITABLE = ("gender", "organisation", "title", "phone", "email", "degree", "overseas", "fields",
                     "programme_parts", "dietary", "answers")
ORGANIZER_EDITABLE = ATTENDEE_EDITABLE + ("name", "category_id", "id_number", "birth_year", "language")
PERSONAL = ("name", "phone", "email", "id_type", "id_number", "title", "dietary", "answers")

ERROR_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "invalid_name": _l("Please enter a name."),
    "invalid_choice": _l("Please choose one of the options."),
    "invalid_phone": _l("Enter a mainland mobile number (11 digits) or an international number starting with +."),
    "invalid_email": _l("This is not a valid email address."),
    "invalid_resident_id": _l("This resident identity card number is not valid (check the last digit)."),
    "invalid_passport": _l("A passport number has 5 to 20 letters and digits."),
    "invalid_birth_year": _l("Enter the year of birth as four digits."),
    "birth_year_mismatch": _l("The year of birth does not match the identity card number."),
    "invalid_number": _l("Enter a number."),
    "invalid_date": _l("Enter a date (YYYY-MM-DD)."),
    "consent_required": _l("Please agree to the privacy policy to register."),
}


class RegistrationError(DomainError):
    """Bad input or a refused operation in registration (a translated message and its field)."""


class DuplicateRegistration(RegistrationError):
    status = 409

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(_("You have already registered for this summit with this phone number, email "
                           "or identity number. We can send your private link again."), fields[0] if fields else None)


def error_text(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


# ---------------------------------------------------------------- lookups

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits
    return token, hash_token(token)


def manage_url(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{token}"


# The statements every submission runs are built once, with the summit (or category) as a
# parameter: a statement object that is reused keeps its cache key, so SQLAlchemy neither
# builds nor hashes it again (about 0.15 ms a query).
_CATEGORIES = select(Category).where(Category.summit_id == bindparam("summit_id")).order_by(
    Category.position, Category.id)
_FIELD_TAGS = select(FieldTag).where(FieldTag.summit_id == bindparam("summit_id")).order_by(
    FieldTag.position, FieldTag.id)
_ALL_QUESTIONS = select(ExtraQuestion).where(ExtraQuestion.summit_id == bindparam("summit_id")).order_by(
    ExtraQuestion.position, ExtraQuestion.id)
_ACTIVE_QUESTIONS = _ALL_QUESTIONS.where(ExtraQuestion.active.is_(True))


def categories(summit: Summit) -> list[Category]:
    return db.session.scalars(_CATEGORIES, {"summit_id": summit.id}).all()


def field_tags(summit: Summit) -> list[FieldTag]:
    return db.session.scalars(_FIELD_TAGS, {"summit_id": summit.id}).all()


def questions(summit: Summit, active_only: bool = True) -> list[ExtraQuestion]:
    return db.session.scalars(_ACTIVE_QUESTIONS if active_only else _ALL_QUESTIONS, {"summit_id": summit.id}).all()


def question_specs(qs: Iterable[ExtraQuestion]) -> list[dict]:
    return [{"id": q.id, "kind": q.kind, "required": q.required,
             "choices": [c["value"] for c in q.choices or []]} for q in qs]


@dataclass
class Lookups:
    categories: dict[str, int]
    field_tags: dict[str, str]
    programme_parts: Mapping[str, str]
    questions: list[dict]
    # The Category rows themselves: held here, the session's identity map keeps them, and
    # submit() finds its category without another query.
    category_rows: list = dataclasses.field(default_factory=list)


def lookups(summit: Summit, with_questions: bool = True, qs: list[ExtraQuestion] | None = None) -> Lookups:
    cats: dict[str, int] = {}
    rows = categories(summit)
    for c in rows:
        for spelling in (str(c.id), c.code, c.name_zh, c.name_en):
            cats[spelling] = c.id
            cats[spelling.lower()] = c.id
    tags: dict[str, str] = {}
    for t in field_tags(summit):
        for spelling in (t.code, t.name_zh, t.name_en):
            tags[spelling] = t.code
            tags[spelling.lower()] = t.code
    if qs is None:
        qs = questions(summit) if with_questions else []
    return Lookups(cats, tags, _PROGRAMME_SPELLINGS, question_specs(qs), rows)


def _programme_spellings() -> MappingProxyType:
    parts = {}
    for code, names in PROGRAMME_NAMES.items():
        for spelling in (code, *names):
            parts[spelling] = code
            parts[spelling.lower()] = code
    return MappingProxyType(parts)


# Fixed names, so built once (read-only: every request shares it).
_PROGRAMME_SPELLINGS = _programme_spellings()


def validate(summit: Summit, raw: dict, **kwargs) -> tuple[dict, dict[str, str]]:
    """clean_person with this summit's lookups; errors translated."""
    look = kwargs.pop("look", None) or lookups(summit)
    clean, errors = clean_person(raw, categories=look.categories, field_tags=look.field_tags,
                                 programme_parts=look.programme_parts, questions=look.questions,
                                 year=summit.year, **kwargs)
    return clean, {k: error_text(v) for k, v in errors.items()}


def registration_open(summit: Summit, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    if summit.shredded_at:
        return False
    if summit.registration_opens_at and now < summit.registration_opens_at:
        return False
    if summit.registration_closes_at and now > summit.registration_closes_at:
        return False
    return True


def editable_by_attendee(reg: Registration, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    deadline = reg.summit.edit_deadline
    return reg.status not in ("cancelled", "rejected") and (deadline is None or now <= deadline)


def find_by_token(token: str) -> Registration | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token_hash == hash_token(token)))


def duplicate_fields(summit_id: int, clean: dict, exclude_id: int | None = None) -> list[str]:
    """Which of phone, email and identity number another registration of the summit has (one query)."""
    conditions = []
    if clean.get("phone"):
        conditions.append(Registration.phone == clean["phone"])
    if clean.get("email"):
        conditions.append(Registration.email == clean["email"])
    if clean.get("id_number"):
        conditions.append(and_(Registration.id_type == clean["id_type"], Registration.id_number == clean["id_number"]))
    if not conditions:
        return []
    stmt = select(Registration.phone, Registration.email, Registration.id_type, Registration.id_number).where(
        Registration.summit_id == summit_id, or_(*conditions))
    if exclude_id:
        stmt = stmt.where(Registration.id != exclude_id)
    found = []
    for phone, email, id_type, id_number in db.session.execute(stmt.limit(3)):
        if clean.get("phone") and phone == clean["phone"] and "phone" not in found:
            found.append("phone")
        if clean.get("email") and email == clean["email"] and "email" not in found:
            found.append("email")
        if clean.get("id_number") and (id_type, id_number) == (clean["id_type"], clean["id_number"]) \
                and "id_number" not in found:
            found.append("id_number")
    return found


_SEATS_TAKEN = select(func.count()).select_from(Registration).where(
    Registration.category_id == bindparam("category_id"), Registration.status.in_(SEAT_STATUSES))
# populate_existing: the row as it is now, under the lock, even if the session had it.
_CATEGORY_ROW = select(Category).where(Category.id == bindparam("category_id"),
                                       Category.summit_id == bindparam("summit_id")) \
    .execution_options(populate_existing=True)
_CATEGORY_ROW_LOCKED = _CATEGORY_ROW.with_for_update()


def seats_taken(category: Category) -> int:
    return db.session.scalar(_SEATS_TAKEN, {"category_id": category.id})


def _lock_category(category_id: int, summit_id: int) -> Category | None:
    # What for_update() does, on statements built once: the row lock on PostgreSQL; on SQLite
    # begin_write() already holds the write lock.
    stmt = _CATEGORY_ROW_LOCKED if is_postgres() else _CATEGORY_ROW
    return db.session.scalar(stmt, {"category_id": category_id, "summit_id": summit_id})


def _initial_status(category: Category) -> str:
    if category.capacity is not None and seats_taken(category) >= category.capacity:
        return "waitlisted"
    return "pending" if category.needs_approval else "approved"


def _snapshot(reg: Registration, fields: Iterable[str]) -> dict:
    return {f: getattr(reg, f) for f in fields}


# ---------------------------------------------------------------- mail

MAIL_KINDS = {
    # kind: (subject, headline); %(summit)s is the edition's name
    "received": (_l("%(summit)s: registration received"),
                 _l("We have received your registration. The organizers will review it and tell you by email.")),
    "confirmed": (_l("%(summit)s: registration confirmed"),
                  _l("Your registration is confirmed. We look forward to welcoming you.")),
    "waitlisted": (_l("%(summit)s: you are on the waitlist"),
                   _l("Your category is full for now, so you are on the waitlist. We will email you as soon as a place is free.")),
    "promoted": (_l("%(summit)s: a place is free for you"),
                 _l("A place has become free and you have moved up from the waitlist.")),
    "approved": (_l("%(summit)s: registration approved"),
                 _l("The organizers have approved your registration. We look forward to welcoming you.")),
    "rejected": (_l("%(summit)s: about your registration"),
                 _l("We are sorry: the organizers could not accept your registration.")),
    "cancelled": (_l("%(summit)s: registration cancelled"),
                  _l("Your registration has been cancelled. If this was a mistake, please register again or contact the organizers.")),
    "link": (_l("%(summit)s: your private registration link"),
             _l("Here is your private link to see, change or cancel your registration. Earlier links no longer work.")),
}
# Mails that carry the badge parts (QR code, badge PDF) once a feature offers them.
CONFIRMATION_KINDS = ("confirmed", "approved", "promoted", "received", "waitlisted")


def queue_status_mail(reg: Registration, kind: str, token: str | None = None) -> OutboundMail:
    """The mail for `kind` in the registrant's language. With a token, the private link."""
    subject_msg, headline_msg = MAIL_KINDS[kind]
    link = manage_url(token) if token else current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/register/link"
    extra_text, extra_html, attachments = [], [], []
    if kind in CONFIRMATION_KINDS and reg.status == "approved":
        for _receiver, result in signals.confirmation_mail_parts.send(reg):
            if not result:
                continue
            if result.get("text"):
                extra_text.append(result["text"])
            if result.get("html"):
                extra_html.append(Markup(result["html"]))  # receivers escape what they insert
            attachments.extend(result.get("attachments") or [])
    with force_locale(babel_locale(reg.language or "zh_CN")):
        summit_name = reg.summit.name(reg.language)
        subject = str(subject_msg) % {"summit": summit_name}
        context = dict(reg=reg, kind=kind, headline=str(headline_msg), link=link, has_token=bool(token),
                       summit_name=summit_name, extra_text=extra_text, extra_html=extra_html,
                       is_en=str(reg.language).startswith("en"))
        # The context processors once for both bodies (render_template() would run them twice).
        current_app.update_template_context(context)
        templates = current_app.jinja_env
        text = templates.get_template("registration/mail/status.txt").render(context)
        html = templates.get_template("registration/mail/status.html").render(context)
    queued = mail.queue(reg.email, subject, text, html, attachments=attachments, language=reg.language)
    _note_mail_queued()
    return queued


def _note_mail_queued() -> None:
    from flask import has_app_context

    if has_app_context():
        g.mail_queued = True


def _status_signal(reg: Registration, status: str, **extra) -> None:
    if status == "approved":
        signals.registration_approved.send(reg, **extra)


# ---------------------------------------------------------------- attendee

def submit(summit: Summit, clean: dict, *, source: str = "online", status: str | None = None,
           send_mail: bool = True, actor_label: str | None = None) -> tuple[Registration, str]:
    """A new registration from clean data (validate() first). Returns it and its private token."""
    summit_id = summit.id
    begin_write()
    try:
        # Usually already in the session (validation loaded the categories): no query.
        category = db.session.get(Category, clean["category_id"])
        if category is None or category.summit_id != summit_id:
            raise RegistrationError(_("Please choose one of the options."), "category_id")
        if category.capacity is not None:
            category = _lock_category(category.id, summit_id)
        # No look for duplicates first: the unique constraints refuse the second row at the
        # INSERT below, which also covers two submissions at the same moment.
        token, token_hash = new_token()
        now = utcnow()
        decided = status or _initial_status(category)
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
        _status_signal(reg, decided, new=True)
        if send_mail:
            kind = {"approved": "confirmed", "pending": "received", "waitlisted": "waitlisted"}[decided]
            queue_status_mail(reg, kind, token)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateRegistration(_integrity_fields(exc)) from exc
    except Exception:
        db.session.rollback()
        raise
    return reg, token


def _integrity_fields(exc: IntegrityError) -> list[str]:
    text = str(exc.orig).lower()
    found = [f for f, marker in (("phone", "phone"), ("email", "email"), ("id_number", "id_number"))
             if marker in text]
    return found or ["phone"]


def update_by_attendee(reg: Registration, clean: dict) -> Registration:
    if not editable_by_attendee(reg):
        raise RegistrationError(_("This registration can no longer be changed."), status=409)
    return _update(reg, {k: v for k, v in clean.items() if k in ATTENDEE_EDITABLE}, "edited_by_attendee",
                   actor_label="attendee link")


def _update(reg: Registration, values: dict, action: str, actor_label: str | None = None) -> Registration:
    before, after = audit.changes(reg, list(values), values)
    if not after:
        return reg
    dupes = duplicate_fields(reg.summit_id, {k: values.get(k, getattr(reg, k)) for k in
                                             ("phone", "email", "id_type", "id_number")}, exclude_id=reg.id)
    if dupes:
        raise DuplicateRegistration(dupes)
    for key, value in after.items():
        setattr(reg, key, value)
    audit.record(reg, action, before=audit.jsonable(before), after=audit.jsonable(after), actor_label=actor_label)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateRegistration(_integrity_fields(exc)) from exc
    return reg


def cancel(reg: Registration, *, by_attendee: bool, reason: str = "") -> Registration:
    reg_id, category_id, summit_id = reg.id, reg.category_id, reg.summit_id
    begin_write()
    try:
        _lock_category(category_id, summit_id)
        reg = db.session.scalar(for_update(select(Registration).where(Registration.id == reg_id)))
        if reg.status == "cancelled":
            db.session.rollback()
            return reg
        old = reg.status
        reg.status = "cancelled"
        reg.status_reason = reason
        audit.record(reg, "cancelled", {"status": old}, {"status": "cancelled"}, note=reason,
                     actor_label="attendee link" if by_attendee else None)
        _status_signal(reg, "cancelled")
        queue_status_mail(reg, "cancelled")
        if old in SEAT_STATUSES:
            promote_waitlist(reg.category)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return reg


def promote_waitlist(category: Category) -> list[Registration]:
    """Inside a deciding transaction that holds the category's lock: fill free seats from the waitlist."""
    promoted = []
    while True:
        if category.capacity is not None and seats_taken(category) >= category.capacity:
            break
        nxt = db.session.scalar(for_update(
            select(Registration).where(Registration.category_id == category.id, Registration.status == "waitlisted")
            .order_by(Registration.waitlisted_at, Registration.id).limit(1)))
        if nxt is None:
            break
        nxt.status = "pending" if category.needs_approval else "approved"
        audit.record(nxt, "promoted", {"status": "waitlisted"}, {"status": nxt.status}, actor_label="system")
        _status_signal(nxt, nxt.status)
        db.session.flush()
        queue_status_mail(nxt, "promoted")
        promoted.append(nxt)
    return promoted


def resend_link(summit: Summit, contact: str) -> bool:
    """A new private link to the registered address of whoever has this email or phone.

    The answer to the visitor is the same either way, so it reveals nobody."""
    from summit.registration.identity import normalise_phone

    contact = (contact or "").strip()
    if not contact or len(contact) > 320:
        return False
    phone = normalise_phone(contact)
    condition = Registration.email == contact.lower()
    if phone:
        condition = or_(condition, Registration.phone == phone)
    reg = db.session.scalar(select(Registration).where(Registration.summit_id == summit.id, condition).limit(1))
    if reg is None:
        return False
    reissue_link(reg, actor_label="attendee request")
    return True


def reissue_link(reg: Registration, actor_label: str | None = None) -> str:
    """A new private link: the old one stops working at once."""
    token, token_hash = new_token()
    reg.manage_token_hash = token_hash
    reg.link_issued_at = utcnow()
    audit.record(reg, "link_reissued", actor_label=actor_label)
    queue_status_mail(reg, "link", token)
    db.session.commit()
    return token


# ---------------------------------------------------------------- organizer

def decide(summit: Summit, ids: list[int], action: str, reason: str = "", user_id: int | None = None) -> dict:
    """Approve or reject registrations (one or many). Returns {"done": n, "skipped": n}."""
    if action not in ("approve", "reject"):
        raise RegistrationError(_("Unknown action."), status=400)
    target = "approved" if action == "approve" else "rejected"
    allowed = {"approve": ("pending", "waitlisted", "rejected"), "reject": ("pending", "waitlisted", "approved")}[action]
    ids = sorted({int(i) for i in ids})
    summit_id = summit.id
    begin_write()
    try:
        cat_ids = db.session.scalars(select(Registration.category_id).where(
            Registration.id.in_(ids), Registration.summit_id == summit_id).distinct()).all()
        # Categories first, in id order, as submit() does: no deadlock between the two.
        cats = [_lock_category(c, summit_id) for c in sorted(cat_ids)]
        regs = db.session.scalars(for_update(select(Registration).where(
            Registration.id.in_(ids), Registration.summit_id == summit_id).order_by(Registration.id))).all()
        done = skipped = 0
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
            audit.record(reg, action + "d" if action == "approve" else "rejected", {"status": old},
                         {"status": target}, note=reason)
            _status_signal(reg, target)
            db.session.flush()
            queue_status_mail(reg, "approved" if target == "approved" else "rejected")
            done += 1
        for cat in cats:
            promote_waitlist(cat)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"done": done, "skipped": skipped + len(ids) - len(regs)}


def organizer_update(reg: Registration, clean: dict) -> Registration:
    values = {k: v for k, v in clean.items() if k in ORGANIZER_EDITABLE or k == "id_type"}
    old_category = reg.category_id
    if values.get("category_id", old_category) != old_category:
        reg_id, summit_id = reg.id, reg.summit_id
        begin_write()
        for cat_id in sorted({old_category, values["category_id"]}):
            _lock_category(cat_id, summit_id)
        reg = db.session.get(Registration, reg_id)
        before, after = audit.changes(reg, list(values), values)
        dupes = duplicate_fields(summit_id, {k: values.get(k, getattr(reg, k)) for k in
                                             ("phone", "email", "id_type", "id_number")}, exclude_id=reg.id)
        if dupes:
            db.session.rollback()
            raise DuplicateRegistration(dupes)
        for key, value in after.items():
            setattr(reg, key, value)
        audit.record(reg, "edited", before=audit.jsonable(before), after=audit.jsonable(after))
        db.session.flush()
        promote_waitlist(db.session.get(Category, old_category))
        try:
            db.session.commit()
        except IntegrityError as exc:
            db.session.rollback()
            raise DuplicateRegistration(_integrity_fields(exc)) from exc
        return reg
    return _update(reg, values, "edited")


def reveal_id_number(reg: Registration) -> str:
    audit.record(reg, "id_number_revealed", note=reg.id_type)
    db.session.commit()
    return reg.id_number


def history(reg: Registration) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "registrations",
                                                       AuditEvent.subject_id == reg.id)
                              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()


def update_category(category: Category, values: dict) -> Category:
    """Name, approval, capacity, colour. More seats fill from the waitlist at once."""
    cat_id, summit_id = category.id, category.summit_id
    begin_write()
    try:
        category = _lock_category(cat_id, summit_id)
        before, after = audit.changes(category, list(values), values)
        for key, value in after.items():
            setattr(category, key, value)
        if after:
            audit.record(category, "edited", before, after)
        db.session.flush()
        promote_waitlist(category)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return category


# ---------------------------------------------------------------- the list

SORTS = {
    "created": Registration.created_at,
    "name": Registration.name,
    "organisation": Registration.organisation,
    "category": Registration.category_id,
    "status": Registration.status,
}
PAGE_SIZE = 50


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_query(summit: Summit, *, q: str = "", category_id: int | None = None, status: str = "",
               checked_in: str = "", sort: str = "created", direction: str = "desc"):
    stmt = select(Registration).where(Registration.summit_id == summit.id)
    q = (q or "").strip()[:100]
    if q:
        from summit.registration.identity import normalise_phone

        pattern = _like(q.lower())
        conditions = [func.lower(Registration.name).like(pattern, escape="\\"),
                      func.lower(Registration.organisation).like(pattern, escape="\\"),
                      func.lower(Registration.email).like(pattern, escape="\\"),
                      Registration.phone.like(_like(q.replace(" ", "")), escape="\\")]
        phone = normalise_phone(q)
        if phone:
            conditions.append(Registration.phone == phone)
        if q.isdigit() and len(q) < 10:
            conditions.append(Registration.id == int(q))
        stmt = stmt.where(or_(*conditions))
    if category_id:
        stmt = stmt.where(Registration.category_id == category_id)
    if status:
        stmt = stmt.where(Registration.status == status)
    checked_in_source = features().checked_in_source
    if checked_in in ("yes", "no") and checked_in_source is not None:
        ids = checked_in_source(summit)
        stmt = stmt.where(Registration.id.in_(ids) if checked_in == "yes" else Registration.id.not_in(ids))
    column = SORTS.get(sort, Registration.created_at)
    order = column.asc() if direction == "asc" else column.desc()
    return stmt.order_by(order, Registration.id.desc() if direction != "asc" else Registration.id.asc())


def page(stmt, number: int, size: int = PAGE_SIZE) -> tuple[list[Registration], int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, number)
    rows = db.session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return rows, total


# ---------------------------------------------------------------- export

def _category_name(reg: Registration) -> str:
    return reg.category.name_zh


def _fields_text(reg: Registration) -> str:
    names = g.get("_export_tag_names") or {}
    return "、".join(names.get(c, c) for c in reg.fields or [])


# This feature's own columns; registration.init_feature offers them first, other features add
# theirs after (the badges feature: the badge code).
EXPORT_COLUMNS: list[ExportColumn] = [
    ExportColumn("id", _l("ID"), lambda r: r.id),
    ExportColumn("name", _l("Name"), lambda r: r.name, personal=True),
    ExportColumn("gender", _l("Gender"), lambda r: r.gender),
    ExportColumn("category", _l("Category"), _category_name),
    ExportColumn("organisation", _l("Organisation"), lambda r: r.organisation),
    ExportColumn("title", _l("Title or position"), lambda r: r.title),
    ExportColumn("phone", _l("Mobile phone"), lambda r: r.phone, personal=True),
    ExportColumn("email", _l("Email"), lambda r: r.email, personal=True),
    ExportColumn("id_type", _l("ID type"), lambda r: r.id_type, default=False),
    ExportColumn("id_number", _l("ID number"), lambda r: r.id_number, personal=True, default=False),
    ExportColumn("birth_year", _l("Birth year"), lambda r: r.birth_year),
    ExportColumn("degree", _l("Highest degree"), lambda r: r.degree),
    ExportColumn("overseas", _l("Overseas experience"), lambda r: r.overseas),
    ExportColumn("fields", _l("Research or industry fields"), _fields_text),
    ExportColumn("programme_parts", _l("Programme parts"), lambda r: list(r.programme_parts or [])),
    ExportColumn("dietary", _l("Dietary needs"), lambda r: r.dietary),
    ExportColumn("language", _l("Language"), lambda r: r.language, default=False),
    ExportColumn("status", _l("Status"), lambda r: r.status),
    ExportColumn("status_reason", _l("Reason"), lambda r: r.status_reason, default=False),
    ExportColumn("source", _l("Source"), lambda r: r.source, default=False),
    ExportColumn("created_at", _l("Registered at (UTC)"), lambda r: r.created_at.replace(microsecond=0)),
]


def export_columns() -> list[ExportColumn]:
    """Every column the export offers: this feature's, then other features'."""
    return list(features().export_columns.values())


def export(summit: Summit, keys: list[str] | None = None, fmt: str = "xlsx", stmt=None,
           actor_label: str | None = None) -> tuple[bytes, int]:
    """The file's bytes and its row count. Logged in the audit trail (personal data leaves)."""
    columns = [c for c in export_columns() if (keys is None and c.default) or (keys and c.key in keys)]
    if not any(c.key == "id" for c in columns):
        columns.insert(0, next(c for c in export_columns() if c.key == "id"))
    g._export_tag_names = {t.code: t.name_zh for t in field_tags(summit)}
    stmt = stmt if stmt is not None else select(Registration).where(Registration.summit_id == summit.id).order_by(Registration.id)
    regs = db.session.scalars(stmt).all()
    with force_locale("zh_CN"):
        headers = [f"{c.label}" for c in columns]
    rows = [list(row) for row in zip(*(c.cells(regs) for c in columns))] if regs else []
    data = tabular.write_csv(headers, rows) if fmt == "csv" else tabular.write_xlsx(headers, rows)
    audit.record(summit, "registrations_exported", after={"format": fmt, "columns": [c.key for c in columns],
                                                          "rows": len(rows)}, actor_label=actor_label)
    db.session.commit()
    return data, len(rows)


# ---------------------------------------------------------------- import

@dataclass
class ImportReport:
    rows: list[tuple[int, dict]]
    errors: list[tuple[int, str, str]]  # (row number, column, message)
    unknown_headers: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


IMPORT_STATUSES = {"": "approved", "approved": "approved", "已通过": "approved", "通过": "approved",
                   "pending": "pending", "待审核": "pending"}


def check_import(summit: Summit, filename: str, data: bytes) -> ImportReport:
    """Every row checked, nothing written: bad rows with their reasons."""
    try:
        unknown, rows = tabular.read_rows(filename, data)
    except tabular.TableError as exc:
        reason = {"encoding": _("The file is neither UTF-8 nor GBK text."),
                  "xlsx": _("The file is not a readable .xlsx workbook."),
                  "type": _("Upload an .xlsx or .csv file."),
                  "empty": _("The file is empty."),
                  "header": _("The first row must hold the column names of the template (at least “姓名 Name”).")}[str(exc)]
        return ImportReport([], [(0, "", reason)], [])
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
    begin_write()
    try:
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
            audit.record(reg, "imported", after={"status": reg.status, "file": filename[:100]}, actor_label=actor_label)
            _status_signal(reg, reg.status, new=True)
            if send_mail:
                queue_status_mail(reg, "confirmed" if reg.status == "approved" else "received", token)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return ImportReport([], [(0, "", _("Another registration with the same phone, email or identity "
                                           "number arrived while importing. Nothing was imported; please try again."))], [])
    except Exception:
        db.session.rollback()
        raise
    return report


# ---------------------------------------------------------------- retention

class ShredError(RegistrationError):
    pass


def shred(summit: Summit, today: dt.date | None = None) -> int:
    """Anonymise one past edition: names, contacts, identity numbers, answers and the
    audit trail's copies of them go; category, organisation, status, age, degree,
    fields and overseas experience stay for the statistics. Returns the rows changed."""
    today = today or dt.date.today()
    if summit.is_current or summit.ends_on >= today:
        raise ShredError(_("Only a past edition can be shredded."), status=409)
    regs = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id)).all()
    emails = [r.email for r in regs if r.email]
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
    ids = [r.id for r in regs]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(db.update(AuditEvent).where(AuditEvent.subject_type == "registrations",
                                                       AuditEvent.subject_id.in_(chunk))
                           .values(before=None, after=None, note=""))
    for start in range(0, len(emails), 500):
        db.session.execute(db.delete(OutboundMail).where(OutboundMail.to_addr.in_(emails[start:start + 500])))
    summit.shredded_at = utcnow()
    audit.record(summit, "shredded", after={"registrations": len(regs)})
    db.session.commit()
    return len(regs)
