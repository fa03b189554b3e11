"""What a registration form is checked against: this summit's categories, field tags and
questions (with every spelling an import may use), whether registration is open, and who
already registered with the same phone, email or identity number."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from sqlalchemy import and_, bindparam, or_, select

from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration.choices import PROGRAMME_NAMES
from summit.registration.errors import error_text
from summit.registration.models import Category, ExtraQuestion, FieldTag, Registration
from summit.registration.validation import clean_person

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
