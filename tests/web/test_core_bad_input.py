"""Bad input gets a 4xx, never a 500: NUL bytes (PostgreSQL refuses them in text) and lone
surrogates (no database or file encoding can store them) are refused at the request boundary,
for every route, with a translated 400 (JSON for the API); ids beyond the database's range are
refused before they reach it."""
from __future__ import annotations

import json

import pytest

from tests.web.test_ops_routes import routes, sample_url

NUL = "\x00"
SURROGATE_JSON = '{"code": "\\ud800", "round": 1, "values": {"a\\udfff": 1}}'
ZH = "无法保存的字符"
EN = "cannot be stored"


def _organizer(app, make_user):
    user_id = make_user("organizer")[0]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def test_every_route_refuses_nul_and_lone_surrogates(app, make_user):
    """The guard sits before every view: a NUL in the query or a form field, a lone surrogate in
    JSON, on every route of the URL map, get a 400, for an organizer and for an anonymous visitor."""
    problems = []
    for who, client in (("organizer", _organizer(app, make_user)), ("anonymous", app.test_client())):
        for rule, methods in routes(app):
            url = sample_url(app, rule)
            for method in methods:
                attempts = [("query", dict(query_string={"q": f"a{NUL}b", "hall": NUL}))]
                if method != "GET":
                    attempts += [("form", dict(data={"name": f"x{NUL}", "q": NUL})),
                                 ("json", dict(data=SURROGATE_JSON, content_type="application/json"))]
                for where, kwargs in attempts:
                    response = client.open(url, method=method, **kwargs)
                    if response.status_code != 400:
                        problems.append(f"{method} {rule.rule} ({where}, {who}): {response.status_code}")
    assert not problems, "\n".join(problems)


def test_nul_in_the_path_is_refused(client):
    for path in ("/verify/%00", "/verify/a%00b", f"/r/{'x' * 20}%00"):
        response = client.get(path)
        assert response.status_code == 400 and ZH in response.get_data(as_text=True)


def test_checkin_api_refuses_a_lone_surrogate_in_the_callers_language(app, client):
    from summit.auth import services as auth

    with app.app_context():
        _token, plain = auth.create_token("checkin", "door 1 scanner")
    for language, words in (("zh-CN", ZH), ("en", EN)):
        response = client.post("/api/v1/checkin", data='{"code": "\\ud800"}', content_type="application/json",
                               headers={"Authorization": f"Bearer {plain}", "Accept-Language": language})
        assert response.status_code == 400 and response.is_json
        assert words in response.json["error"] and response.json["status"] == 400


def test_public_forms_and_search_boxes_refuse_nul(client, login, db, contest, reg_summit_like):
    """The routes of the report, with real data behind them: each was a 500 on PostgreSQL."""
    checks = [
        ("GET", "/stage/state.json", dict(query_string={"hall": NUL})),
        ("POST", "/register/link", dict(data={"contact": f"a{NUL}@example.com"})),
        ("POST", "/contest/apply", dict(data={"track": "startup", "project_name": f"项目{NUL}",
                                              "leader_name": "张三", "leader_email": "a@example.com"})),
        ("GET", "/contest/", dict(query_string={"q": NUL})),
    ]
    for method, url, kwargs in checks:
        response = client.open(url, method=method, **kwargs)
        assert response.status_code == 400, (url, response.status_code)
    login("organizer")
    for url in ("/organizer/registrations", "/badges", "/api/v1/checkin/search"):
        response = client.get(url, query_string={"q": f"张{NUL}", "search": NUL})
        assert response.status_code == 400, (url, response.status_code)
        assert ZH in (response.json["error"] if response.is_json else response.get_data(as_text=True))


@pytest.fixture
def reg_summit_like(db, contest):
    """Registration open on the contest's summit, so /register/link is live."""
    import datetime as dt

    summit = contest.summit
    summit.registration_opens_at = dt.datetime(2020, 1, 1)
    summit.registration_closes_at = dt.datetime(2099, 1, 1)
    db.session.commit()
    return summit


def test_a_booth_id_beyond_the_integer_range_is_refused(client, db, mm):
    """9223372036854775808 went to SQLite as an OverflowError (a 500)."""
    from summit.matchmaking import timetable

    timetable.publish(mm["session"])
    db.session.rollback()
    _reg, token = mm["talents"][0]
    session_id = mm["session"].id
    slot_id = mm["session"].slots[0].id
    for data in ({"booth": "9223372036854775808", "slot": str(slot_id)},
                 {"place": f"9223372036854775808:{slot_id}"},
                 {"booth": str(mm["booths"][0].id), "slot": "-9223372036854775809"}):
        response = client.post(f"/me/{token}/sessions/{session_id}/book", data=data)
        assert response.status_code == 400, (data, response.status_code)


def test_the_guard_lets_ordinary_text_through(client, db, reg_summit, person):
    """Chinese, emoji (a surrogate pair in JSON is one character, not a lone half) and tabs pass."""
    data = person(name="王㛃 🎉", dietary="素食\t无辣")
    assert client.post("/register", data=data).status_code == 303
    response = client.post("/api/v1/checkin", data=json.dumps({"code": "\U0001F389"}),
                           content_type="application/json")
    assert response.status_code == 401  # on to the view, which wants a token


def test_the_api_description_says_text_holds_no_nul(client):
    """So that API clients (and the schema-driven fuzzing) know what the guard refuses."""
    spec = client.get("/api/v1/openapi.json").json

    def strings(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and "enum" not in node:
                yield node
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    found = list(strings(spec))
    assert found and all(s.get("pattern") == "^[^\\u0000]*$" for s in found)
    assert "NUL" in spec["paths"]["/api/v1/checkin/stats"]["get"]["responses"]["400"]["description"]
