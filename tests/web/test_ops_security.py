"""CSRF on every state-changing route, bearer tokens instead of CSRF for devices, response
headers, templates that obey the Content-Security-Policy."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint, jsonify

from summit.auth import services as auth_services
from summit.auth.permissions import role_required
from summit.extensions import csrf
from tests.web.test_ops_routes import STATE_CHANGING, routes, sample_url

CSRF_MESSAGE = "The form has expired or was not sent from this site"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True, "CHECKIN_RATE_LIMIT": "3 per minute"}


# A bearer-token route like the features' device APIs (check-in scanners). The real routes'
# rate limits are tested in test_public_rate_limits.py.
DEVICE_BP = Blueprint("device_probe", __name__)


@DEVICE_BP.route("/api/v1/probe", methods=["POST"])
@role_required("checkin", allow_token=True)
def probe():
    return jsonify({"ok": True})


def _organizer_client(app, make_user):
    user_id = make_user("organizer")[0]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def csrf_problems(app, client) -> tuple[int, list[str]]:
    checked, problems = 0, []
    for rule, methods in routes(app):
        view = app.view_functions[rule.endpoint]
        exempt = f"{view.__module__}.{view.__name__}" in csrf._exempt_views or rule.endpoint.split(".")[0] in {
            bp.name for bp in csrf._exempt_blueprints}
        url = sample_url(app, rule)
        for method in sorted(set(methods) & STATE_CHANGING):
            checked += 1
            for data in ({}, {"csrf_token": "forged"}):
                response = client.open(url, method=method, data=data, headers={"Accept-Language": "en"})
                text = response.get_data(as_text=True)
                if exempt:
                    # Allowed only for routes that take nothing but a bearer token.
                    if response.status_code not in (401, 403):
                        problems.append(f"{method} {rule.rule}: csrf-exempt yet accepts a session ({response.status_code})")
                elif response.status_code != 400 or CSRF_MESSAGE not in text:
                    problems.append(f"{method} {rule.rule}: {response.status_code} without a valid CSRF token")
    return checked, problems


def test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token(app, make_user):
    checked, problems = csrf_problems(app, _organizer_client(app, make_user))
    assert checked >= 2  # at least logout and the language switch
    assert not problems, "\n".join(problems)


EXEMPT_BP = Blueprint("exempt_probe", __name__)


@EXEMPT_BP.route("/exempt-probe", methods=["POST", "DELETE"])
@csrf.exempt
@role_required("organizer")
def exempt_probe():
    return "changed"


def test_the_csrf_walker_flags_an_exempt_route_that_takes_sessions(app, make_user):
    app.register_blueprint(EXEMPT_BP)
    _checked, problems = csrf_problems(app, _organizer_client(app, make_user))
    assert len([p for p in problems if "/exempt-probe" in p]) == 4  # POST and DELETE, no and forged token


def test_a_form_with_its_token_goes_through(app, client):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/lang/en", data={"csrf_token": token, "next": "/"}).status_code == 302
    assert client.post("/lang/en", headers={"X-CSRFToken": token}).status_code == 302


def test_a_valid_bearer_token_replaces_the_csrf_token(app, db, make_user):
    app.register_blueprint(DEVICE_BP)
    _token, plain = auth_services.create_token("checkin", "door-1")
    _other, judge_plain = auth_services.create_token("judge", "tablet")
    revoked, revoked_plain = auth_services.create_token("checkin", "lost")
    db.session.commit()
    auth_services.revoke_token(revoked.id)
    db.session.commit()
    client = app.test_client()
    assert client.post("/api/v1/probe", headers={"Authorization": f"Bearer {plain}"}).json == {"ok": True}
    db.session.rollback()
    assert db.session.get(type(_token), _token.id).last_used_at is not None  # shown by `summit list-tokens`
    # A wrong role: the token is valid, the role check refuses.
    assert client.post("/api/v1/probe", headers={"Authorization": f"Bearer {judge_plain}"}).status_code == 403
    # Unknown or revoked tokens get no pass, before any view runs.
    for bad in ("made-up", revoked_plain):
        response = client.post("/api/v1/probe", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401 and response.json["status"] == 401
    # A logged-in organizer's browser still needs the CSRF token on the same route.
    browser = _organizer_client(app, make_user)
    assert browser.post("/api/v1/probe").status_code == 400


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no-such-page", "/static/css/app.css",
                                  "/bootstrap/static/css/bootstrap.min.css", "/api/v1/openapi.json"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    for name in ("default-src", "script-src", "style-src", "font-src", "connect-src"):
        assert directives[name] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_hsts_only_over_https(client):
    response = client.get("/healthz", base_url="https://summit.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)
# Templates no browser loads, so no CSP applies to them: HTML mail bodies (mail clients
# honour inline styles only) and the badge sheets WeasyPrint turns into PDF
# (summit/badges/sheets.py). Every other template is a page and obeys the CSP.
NOT_FOR_BROWSERS = ("*/mail/*.html", "badges/badges.html")


def test_templates_obey_the_content_security_policy():
    """The CSP refuses inline scripts, handlers and styles: no template may rely on them.
    Scripts go to summit/static/js (data through data- attributes or JSON script blocks)."""
    problems = []
    exempt = set()
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        matched = [pattern for pattern in NOT_FOR_BROWSERS if relative.match(pattern)]
        if matched:
            exempt.update(matched)
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_HANDLER, "on*= handler"),
                              (INLINE_STYLE, "style attribute or <style>")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{relative}:{line}: {what}")
    assert not problems, "\n".join(problems)
    # An exemption that matches no template any more is stale: it would hide a new page.
    assert exempt == set(NOT_FOR_BROWSERS)


def test_the_template_guard_sees_inline_code():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert INLINE_HANDLER.search('<button onclick="go()">')
    assert INLINE_STYLE.search('<div class="x" style="width: 3px">')
    assert not INLINE_STYLE.search('<div data-style="x">')


def test_behind_a_proxy_hsts_follows_the_forwarded_scheme(database_url):
    from summit import create_app

    proxied = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_COUNT": 1, "TESTING": True})
    client = proxied.test_client()
    secure = client.get("/static/css/app.css", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers
    plain = client.get("/static/css/app.css")
    assert "Strict-Transport-Security" not in plain.headers
    # Without a configured proxy the header is not trusted.
    direct = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True}).test_client()
    assert "Strict-Transport-Security" not in direct.get("/static/css/app.css",
                                                         headers={"X-Forwarded-Proto": "https"}).headers
