"""Warnings at start-up about settings a production deployment should not leave as they are.

They go to the log of every process that creates the app (each gunicorn worker, the CLI),
not only to the README, so that whoever deploys sees them.
"""
from __future__ import annotations

import logging
import os
import sys

from flask import Flask

log = logging.getLogger("summit.startup")


def gunicorn_workers() -> int | None:
    """How many workers the gunicorn serving this process runs; None outside gunicorn.

    gunicorn's final settings (command line, config file, GUNICORN_CMD_ARGS, WEB_CONCURRENCY)
    live on its arbiter, worker and application objects, and one of them is loading this app:
    it is found on the call stack. (gunicorn exports SERVER_SOFTWARE when it starts.)
    """
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        return None
    frame = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if owner is not None and type(owner).__module__.startswith("gunicorn."):
            workers = getattr(getattr(owner, "cfg", None), "workers", None)
            if isinstance(workers, int):
                return workers
        frame = frame.f_back
    return None


def warn_about_settings(app: Flask) -> list[str]:
    """Log (and return) what is unsafe for production in these settings."""
    warnings = []
    if not (app.debug or app.testing) and not app.config.get("PUBLIC_BASE_URL"):
        warnings.append("SUMMIT_PUBLIC_BASE_URL is not set: links in mail and QR codes follow the Host "
                        "header of each request, and those made outside a request (workers, the CLI) "
                        "point at http://127.0.0.1:5000. Set it to the address attendees use.")
    workers = gunicorn_workers()
    if (workers or 0) > 1 and app.config.get("RATELIMIT_ENABLED", True) \
            and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory:"):
        warnings.append(f"{workers} gunicorn workers without SUMMIT_REDIS_URL: rate limits (the login limit "
                        f"among them) are counted by each worker apart, so a client gets {workers} times "
                        "the limit. Set SUMMIT_REDIS_URL to share the counters.")
    for message in warnings:
        log.warning(message)
    return warnings
