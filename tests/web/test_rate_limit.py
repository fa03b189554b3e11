import pytest


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"}


def test_login_is_rate_limited(client):
    codes = [client.post("/login", data={"email": "x@example.com", "password": "nope"}).status_code
             for _ in range(7)]
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429, 429]
