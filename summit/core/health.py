"""Honest failure: what /healthz checks, and what a page answers when the database or the
storage fails. The public sees a translated 503 and never a host, a port, a path or an error
text; the log gets the details."""
from __future__ import annotations

import logging
import threading

from flask import Flask, Response, current_app, g
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc, text

from summit.core import storage
from summit.extensions import db, login_manager

log = logging.getLogger("summit.health")

# /healthz answers within this many seconds even when the database never does.
HEALTH_DEADLINE = 4.0


def database_ok(engine, deadline: float) -> bool:
    """SELECT 1 on a connection of the pool, given up after `deadline` seconds. The probe runs in
    a thread so that a database that accepts and never answers cannot hold the check; the
    connect timeout ends that thread soon after."""
    outcome: dict = {}

    def probe():
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            outcome["ok"] = True
        except Exception as exc:  # reported below, whatever it is
            outcome["error"] = exc

    worker = threading.Thread(target=probe, name="healthz-database", daemon=True)
    worker.start()
    worker.join(deadline)
    if outcome.get("ok"):
        return True
    error = outcome.get("error")
    log.error("health check: the database is failing",
              extra={"fields": {"error": str(error)[:500] if error else f"no answer within {deadline:g} s"}})
    return False


def report() -> tuple[dict, int]:
    deadline = min(HEALTH_DEADLINE, float(current_app.config.get("DB_CONNECT_TIMEOUT") or HEALTH_DEADLINE) + 0.5)
    database = database_ok(db.engine, deadline)
    writable = storage.writable()
    body = {
        "status": "ok" if database and writable else "error",
        "database": db.engine.dialect.name if database else "unavailable",
        "storage": "ok" if writable else "failing",
    }
    return body, 200 if body["status"] == "ok" else 503


def _unavailable(message: str):
    from summit.core.errors import render_error

    # The error page must not ask the database again: no current summit, no signed-in user.
    g.database_down = True
    g._login_user = login_manager.anonymous_user()
    try:
        response = render_error(503, message)
    except Exception:  # the page itself failed: plain text, still translated
        log.exception("the 503 page could not be drawn")
        response = Response(message, 503, mimetype="text/plain")
    response = current_app.make_response(response)
    response.headers["Retry-After"] = "10"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.TimeoutError)  # no connection free in the pool
    def database_unavailable(exc):
        log.error("the database is not answering", extra={"fields": {"error": str(exc).splitlines()[0][:300]}})
        try:
            db.session.rollback()
        except Exception:  # the connection is gone already
            pass
        return _unavailable(_("The database is not answering. Please try again in a moment."))
