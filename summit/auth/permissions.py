"""Permission helpers: every view says which roles may use it."""
from __future__ import annotations

import datetime as dt
import functools

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from summit.auth.models import ApiToken, hash_token
from summit.core.models import utcnow
from summit.extensions import db


def bearer_token() -> ApiToken | None:
    """The API token in `Authorization: Bearer ...`, if it is valid and not revoked."""
    if "api_token_looked_up" in g:  # the CSRF hook and the role check both ask; look up once
        return g.get("api_token")
    g.api_token_looked_up = True
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(header[7:].strip()),
                               ApiToken.revoked_at.is_(None))
    )
    if token is not None:
        _note_last_use(token)
        g.api_token = token
    return token


LAST_USE_EVERY = dt.timedelta(minutes=1)


def _note_last_use(token: ApiToken) -> None:
    """Record the token's last use, at most once a minute, in a transaction of its own.

    The time is a hint for the token list: it must never fail the request. (Left pending in the
    request's session it would be flushed in the middle of the view, where SQLite refuses the
    write of a read snapshot that another worker's commit has made stale.)"""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_EVERY:
        return
    token_id = token.id
    try:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    except OperationalError:
        db.session.rollback()


def has_role(*roles: str) -> bool:
    token = g.get("api_token")
    if token is not None:
        return token.has_role(*roles)
    return bool(current_user.is_authenticated and current_user.has_role(*roles))


def role_required(*roles: str, allow_token: bool = False):
    """Logged-in users with one of the roles (organizers may do everything); with
    allow_token, a device's bearer token with one of the roles too."""
    wanted = set(roles) | {"organizer"}

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if allow_token and request.headers.get("Authorization"):
                if bearer_token() is None:
                    abort(401)
                if not has_role(*wanted):
                    abort(403)
                return view(*args, **kwargs)
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)  # a program, not a person: no login page
                from summit.extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(*wanted):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(sorted(wanted))
        return wrapped

    return decorator
