"""Every route, walked generically from app.url_map: new routes are covered when they land.

A route is one of
- public: listed in PUBLIC below (with the reason),
- role-protected: its view is wrapped by summit.auth.permissions.role_required, which
  sets `required_roles` (organizers are always among them),
- an attendee/team private link: one of its URL arguments is named *token,
- for any logged-in staff account: listed in STAFF.
Anything else fails test_every_route_declares_who_may_use_it. The same walk checks that no
route redirects to another site, whatever next=/url=/... it is given.
"""
from __future__ import annotations

import secrets
import uuid

import pytest
from werkzeug.routing import IntegerConverter, Rule

PUBLIC = {
    "static": "the package's CSS, JS, fonts",
    "bootstrap.static": "Bootstrap served locally",
    "core.index": "the home page",
    "core.healthz": "load balancer health check",
    "core.set_language": "language switch",
    "auth.login": "staff login form",
    "ops.openapi_json": "description of the JSON API",
    "registration.register": "the public registration form",
    "registration.sent": "after registering: the link went to the address on file (the same for everyone)",
    "registration.resend_link": "asks for the private link to be mailed again (rate-limited, says nothing of who exists)",
    "contest.index": "the contest's public page",
    "contest.apply": "the public application form",
    "contest.results": "published results of a track",
    "contest.verify": "certificate verification from the QR code",
    "travel.verify": "invitation letter verification from the QR code (no personal numbers)",
    "core.service_worker": "the offline script of the check-in and judges' pages; it holds no data",
    "contest.stage_state": "what is on stage, for the big screen and the judges' tablets",
    "contest.stage_screen": "the hall's big screen",
    "programme.static": "the programme's own static files",
    "programme.public_programme": "the public programme",
    "programme.programme_ics": "the public programme as a calendar",
    "programme.roadshow": "the public roadshow of research results",
    "programme.interest": "enterprises and investors register interest from their phones",
    "programme.result_call": "research teams submit results through the public call",
}
STAFF = {
    "auth.logout": "every account may log out",
    "core.job_status": "the job's owner (or an organizer) sees its progress; checked in the view",
}
ROLES = ("anonymous", "judge", "host", "checkin", "organizer")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def is_link(rule: Rule) -> bool:
    return any(name.endswith("token") for name in rule.arguments)


def classify(app, rule: Rule):
    if rule.endpoint in PUBLIC:
        return "public", ()
    roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
    if roles:
        return "roles", tuple(roles)
    if is_link(rule):
        return "link", ()
    if rule.endpoint in STAFF:
        return "staff", ()
    return None, ()


def sample_url(app, rule: Rule) -> str:
    """The rule's URL with made-up values: ids that do not exist, tokens nobody issued."""
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if name.endswith("token"):
            values[name] = secrets.token_urlsafe(32)
        elif isinstance(converter, IntegerConverter):  # the app's id converter is a subclass
            values[name] = 987654
        elif kind == "FloatConverter":
            values[name] = 1.5
        elif kind == "UUIDConverter":
            values[name] = uuid.UUID(int=0)
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
        else:
            values[name] = "no-such-thing"
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])


def routes(app):
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if methods:
            yield rule, methods


def test_every_route_declares_who_may_use_it(app):
    unclassified = [f"{rule.endpoint} {rule.rule}" for rule, _m in routes(app) if classify(app, rule)[0] is None]
    assert not unclassified, (
        "routes without a declared audience (use role_required, a *token URL argument for a "
        f"private link, or add them to PUBLIC in {__file__}): {unclassified}")


@pytest.fixture
def clients(app, make_user):
    """A logged-in client per role (the session is set directly: no password hashing)."""
    users = {role: make_user(role)[0] for role in ROLES if role != "anonymous"}

    def client_for(role: str):
        client = app.test_client()
        if role != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = str(users[role])
                session["_fresh"] = True
        return client

    return client_for


def _denied_anonymous(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={}, headers={"Accept": "text/html"})


def test_every_route_allows_and_denies_by_role(app, clients):
    problems = []
    # Logging out ends every session of the account: the walk's accounts log out last.
    for rule, methods in sorted(routes(app), key=lambda found: found[0].endpoint == "auth.logout"):
        kind, allowed_roles = classify(app, rule)
        if kind is None:
            continue  # reported by the test above
        url = sample_url(app, rule)
        for method in methods:
            for role in ROLES:
                response = _call(clients(role), method, url)
                code = response.status_code
                where = f"{method} {url} ({rule.endpoint}) as {role}: {code}"
                if code >= 500:
                    problems.append(f"{where}, a server error")
                    continue
                if kind == "public":
                    allowed = True
                elif kind == "roles":
                    allowed = role in allowed_roles
                elif kind == "staff":
                    allowed = role != "anonymous"
                else:  # a private link with a token nobody issued: nobody gets in
                    if not 400 <= code < 500 or code == 405:
                        problems.append(f"{where}, an unknown private-link token must be refused")
                    continue
                if allowed and (_denied_anonymous(response)):
                    problems.append(f"{where}, should be allowed")
                if not allowed:
                    ok = _denied_anonymous(response) if role == "anonymous" else code == 403
                    if not ok:
                        problems.append(f"{where}, should be refused")
    assert not problems, "\n".join(problems)


def test_attendee_link_holder_is_anonymous_everywhere_else(app, clients):
    """Holding a private link gives no session: every role-protected route refuses it."""
    client = clients("anonymous")
    for rule, methods in routes(app):
        kind, _roles = classify(app, rule)
        if kind != "roles":
            continue
        response = _call(client, methods[0], sample_url(app, rule) + "?token=" + secrets.token_urlsafe(32))
        assert _denied_anonymous(response), f"{rule.endpoint}: {response.status_code}"


def test_the_walker_catches_an_undeclared_route(app):
    """A route with neither a role nor a listing is reported (the guard itself works)."""
    from flask import Blueprint

    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "open_door", lambda: "hello")
    app.register_blueprint(stray)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "stray.open_door")
    assert classify(app, rule) == (None, ())
    with pytest.raises(AssertionError, match="stray.open_door"):
        test_every_route_declares_who_may_use_it(app)


EVIL = ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "https:evil.example")
REDIRECT_PARAMS = ("next", "url", "redirect", "return_to", "back")


def test_no_route_redirects_to_another_site(app, clients, database_url):
    """Every redirect stays on this site, whatever next=/url=/... a link or form carries."""
    if not database_url.startswith("sqlite"):
        pytest.skip("where a redirect goes does not depend on the database; the walk runs once, on SQLite")
    problems = []
    for rule, methods in routes(app):
        url = sample_url(app, rule)
        for role in ("anonymous", "organizer"):
            for method in methods:
                for evil in EVIL:
                    params = {name: evil for name in REDIRECT_PARAMS}
                    client = clients(role)
                    if method == "GET":
                        response = client.get(url, query_string=params)
                    else:
                        response = client.open(url, method=method, data=params, query_string=params)
                    location = response.headers.get("Location")
                    if location and leaves_the_site(location):
                        problems.append(f"{method} {rule.rule} as {role} -> {location}")
    assert not problems, "\n".join(problems)


def leaves_the_site(location: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    if location.startswith("//") or "\\" in location:
        return True  # browsers read both as another host
    if parts.scheme:  # absolute, or "https:evil.example", which browsers complete
        return parts.netloc != "localhost"
    return False


def test_the_redirect_guard_sees_other_sites():
    assert all(leaves_the_site(evil) for evil in EVIL)
    assert not leaves_the_site("/login?next=%2Fsummits") and not leaves_the_site("http://localhost/x")
