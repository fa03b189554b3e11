"""Every public POST, the check-in API, the scoring API and the JSON API answer 429 past their
named limit (SUMMIT_RATE_LIMIT_*), per client address, with Retry-After and a translated page
or JSON body; with Redis the count is shared by every worker."""
from __future__ import annotations

import os
import uuid

import pytest

from summit import create_app
from tests.conftest import BASE_CONFIG
from tests.web.test_ops_routes import sample_url

LIMITS = {"REGISTRATION_RATE_LIMIT": "2 per minute", "CHECKIN_RATE_LIMIT": "2 per minute",
          "SCORING_RATE_LIMIT": "2 per minute", "API_RATE_LIMIT": "2 per minute"}
ZH = "请求过于频繁"
EN = "Too many requests. Please wait a moment and try again."


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, **LIMITS}


def _limited_routes(app):
    """(method, rule, endpoint) of every public POST, every /api/ route and the scoring API."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        methods = rule.methods - {"HEAD", "OPTIONS"}
        public_post = "POST" in methods and not getattr(view, "required_roles", None)
        if rule.rule.startswith("/api/") or public_post or rule.endpoint.startswith("contest.score_submit"):
            found.append(("POST" if "POST" in methods else "GET", rule, view))
    return found


# Their own limits and no rate_limit name: the login (per address and per account), logging
# out and the language switch (no data from the public is stored).
OWN_OR_NONE = {"auth.login", "auth.logout", "core.set_language"}


def test_every_public_post_and_api_route_names_a_limit(app):
    missing = [rule.rule for _m, rule, view in _limited_routes(app)
               if rule.endpoint not in OWN_OR_NONE and not getattr(view, "rate_limit", None)]
    assert not missing, missing


def test_each_route_answers_429_past_its_limit(app, db):
    """Posts past the limit on each route; nothing needs to exist: the count comes first."""
    checked = []
    for method, rule, view in _limited_routes(app):
        if rule.endpoint in OWN_OR_NONE:
            continue
        url = sample_url(app, rule)
        client = app.test_client()
        wanted_json = rule.rule.startswith("/api/")
        lang = "en" if len(checked) % 2 else "zh-CN"
        answers = [client.open(url, method=method, headers={"Accept-Language": lang}) for _ in range(3)]
        assert [a.status_code == 429 for a in answers] == [False, False, True], (rule.rule, answers)
        last = answers[-1]
        assert int(last.headers["Retry-After"]) > 0, rule.rule
        text = last.get_json()["error"] if wanted_json else last.get_data(as_text=True)
        assert (EN if lang == "en" else ZH) in text, (rule.rule, text[:300])
        checked.append(rule.rule)
    for expected in ("/register", "/register/link", "/contest/apply", "/contest/team/<token>",
                     "/programme/roadshow/<int:result_id>/interest", "/api/v1/checkin",
                     "/contest/judge/scores", "/me/<token>/cv", "/r/<token>/edit"):
        assert expected in checked


def test_the_limit_counts_per_client_address_behind_the_proxies(database_url, tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                      "PROXY_COUNT": 1, "UPLOAD_DIR": str(tmp_path), **LIMITS})
    client = app.test_client()

    def post(address):
        return client.post("/register/link", data={"contact": "a@example.com"},
                           headers={"X-Forwarded-For": address}).status_code == 429

    assert [post("203.0.113.1") for _ in range(3)] == [False, False, True]
    assert not post("203.0.113.2")  # another visitor behind the same proxy
    # A forged hop in front of the one the proxy adds changes nothing: only one hop is trusted.
    assert client.post("/register/link", data={"contact": "a@example.com"},
                       headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.1"}).status_code == 429


REDIS_URL = os.environ.get("SUMMIT_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="shared limits need Redis: set SUMMIT_TEST_REDIS_URL")
def test_two_workers_share_the_count_through_redis(database_url, tmp_path):
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": REDIS_URL, "UPLOAD_DIR": str(tmp_path), **LIMITS}
    workers = [create_app(config).test_client(), create_app(config).test_client()]
    # Counters outlive the test in Redis: an address of its own.
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    limited = [workers[i % 2].post("/register/link", data={"contact": "a@example.com"},
                                   environ_base={"REMOTE_ADDR": address}).status_code == 429
               for i in range(3)]
    assert limited == [False, False, True]


def test_made_up_device_tokens_do_not_get_counters_of_their_own(app, db):
    client = app.test_client()
    codes = [client.get("/api/v1/checkin/stats", headers={"Authorization": f"Bearer made-up-{n}"}).status_code
             for n in range(3)]
    assert codes == [401, 401, 429]
