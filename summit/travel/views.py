"""The travel feature's pages: the organizer's invitations (select, invite, remind, letters) and
the invitee's private pages (reply, travel form, letter), and the letter's public verify page."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.core.database import db_int
from summit.core.errors import back_to
from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.core.security import limited
from summit.extensions import db
from summit.registration.models import STATUSES, Category

from . import invitations as service
from .forms import TravelForm
from .models import INVITATION_STATUSES, Invitation, Place

bp = Blueprint("travel", __name__, url_prefix="/travel")
NAV = [NavItem("travel.invitations", _l("Invitations"), ("organizer",))]
INVITATION_LABELS = {"invited": _l("Not answered"), "accepted": _l("Accepted"), "declined": _l("Declined")}


def _locale() -> str:
    return str(get_locale() or "zh_CN")


def _summit() -> Summit:
    summit = Summit.current()
    if summit is None:
        abort(404)
    return summit


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


# --- organizer -----------------------------------------------------------------------------------

@bp.route("/invitations")
@role_required("organizer")
def invitations():
    summit = _summit()
    categories = list(db.session.scalars(select(Category).where(Category.summit_id == summit.id)
                                         .order_by(Category.position)))
    category = request.args.get("category") or None
    status = request.args.get("status") or None
    state = request.args.get("invitation") or None
    if category and category not in {c.code for c in categories}:
        category = None
    if status not in STATUSES:
        status = None
    if state not in (*INVITATION_STATUSES, "none"):
        state = None
    rows = service.selection(summit, category, status, state)
    return render_template("travel/invitations.html", summit=summit, rows=rows, categories=categories,
                           statuses=STATUSES, category=category, status=status, state=state,
                           counts=service.counts(summit), labels=INVITATION_LABELS, to_local=service.to_local)


@bp.route("/invitations/invite", methods=["POST"])
@role_required("organizer")
@back_to("travel.invitations")
def invite():
    ids = request.form.getlist("registration_ids", type=db_int)
    result = service.invite(_summit(), ids, current_user.id)
    flash(_("%(n)d invited, %(m)d already had an invitation.", n=result["invited"], m=result["already"]), "success")
    return redirect(url_for("travel.invitations", invitation="invited"), 303)


@bp.route("/invitations/remind", methods=["POST"])
@role_required("organizer")
@back_to("travel.invitations")
def remind():
    # "all": everyone who has not answered; otherwise the ticked ones (none ticked is refused).
    ids = None if request.form.get("all") else request.form.getlist("invitation_ids", type=db_int)
    result = service.remind(_summit(), ids)
    flash(_("%(n)d reminders queued.", n=result["reminded"]), "success")
    return redirect(url_for("travel.invitations", invitation="invited"), 303)


@bp.route("/invitations/<int:invitation_id>/letter.pdf")
@role_required("organizer")
def organizer_letter(invitation_id: int):
    inv = db.get_or_404(Invitation, invitation_id)
    return _pdf(service.letter_pdf(inv), f"invitation-{inv.serial}.pdf")


@bp.route("/places")
@role_required("organizer")
def places_page():
    return render_template("travel/places.html", places=service.places(active_only=False))


@bp.route("/places", methods=["POST"])
@role_required("organizer")
@back_to("travel.places_page")
def place_add():
    place = service.add_place(request.form.get("code", ""), request.form.get("kind", ""),
                              request.form.get("name_zh", ""), request.form.get("name_en", ""))
    flash(_("%(name)s added.", name=place.name(_locale())), "success")
    return redirect(url_for("travel.places_page"), 303)


@bp.route("/places/<int:place_id>/active", methods=["POST"])
@role_required("organizer")
@back_to("travel.places_page")
def place_active(place_id: int):
    service.set_place_active(db.get_or_404(Place, place_id), request.form.get("active") == "1")
    return redirect(url_for("travel.places_page"), 303)


# --- the invitee's private link ------------------------------------------------------------------

def _invitation(token: str) -> Invitation:
    inv = service.invitation_by_token(token)
    if inv is None:
        abort(404)
    return inv


@bp.route("/i/<token>")
def reply_page(token: str):
    inv = _invitation(token)
    return render_template("travel/reply.html", inv=inv, token=token, summit=db.session.get(Summit, inv.summit_id),
                           to_local=service.to_local)


@bp.route("/i/<token>/reply", methods=["POST"])
@limited("registration")
def reply(token: str):
    inv = _invitation(token)
    answer = request.form.get("answer", "")
    service.reply(inv, answer)
    if answer == "accept":
        flash(_("Thank you for accepting. Please tell us your travel."), "success")
        return redirect(url_for("travel.travel_form", token=token), 303)
    flash(_("Thank you for your answer. We are sorry you cannot come."), "info")
    return redirect(url_for("travel.reply_page", token=token), 303)


@bp.route("/i/<token>/travel", methods=["GET", "POST"])
@limited("registration")
def travel_form(token: str):
    inv = _invitation(token)
    if inv.status != "accepted":
        flash(_("Accept the invitation before giving your travel."), "warning")
        return redirect(url_for("travel.reply_page", token=token), 303)
    summit = db.session.get(Summit, inv.summit_id)
    travel = inv.travel
    form = TravelForm(obj=None)
    form.set_places(service.places(), _locale())
    if request.method == "GET" and travel is not None:
        for name in ("arrival_mode", "arrival_number", "arrival_place_id", "departure_mode", "departure_number",
                     "departure_place_id", "party_size", "pickup_wanted", "check_in_on", "check_out_on",
                     "room_preference", "dietary"):
            getattr(form, name).data = getattr(travel, name)
        form.arrival_at.data = service.to_local(travel.arrival_at)
        form.departure_at.data = service.to_local(travel.departure_at)
    if request.method == "POST":
        form.validate_on_submit()  # parses; a value it cannot read is an error beside its field
        problems = service.travel_problems(form.values(), summit)
        for field, message in problems:
            errors = getattr(form, field).errors
            if message not in errors:
                getattr(form, field).errors = list(errors) + [message]
        if form.errors or problems:
            return render_template("travel/travel_form.html", form=form, inv=inv, token=token, summit=summit), 422
        service.save_travel(inv, form.values())
        flash(_("Your travel is saved. We will tell you who meets you."), "success")
        return redirect(url_for("travel.reply_page", token=token), 303)
    return render_template("travel/travel_form.html", form=form, inv=inv, token=token, summit=summit)


@bp.route("/i/<token>/letter.pdf")
def invitee_letter(token: str):
    inv = _invitation(token)
    return _pdf(service.letter_pdf(inv), f"invitation-{inv.serial}.pdf")


@bp.route("/verify/<code>")
def verify(code: str):
    """What the letter's QR code opens: whether the letter is genuine (no personal numbers)."""
    inv = service.by_verify_code(code)
    if inv is None:
        return render_template("travel/verify.html", inv=None), 404
    return render_template("travel/verify.html", inv=inv, summit=db.session.get(Summit, inv.summit_id))
