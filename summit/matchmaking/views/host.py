"""The booth host's pages: the booths, requests and decisions, the day's marks, walk-ins, closed
times, the printable A4 agenda and the CVs of the booth's talents."""
from __future__ import annotations


from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from summit.auth.permissions import role_required
from summit.core import storage
from summit.core.errors import back_to
from summit.extensions import db
from summit.matchmaking import booking, host, lookups, sessions_admin
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.forms import ActionForm, MarkForm, WalkInForm
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, Slot
from summit.matchmaking.views.shared import bp, field_tags, local_hm, locale


def _host_booth(booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    if not lookups.may_host(current_user, booth):
        abort(403)
    return booth


def _booth_of(model):
    """The booth page of the request or meeting in the URL (where a refused action goes back to)."""
    def booth_id(args: dict) -> int | None:
        row = db.session.get(model, args.get("request_id") or args.get("meeting_id"))
        return row.booth_id if row else None
    return booth_id


@bp.route("/host/booths")
@role_required("host")
def host_index():
    booths = lookups.host_booths(current_user)
    counts = lookups.request_counts(booth_ids=[b.id for b in booths])
    return render_template("matchmaking/host_index.html", booths=booths, counts=counts, locale=locale())


@bp.route("/host/booths/<int:booth_id>")
@role_required("host")
def host_booth(booth_id: int):
    booth = _host_booth(booth_id)
    requests_ = lookups.find_requests(lookups.booth_requests(booth), request.args.get("q", ""))
    meetings = lookups.booth_meetings(booth, published_only=True)
    walk_in = WalkInForm()
    taken = {}
    for m in lookups.booth_meetings(booth):
        taken[m.slot_id] = taken.get(m.slot_id, 0) + 1
    walk_in.slot.choices = [(s.id, f"{local_hm(s.starts_at)}–{local_hm(s.ends_at)}") for s in booth.session.slots
                            if taken.get(s.id, 0) < booth.capacity and s.id not in (booth.unavailable or [])]
    profiles = lookups.profiles([r.registration_id for r in requests_] + [m.registration_id for m in meetings])
    return render_template("matchmaking/host_booth.html", booth=booth, session=booth.session, requests=requests_,
                           meetings=meetings, profiles=profiles,
                           form=ActionForm(), walk_in=walk_in, locale=locale(), fields=field_tags(),
                           mark_forms={m.id: MarkForm(obj=m, prefix=f"m{m.id}") for m in meetings})


@bp.route("/host/requests/<int:request_id>/<action>", methods=["POST"])
@role_required("host")
@back_to("matchmaking.host_booth", booth_id=_booth_of(MeetingRequest))
def host_decide(request_id: int, action: str):
    req = db.session.get(MeetingRequest, request_id)
    if req is None:
        abort(404)
    booth = _host_booth(req.booth_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    host.decide(req, action)
    return redirect(url_for(".host_booth", booth_id=booth.id) + "#requests", code=303)


@bp.route("/host/meetings/<int:meeting_id>/mark", methods=["POST"])
@role_required("host")
@back_to("matchmaking.host_booth", booth_id=_booth_of(Meeting))
def host_mark(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    booth = _host_booth(meeting.booth_id)
    form = MarkForm(prefix=f"m{meeting.id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        raise MatchmakingError(" ".join(e for errs in form.errors.values() for e in errs))
    host.mark(meeting, form.status.data, form.outcome.data or "", form.note.data or "")
    flash(_("Saved."), "success")
    return redirect(url_for(".host_booth", booth_id=booth.id) + f"#meeting-{meeting.id}", code=303)


@bp.route("/host/booths/<int:booth_id>/walk-in", methods=["POST"])
@role_required("host")
@back_to("matchmaking.host_booth")
def host_walk_in(booth_id: int):
    booth = _host_booth(booth_id)
    form = WalkInForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        raise MatchmakingError(_("Enter the phone number or e-mail of a registration."))
    slot = db.session.get(Slot, form.slot.data or 0)
    if slot is None or slot.session_id != booth.session_id:
        raise MatchmakingError(_("Choose a time of this session."), field="slot")
    meeting = booking.walk_in(current_user, booth, form.who.data, slot)
    flash(_("%(name)s is on the agenda at %(time)s; they have been told by e-mail and can cancel it.",
            name=meeting.registration.name, time=local_hm(slot.starts_at)), "success")
    return redirect(url_for(".host_booth", booth_id=booth.id) + "#walk-in", code=303)


@bp.route("/host/booths/<int:booth_id>/closed", methods=["POST"])
@role_required("host")
@back_to("matchmaking.host_booth")
def host_closed(booth_id: int):
    booth = _host_booth(booth_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        slot_ids = [int(v) for v in request.form.getlist("closed")]
    except ValueError:
        abort(400)
    sessions_admin.set_booth_closed(booth, slot_ids)
    flash(_("Saved."), "success")
    return redirect(url_for(".host_booth", booth_id=booth.id) + "#closed", code=303)


@bp.route("/host/booths/<int:booth_id>/agenda")
@role_required("host")
def booth_agenda(booth_id: int):
    booth = _host_booth(booth_id)
    meetings = lookups.booth_meetings(booth, published_only=True)
    by_slot: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_slot.setdefault(m.slot_id, []).append(m)
    return render_template("matchmaking/booth_agenda.html", booth=booth, session=booth.session, by_slot=by_slot,
                           profiles=lookups.profiles([m.registration_id for m in meetings]), locale=locale(),
                           fields=field_tags())


@bp.route("/matchmaking/cv/<int:registration_id>")
@role_required("host")
def cv(registration_id: int):
    try:
        profile = lookups.cv_profile(current_user, registration_id)
    except PermissionError:
        abort(403)
    if profile is None:
        abort(404)
    path = storage.path(profile.cv_path)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=profile.cv_filename or "cv.pdf")
