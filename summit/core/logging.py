"""Structured logging: one JSON object per line, with the request it belongs to."""
from __future__ import annotations

import json
import logging
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request


def logged_path() -> str:
    """The request's path as the logs show it: a route with a secret in its URL (any argument
    whose name ends in "token": the private links /r/<token>, /me/<token>, /contest/team/<token>,
    ...) is logged as its rule, the secret replaced by the argument's name. A path that matched
    no route keeps only its first segment: it may be a mistyped private link."""
    rule = request.url_rule
    if rule is None:
        first = request.path.lstrip("/").split("/", 1)[0]
        return f"/{first}/…" if "/" in request.path.lstrip("/") else request.path[:80]
    if any(name.endswith("token") for name in rule.arguments):
        return rule.rule
    return request.path


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            data["request_id"] = g.get("request_id")
            data["method"] = request.method
            data["path"] = logged_path()
        for key, value in getattr(record, "fields", {}).items():
            data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("summit")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False
    # Alembic's fileConfig (migrations/env.py) disables every logger that exists when migrations
    # run in the same process (`summit init-db`, the tests): this application's come back.
    for name, each in list(logging.root.manager.loggerDict.items()):
        if name.startswith("summit") and isinstance(each, logging.Logger):
            each.disabled = False
    app.logger.handlers[:] = [handler]

    @app.before_request
    def _start():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.path.startswith("/static/"):
            return response
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        logging.getLogger("summit.request").info(
            "request",
            extra={"fields": {"status": response.status_code, "ms": round(elapsed * 1000, 1)}},
        )
        return response
