from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.core.models import Summit
from summit.core.downloads import attachment
from summit.core.nav import NavItem
from summit.dashboard import charts, export, services
from summit.extensions import db

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
NAV = [NavItem("dashboard.index", _l("Dashboard"), ("organizer",))]
HOME_LINKS = [NavItem("dashboard.index", _l("Organizer's dashboard"), ("organizer",))]


@bp.app_template_filter("dashboard_number")
def dashboard_number(value):
    """1234 -> 1,234 and 0.756 -> 0.8; text and empty cells as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else value
    return charts.format_number(value)


def _summit_or_404(summit_id: int) -> Summit:
    summit = db.session.get(Summit, summit_id)
    if summit is None:
        abort(404)
    return summit


def _context(summit: Summit) -> dict:
    sections = services.collect(summit)
    empty = _("No data yet")
    for s_index, section in enumerate(sections):
        for c_index, chart in enumerate(section["charts"]):
            chart["svg"] = charts.render(chart, chart_id=f"chart-{s_index}-{c_index}", empty_text=empty)
    return {"summit": summit, "sections": sections,
            "refresh_seconds": current_app.config.get("DASHBOARD_REFRESH_SECONDS", 30),
            "generated_at": dt.datetime.now(dt.timezone.utc)}


@bp.route("/")
@role_required("organizer")
def index():
    summit = Summit.current()
    if summit is None:
        return render_template("dashboard/none.html")
    return redirect(url_for("dashboard.summit_page", summit_id=summit.id))


@bp.route("/<int:summit_id>")
@role_required("organizer")
def summit_page(summit_id: int):
    summit = _summit_or_404(summit_id)
    editions = db.session.scalars(select(Summit).order_by(Summit.year.desc())).all()
    return render_template("dashboard/page.html", editions=editions, **_context(summit))


@bp.route("/<int:summit_id>/sections")
@role_required("organizer")
def sections_fragment(summit_id: int):
    """The sections alone, fetched again every half minute by static/js/dashboard.js."""
    summit = _summit_or_404(summit_id)
    response = current_app.make_response(render_template("dashboard/_sections.html", **_context(summit)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:summit_id>/export.xlsx")
@role_required("organizer")
def export_xlsx(summit_id: int):
    from flask_babel import get_locale

    summit = _summit_or_404(summit_id)
    sections = services.collect(summit)
    data = export.workbook(sections, heading=summit.name(str(get_locale())),
                           labels={"figure": _("Figure"), "value": _("Value"), "label": _("Label")})
    filename = f"dashboard-{summit.year}.xlsx"
    return attachment(data, filename, no_store=True)
