"""The registrations export (.xlsx or .csv): this feature's columns and those other features
add through the registry (the badges feature: the badge code). Logged, as personal data leaves."""
from __future__ import annotations

from flask import g
from flask_babel import force_locale, gettext as _, lazy_gettext as _l, pgettext
from sqlalchemy import select

from summit.core import audit
from summit.core.database import transaction
from summit.core.features import ExportColumn, features
from summit.core.models import Summit
from summit.extensions import db
from summit.registration import tabular
from summit.registration.choices import (DEGREE_LABELS, GENDER_LABELS, ID_TYPE_LABELS, LANGUAGE_LABELS,
                                         PROGRAMME_LABELS, SOURCE_LABELS, STATUS_LABELS)
from summit.registration.lookups import field_tags
from summit.registration.models import Registration

# Cells are words in the export's language (the organizer's), never codes: the same label maps
# as the pages (choices.py), rendered under force_locale by export().


def _locale() -> str:
    return g.get("_export_locale") or "zh_CN"


def _joined(words) -> str:
    return (", " if _locale().startswith("en") else "、").join(str(w) for w in words)


def _word(labels: dict):
    def cell(value):
        return str(labels.get(value, value)) if value else ""
    return cell


def _category_name(reg: Registration) -> str:
    return reg.category.name(_locale())


def _fields_text(reg: Registration) -> str:
    names = g.get("_export_tag_names") or {}
    return _joined(names.get(c, c) for c in reg.fields or [])


def _programme_text(reg: Registration) -> str:
    return _joined(PROGRAMME_LABELS.get(p, p) for p in reg.programme_parts or [])


# This feature's own columns; registration.init_feature offers them first, other features add
# theirs after (the badges feature: the badge code).
EXPORT_COLUMNS: list[ExportColumn] = [
    ExportColumn("id", _l("ID"), lambda r: r.id),
    ExportColumn("name", _l("Name"), lambda r: r.name, personal=True),
    ExportColumn("gender", _l("Gender"), lambda r: _word(GENDER_LABELS)(r.gender)),
    ExportColumn("category", _l("Category"), _category_name),
    ExportColumn("organisation", _l("Organisation"), lambda r: r.organisation),
    ExportColumn("title", _l("Title or position"), lambda r: r.title),
    ExportColumn("phone", _l("Mobile phone"), lambda r: r.phone, personal=True),
    ExportColumn("email", _l("Email"), lambda r: r.email, personal=True),
    ExportColumn("id_type", _l("ID type"), lambda r: _word(ID_TYPE_LABELS)(r.id_type), default=False),
    ExportColumn("id_number", _l("ID number"), lambda r: r.id_number, personal=True, default=False),
    ExportColumn("birth_year", _l("Birth year"), lambda r: r.birth_year),
    ExportColumn("degree", _l("Highest degree"), lambda r: _word(DEGREE_LABELS)(r.degree)),
    ExportColumn("overseas", _l("Overseas experience"), lambda r: _("Yes") if r.overseas else _("No")),
    ExportColumn("fields", _l("Research or industry fields"), _fields_text),
    ExportColumn("programme_parts", _l("Programme parts"), _programme_text),
    ExportColumn("dietary", _l("Dietary needs"), lambda r: r.dietary),
    ExportColumn("language", _l("Language"), lambda r: _word(LANGUAGE_LABELS)(r.language), default=False),
    ExportColumn("status", _l("Status"), lambda r: _word(STATUS_LABELS)(r.status)),
    ExportColumn("status_reason", _l("Reason"), lambda r: r.status_reason, default=False),
    ExportColumn("source", _l("Source"), lambda r: _word(SOURCE_LABELS)(r.source), default=False),
    ExportColumn("created_at", _l("Registered at (UTC)"), lambda r: r.created_at.replace(microsecond=0)),
]


# The orders an export is written in: as registered, 姓氏笔画 (official lists), pinyin.
ORDERS = ("created", "stroke", "pinyin")


def sort_orders() -> list[tuple[str, str]]:
    return [("created", str(_l("As registered"))), ("stroke", str(_l("By surname strokes"))),
            ("pinyin", str(_l("By pinyin")))]


def export_columns() -> list[ExportColumn]:
    """Every column the export offers: this feature's, then other features'."""
    return list(features().export_columns.values())


def export(summit: Summit, keys: list[str] | None = None, fmt: str = "xlsx", stmt=None,
           actor_label: str | None = None, locale: str = "zh_CN") -> tuple[bytes, int]:
    """The file's bytes and its row count, headers and values in `locale`. Logged in the audit
    trail (personal data leaves)."""
    columns = [c for c in export_columns() if (keys is None and c.default) or (keys and c.key in keys)]
    if not any(c.key == "id" for c in columns):
        columns.insert(0, next(c for c in export_columns() if c.key == "id"))
    locale = "en" if str(locale).startswith("en") else "zh_CN"
    g._export_locale = locale
    g._export_tag_names = {t.code: t.name(locale) for t in field_tags(summit)}
    stmt = stmt if stmt is not None else select(Registration).where(Registration.summit_id == summit.id).order_by(Registration.id)
    regs = db.session.scalars(stmt).all()
    with force_locale(locale):
        headers = [f"{c.label}" for c in columns]
        rows = [list(row) for row in zip(*(c.cells(regs) for c in columns))] if regs else []
        title = pgettext("export sheet", "Registrations")
    data = tabular.write_csv(headers, rows) if fmt == "csv" else tabular.write_xlsx(headers, rows, title=title)
    with transaction():
        audit.record(summit, "registrations_exported", after={"format": fmt, "columns": [c.key for c in columns],
                                                              "rows": len(rows)}, actor_label=actor_label)
    return data, len(rows)
