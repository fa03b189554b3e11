"""Absolute links to this application, for mail, QR codes and printed pages.

SUMMIT_PUBLIC_BASE_URL, when it is set, is where every link points. Without it a link built
while a request is handled points where that request came (its scheme, host and port: the
port `make run PORT=5061` serves, the address a phone used), and a link built outside a
request (the CLI, a worker) points at FALLBACK. A production deployment sets the URL: the app
warns at start-up when it does not (summit.core.startup).
"""
from __future__ import annotations

import contextlib
import contextvars
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

FALLBACK = "http://127.0.0.1:5000"

# A base URL captured when background work was started from a request: its links then point
# where the organizer who started it was, as if built during that request.
_captured: contextvars.ContextVar[str | None] = contextvars.ContextVar("summit_base_url", default=None)


def configured() -> str | None:
    url = current_app.config.get("PUBLIC_BASE_URL")
    return url.rstrip("/") if url else None


def base_url() -> str:
    """Scheme, host, port and root path of links made here and now, without the final slash."""
    url = configured() or _captured.get()
    if url:
        return url.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return FALLBACK


def url(path: str) -> str:
    """base_url() + path ("/r/TOKEN")."""
    return base_url() + "/" + path.lstrip("/")


def external_url(endpoint: str, **values) -> str:
    """url_for(endpoint, _external=True) on base_url(), inside or outside a request."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


@contextlib.contextmanager
def based_on(url: str | None):
    """Build links on `url` (captured by base_url() in the request that started the work)."""
    token = _captured.set(url.rstrip("/") if url else None)
    try:
        yield
    finally:
        _captured.reset(token)


def init_app(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def untrusted_host(_exc):
        # A Host header outside SUMMIT_TRUSTED_HOSTS: no URL can be built for it, so no page
        # either (the error page has links); a short plain answer.
        return Response(_("The request could not be understood."), 400, mimetype="text/plain")
