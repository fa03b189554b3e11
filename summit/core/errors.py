"""Translated error pages; JSON errors for the API; the one domain error and its handler."""
from __future__ import annotations

import logging
from typing import Callable

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("summit.errors")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Log in, or send a valid API token (Authorization: Bearer ...)."),
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with a change made at the same moment. Please try again."),
        413: _("The file is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The organizers have been told."),
    }


class DomainError(Exception):
    """Bad input or a refused operation, raised by services: a translated message, the form
    field it concerns, the HTTP status and a stable code for API clients. Features subclass
    it (RegistrationError, ContestError, ...); the application's handler below answers it."""

    status = 422
    code = "invalid"

    def __init__(self, message, field: str | None = None, status: int | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if status:
            self.status = status
        if code:
            self.code = code


def back_to(endpoint: str, **values) -> Callable:
    """Marks a POST view whose DomainError goes back to a page: the message is flashed there
    (303). Without the mark the error is a page (or JSON) with the error's status. A value may
    be a function of the view's URL arguments, for a page the action's URL does not name
    (e.g. session_id=lambda args: the session of args["meeting_id"])."""
    def mark(view):
        view.error_back_to = (endpoint, values)
        return view
    return mark


def form_error(form, exc: DomainError, default_field: str | None = None) -> None:
    """Shows a service's error next to its field of a WTForms form (or the default field)."""
    field = getattr(form, exc.field or "", None) or getattr(form, default_field or "", None)
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "danger")


def _challenge() -> str:
    """WWW-Authenticate for a 401 (RFC 6750): the API takes bearer tokens."""
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return 'Bearer realm="summit", error="invalid_token"'
    return 'Bearer realm="summit"'


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code) or _("Error")
    headers = {"WWW-Authenticate": _challenge()} if code == 401 else {}
    if _wants_json():
        return jsonify({"error": message, "status": code}), code, headers
    return render_template("errors/error.html", code=code, message=message), code, headers


def register(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        from summit.extensions import db

        db.session.rollback()  # nothing half-written
        if _wants_json():
            body = {"error": exc.message, "code": exc.code, "status": exc.status}
            if exc.field:
                body["field"] = exc.field
            return jsonify(body), exc.status
        view = current_app.view_functions.get(request.endpoint or "")
        back = getattr(view, "error_back_to", None)
        if back is not None and request.method == "POST":
            flash(exc.message, "danger")
            endpoint, values = back
            values = {k: v(request.view_args or {}) if callable(v) else v for k, v in values.items()}
            # The page keeps those of the action's URL arguments that it takes (e.g. the id).
            takes = set().union(*(rule.arguments for rule in current_app.url_map.iter_rules(endpoint)))
            arguments = {k: v for k, v in (request.view_args or {}).items() if k in takes}
            return redirect(url_for(endpoint, **{**arguments, **values}), 303)
        return render_error(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("The form has expired or was not sent from this site. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = None
        if exc.code not in _messages() and exc.description:
            message = exc.description
        elif getattr(getattr(exc, "limit", None), "error_message", None):
            message = exc.description  # a rate limit with a message of its own (the login's per account)
        return render_error(exc.code or 500, message)

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error")
        from summit.extensions import db

        db.session.rollback()
        return render_error(500)
