"""The blueprint and what the public and the organizer's programme pages share."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy import select

from summit.core.database import db_int
from summit.core.errors import form_error
from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.extensions import db
from summit.programme import labels
from summit.programme.common import field_codes, utc_to_local
from summit.programme.needs import matches
from summit.programme.errors import ProgrammeError
from summit.programme.forms import NeedForm
from summit.programme.models import ResearchResult, TechNeed

# Named after the package, not this module, so that static/ is the package's own folder.
bp = Blueprint("programme", "summit.programme", url_prefix="/programme", static_folder="static")
NAV = [
    NavItem("programme.public_programme", _l("Programme")),
    NavItem("programme.admin", _l("Roadshow & needs"), ("organizer",)),
]
HOME_LINKS = [
    NavItem("programme.public_programme", _l("Programme")),
    NavItem("programme.roadshow", _l("Research results roadshow")),
]


@bp.app_context_processor
def programme_labels():
    return {"plabels": labels, "to_local": utc_to_local}


def locale() -> str:
    return str(get_locale())


def current_summit() -> Summit:
    year = request.args.get("year", type=db_int)
    if year:
        summit = db.session.scalar(select(Summit).where(Summit.year == year))
    else:
        summit = Summit.current()
    if summit is None:
        abort(404)
    return summit


def fail(form, exc: ProgrammeError, template: str, **context):
    """The service's error beside its form field (or on top), the page rendered again with its status."""
    form_error(form, exc)
    return render_template(template, form=form, **context), exc.status


def field_choices(summit: Summit):
    return [(code, tag.name(locale())) for code, tag in field_codes(summit).items()]


def ics_response(data: bytes, filename: str) -> Response:
    # Flask adds "; charset=utf-8" to text types itself.
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def days_of(items):
    days: dict[dt.date, list] = {}
    for item in items:
        days.setdefault(utc_to_local(item.starts_at).date(), []).append(item)
    return sorted(days.items())


def result_context(result: ResearchResult, token: str | None = None) -> dict:
    context = {"result": result, "token": token, "tags": field_codes(result.summit), "matches": []}
    if result.status == "submitted":
        found = matches(result.summit)
        context["matches"] = [(p, found["needs"][p["need_id"]]) for p in found["for_result"].get(result.id, [])]
    return context


def need_form(need: TechNeed | None, summit: Summit, formdata=None) -> NeedForm:
    form = NeedForm(formdata=formdata, obj=None if formdata else need)
    form.fields.choices = field_choices(summit)
    return form


def need_context(need: TechNeed, token: str | None = None) -> dict:
    context = {"need": need, "token": token, "tags": field_codes(need.summit), "matches": []}
    if need.status == "open":
        found = matches(need.summit)
        context["matches"] = [(p, found["results"][p["result_id"]]) for p in found["for_need"].get(need.id, [])]
    return context
