"""Translated error pages; JSON errors for the API."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
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
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with a change made at the same moment. Please try again."),
        413: _("The file is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The organizers have been told."),
    }


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code) or _("Error")
    if _wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("The form has expired or was not sent from this site. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = None
        if exc.code not in _messages() and exc.description:
            message = exc.description
        return render_error(exc.code or 500, message)

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error")
        from summit.extensions import db

        db.session.rollback()
        return render_error(500)
