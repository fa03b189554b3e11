"""Hands queued mail to the SMTP server after the request that queued it, and retries
deferred mail now and then, so that no separate process is needed (`summit send-mail
--loop` does the same job from cron or systemd).

The queue lives in the database (core.mail): this module only decides *when* to call
deliver_due(), and deliver_due() leases each message, so two workers never send one twice.

MAIL_PUMP setting: "thread" (default: a background thread after the response),
"inline" (in the request's teardown, for tests), "off" (tests, or when a cron job sends).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, g

log = logging.getLogger("summit.mail")
RETRY_EVERY = 60.0  # seconds between looks for deferred mail, per worker
# A new pump thread waits this long before its first round, so that one round (a few queries
# and one SMTP connection) takes the mail of every request in that moment, not one each.
GATHER = 0.2

_lock = threading.Lock()
_running = False
_last_look = 0.0


def mode(app: Flask) -> str:
    return app.config.get("MAIL_PUMP") or ("off" if app.testing else "thread")


def _deliver(app: Flask, gather: float = 0.0) -> None:
    global _running
    try:
        time.sleep(gather)
        with app.app_context():
            from summit.core import mail
            from summit.extensions import db

            try:
                while True:
                    counts = mail.deliver_due()
                    if counts["sent"] + counts["logged"] < 100:
                        break
            except Exception:  # the worker lives on; the mail stays queued
                log.exception("mail delivery failed")
            finally:
                db.session.remove()
    finally:
        with _lock:
            _running = False


def after_request(response):
    global _running, _last_look
    app = current_app._get_current_object()
    how = mode(app)
    if how == "off":
        return response
    now = time.monotonic()
    if not g.get("mail_queued") and now - _last_look < RETRY_EVERY:
        return response
    _last_look = now
    if how == "inline":
        response.call_on_close(lambda: _deliver(app))
        return response
    with _lock:
        if _running:
            return response
        _running = True
    threading.Thread(target=_deliver, args=(app, GATHER), daemon=True, name="mail-pump").start()
    return response
