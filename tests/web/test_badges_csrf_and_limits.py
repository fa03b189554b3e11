"""With CSRF protection and rate limits switched on, as in production (the counters in the
process and, with SUMMIT_TEST_REDIS_URL, in Redis)."""
import pytest


@pytest.fixture
def app_config(limit_storage):
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True, "CHECKIN_RATE_LIMIT": "5 per minute"}


def _login(client, make_user, role):
    import re

    _, email, password = make_user(role)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": email, "password": password, "csrf_token": token}).status_code == 302
    page = client.get("/checkin").get_data(as_text=True)
    return re.search(r'"csrf": "([^"]+)"', page).group(1)


def test_session_calls_need_the_csrf_header_tokens_do_not(client, make_user, make_registration, badge_code, app):
    code = badge_code(make_registration("刘䶮"))
    csrf = _login(client, make_user, "checkin")
    assert client.post("/api/v1/checkin", json={"code": code}).status_code == 400
    assert client.post("/api/v1/checkin", json={"code": code}, headers={"X-CSRFToken": "forged"}).status_code == 400
    response = client.post("/api/v1/checkin", json={"code": code}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.json["status"] == "ok"
    from summit.auth import services as auth

    with app.app_context():
        _, plain = auth.create_token("checkin", "door")
    bare = app.test_client()
    assert bare.post("/api/v1/checkin", json={"code": code},
                     headers={"Authorization": f"Bearer {plain}"}).json["status"] == "already_checked_in"


def test_scans_are_rate_limited_per_device(client, make_registration, badge_code, app):
    code = badge_code(make_registration("刘䶮"))
    from summit.auth import services as auth

    with app.app_context():
        _, one = auth.create_token("checkin", "door 1")
        _, two = auth.create_token("checkin", "door 2")
    codes = [client.post("/api/v1/checkin", json={"code": code}, headers={"Authorization": f"Bearer {one}"}).status_code
             for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    # Another device has its own allowance.
    assert client.post("/api/v1/checkin", json={"code": code},
                       headers={"Authorization": f"Bearer {two}"}).status_code == 200
