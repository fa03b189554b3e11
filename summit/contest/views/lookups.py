"""What the contest's views look up from the URL: the current contest and its tracks, rounds and
entries (404 when they are not the current edition's), and the field names of the edition."""
from __future__ import annotations

from flask import abort
from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from summit.core.models import Summit
from summit.extensions import db
from summit.registration.models import FieldTag

from ..models import Entry, Round, Track
from ..tracks import contest_for


def locale() -> str:
    return str(get_locale())


def current_contest(required: bool = True):
    contest = contest_for(Summit.current())
    if contest is None and required:
        abort(404)
    return contest


def track_or_404(track_id: int) -> Track:
    track = db.session.get(Track, track_id)
    if track is None or track.contest_id != current_contest().id:
        abort(404)
    return track


def round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    track_or_404(round_.track_id)
    return round_


def entry_or_404(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    track_or_404(entry.track_id)
    return entry


def field_choices(summit):
    tags = db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id).order_by(FieldTag.position))
    return [(t.code, t.name(locale())) for t in tags] + [("other", _("Other"))]


def field_names(summit) -> dict:
    return dict(field_choices(summit))
