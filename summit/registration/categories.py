"""What the registration form offers, edited by organizers: categories (approval, capacity,
badge colour), research field tags and their own extra questions. Each change is one
transaction with its audit entry; more seats in a category fill from the waitlist at once."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import Summit
from summit.extensions import db
from summit.registration.choices import QUESTION_KINDS
from summit.registration.errors import RegistrationError
from summit.registration.models import Category, ExtraQuestion, FieldTag
from summit.registration.seats import lock_category, promote_waitlist

CATEGORY_FIELDS = ("name_zh", "name_en", "needs_approval", "capacity", "color")
QUESTION_FIELDS = ("label_zh", "label_en", "required", "choices")
MAX_CAPACITY = 100000


def _check_code(model, summit: Summit, code: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code or ""):
        raise RegistrationError(_("A code has lower-case letters, digits and _ only."), "code")
    if db.session.scalar(select(model.id).where(model.summit_id == summit.id, model.code == code)):
        raise RegistrationError(_("This code is taken."), "code")


def _next_position(model, summit: Summit) -> int:
    return (db.session.scalar(select(func.max(model.position)).where(model.summit_id == summit.id)) or 0) + 1


def _check_capacity(values: dict) -> None:
    capacity = values.get("capacity")
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise RegistrationError(_("Capacity must be a whole number, or empty for no limit."), "capacity")


def _added(summit: Summit, model, code: str, **values):
    """A new category or field tag with a code of its own (a code taken at the same moment is
    refused by the unique constraint on (summit, code))."""
    _check_code(model, summit, code)
    try:
        with transaction():
            row = model(summit_id=summit.id, code=code, position=_next_position(model, summit), **values)
            db.session.add(row)
            db.session.flush()
            audit.record(row, "created", after=audit.jsonable({"code": code, **values}))
    except IntegrityError as exc:
        raise RegistrationError(_("This code is taken."), "code") from exc
    return row


def add_category(summit: Summit, code: str, values: dict) -> Category:
    _check_capacity(values)
    return _added(summit, Category, code, **{k: v for k, v in values.items() if k in CATEGORY_FIELDS})


def update_category(category: Category, values: dict) -> Category:
    """Name, approval, capacity, colour. More seats fill from the waitlist at once."""
    _check_capacity(values)
    cat_id, summit_id = category.id, category.summit_id
    with transaction(lock=True):
        category = lock_category(cat_id, summit_id)
        fields = [k for k in values if k in CATEGORY_FIELDS]
        before, after = audit.changes(category, fields, values)
        for key, value in after.items():
            setattr(category, key, value)
        if after:
            audit.record(category, "edited", before, after)
        db.session.flush()
        promote_waitlist(category)
    return category


def add_field_tag(summit: Summit, code: str, name_zh: str, name_en: str) -> FieldTag:
    return _added(summit, FieldTag, code, name_zh=name_zh, name_en=name_en)


def rename_field_tag(tag: FieldTag, name_zh: str, name_en: str) -> FieldTag:
    with transaction():
        before, after = audit.changes(tag, ("name_zh", "name_en"), {"name_zh": name_zh, "name_en": name_en})
        for key, value in after.items():
            setattr(tag, key, value)
        if after:
            audit.record(tag, "edited", before, after)
    return tag


def delete_field_tag(tag: FieldTag) -> None:
    """The tag goes from the form; registrations keep the code they chose."""
    with transaction():
        audit.record(tag, "deleted", before={"code": tag.code, "name_zh": tag.name_zh, "name_en": tag.name_en})
        db.session.delete(tag)


def _check_question(kind: str, values: dict) -> None:
    if kind in ("single", "multiple") and len(values.get("choices") or []) < 2:
        raise RegistrationError(_("A choice question needs at least two choices, one per line."), "choices")


def add_question(summit: Summit, kind: str, values: dict) -> ExtraQuestion:
    if kind not in QUESTION_KINDS:
        raise RegistrationError(_("Please choose one of the options."), "kind")
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    if kind not in ("single", "multiple"):
        values.pop("choices", None)
    _check_question(kind, values)
    with transaction():
        question = ExtraQuestion(summit_id=summit.id, kind=kind, position=_next_position(ExtraQuestion, summit),
                                 **values)
        db.session.add(question)
        db.session.flush()
        audit.record(question, "created", after={"kind": kind, **values})
    return question


def update_question(question: ExtraQuestion, values: dict) -> ExtraQuestion:
    """Label, required, choices (of a choice question); the kind stays, answers depend on it."""
    values = {k: v for k, v in values.items() if k in QUESTION_FIELDS}
    if question.kind not in ("single", "multiple"):
        values.pop("choices", None)
    _check_question(question.kind, values)
    with transaction():
        before, after = audit.changes(question, list(values), values)
        for key, value in after.items():
            setattr(question, key, value)
        if after:
            audit.record(question, "edited", before, after)
    return question


def set_question_active(question: ExtraQuestion, active: bool) -> ExtraQuestion:
    """A retired question keeps its answers but is no longer asked; it can be asked again."""
    with transaction():
        if question.active != active:
            question.active = active
            audit.record(question, "reinstated" if active else "retired",
                         {"active": not active}, {"active": active})
    return question
