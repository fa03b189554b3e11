"""The login's rate limit, with its counters in the process and in the real Redis (CI)."""
import pytest


@pytest.fixture
def app_config(limit_storage):
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"}


def _attempts(client, n):
    return [client.post("/login", data={"email": "x@example.com", "password": "nope"}).status_code
            for _ in range(n)]


def test_login_is_rate_limited(client, limit_storage):
    codes = _attempts(client, 7)
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429, 429]
    if limit_storage.kind == "redis":
        # The counters are in Redis, not in this process: without them the next attempt goes through.
        assert limit_storage.keys()
        limit_storage.forget()
        assert _attempts(client, 1) == [400]


def test_login_limit_is_shared_by_two_workers(app, limit_storage):
    """A second worker starts with its own connection to the counters (a new application, whose
    limiter storage is made anew): it finds the first worker's attempts, since they are in Redis."""
    from summit import create_app
    from tests.conftest import BASE_CONFIG

    if limit_storage.kind == "memory":
        pytest.skip("in-process counters are per worker by design; production keeps them in Redis")
    first = app.test_client()
    assert _attempts(first, 3) == [400] * 3
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"})
    second = other.test_client()
    assert _attempts(second, 4) == [400, 400, 429, 429]
    with other.app_context():
        from summit.extensions import db

        db.engine.dispose()
