"""The blueprint, its template filters and what the talent, host and organizer pages share."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import format_date, format_time, get_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import select

from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.extensions import db
from summit.registration.models import FieldTag

bp = Blueprint("matchmaking", __name__)
NAV = [
    NavItem("matchmaking.org_index", _l("Sessions"), ("organizer",)),
    NavItem("matchmaking.host_index", _l("My booths"), ("host",)),
]


@bp.app_template_filter("local_hm")
def local_hm(value) -> str:
    return format_time(value, "HH:mm") if value else ""


@bp.app_template_filter("local_date")
def local_date(value) -> str:
    # flask_babel moves a datetime from UTC to Asia/Shanghai itself.
    return format_date(value, "long") if value else ""


def locale() -> str:
    return str(get_locale())


def field_tags() -> dict[str, FieldTag]:
    summit = Summit.current()
    if summit is None:
        return {}
    return {f.code: f for f in db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id)
                                                   .order_by(FieldTag.position))}


def outcome_labels() -> dict[str, str]:
    return {"interest": _("Interested"), "in_depth": _("In-depth talks"), "intent_to_sign": _("Intent to sign")}


@bp.app_context_processor
def matchmaking_globals():
    return {"outcome_labels": outcome_labels}
