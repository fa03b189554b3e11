"""Response headers, CSRF that lets bearer-token API calls through, named rate limits, and the
guard that refuses text no database or spreadsheet can hold.

Pages must work under the Content-Security-Policy below: no inline <script> or on*= handlers,
no style="" attributes or <style> blocks. Scripts and styles are files under summit/static;
data reaches a script through data- attributes or <script type="application/json">.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from summit.extensions import csrf

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # data: and blob: for QR codes drawn in the page and camera frames.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # The check-in page may use the camera; nothing else may.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def client_address() -> str:
    """The client's address: ProxyFix (SUMMIT_PROXY_COUNT) has already put the forwarded one
    in remote_addr, and only as many hops as there are trusted proxies."""
    return request.remote_addr or "unknown"


def account_or_address() -> str:
    """A logged-in account counts on its own (judges share the venue's address), anyone else
    per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def limited(name: str, *, key_func=None, methods: tuple[str, ...] | None = ("POST",)):
    """The one way a route gets a rate limit: the limit named `name` in the settings
    (registration, checkin, scoring, api), counted per client address unless key_func says
    otherwise, in Flask-Limiter's storage (Redis when SUMMIT_REDIS_URL is set, so every worker
    and host shares the counts). Past it the answer is 429 with Retry-After, a translated page
    or, under /api/, a JSON body. The route walk in the tests checks that every public POST
    carries one (the view's `rate_limit` names it)."""
    from summit.extensions import limiter

    def decorate(view):
        wrapped = limiter.limit(rate_limit(name), key_func=key_func or client_address,
                                methods=list(methods) if methods else None)(view)
        wrapped.rate_limit = name
        return wrapped

    return decorate


def rate_limit(name: str):
    """The limit named `name` in the settings, for `limiter.limit(rate_limit("checkin"))`.

    Read at request time, so tests and deployments change it through the config
    (<NAME>_RATE_LIMIT, from the environment variable SUMMIT_RATE_LIMIT_<NAME>).
    """
    key = f"{name.upper()}_RATE_LIMIT"

    def current() -> str:
        return current_app.config[key]

    return current


def _has_valid_bearer_token() -> bool:
    """True for a valid token; a request that offers an unknown or revoked one is refused
    with 401 here, as the device's view would refuse it (not with a CSRF complaint)."""
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        return False
    from summit.auth.permissions import bearer_token

    if bearer_token() is None:
        abort(401)
    return True


# A NUL byte (PostgreSQL refuses it in text: a 500 deep in a query) and a lone UTF-16 surrogate
# ("\ud800" in JSON: neither database nor any file encoding can store it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: Any) -> bool:
    """In a string, or in any value of a list or dict (JSON objects' keys are names a view
    looks up, never stores: an unknown one is ignored or refused by the view)."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_unstorable(v) for v in value)
    return False


def request_has_unstorable_text() -> bool:
    """Anywhere a view reads text from: the path, the query, form fields and file names, JSON."""
    if _unstorable(request.path) or _unstorable(list(request.args.lists())):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _unstorable(list(request.form.lists())):
                return True
            if _unstorable([f.filename or "" for _key, files in request.files.lists() for f in files]):
                return True
        if request.is_json and _unstorable(request.get_json(silent=True)):
            return True
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text():
        """One guard at the request boundary rather than a check in every view."""
        if request_has_unstorable_text():
            from summit.core.errors import render_error

            return render_error(400, _("The request holds a character that cannot be stored "
                                       "(a NUL byte or a broken character). Please check what you typed."))

    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    # CSRFProtect's own check is replaced by the one below, which skips requests that
    # carry a valid API token: a browser never adds that header to a forged request.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def csrf_unless_bearer():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if _has_valid_bearer_token():
            return
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            # No cookie to forge with: the view's role check answers 401.
            return
        csrf.protect(apply_exemptions=True)

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
