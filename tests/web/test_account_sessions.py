"""Sessions end everywhere on logout, a new password or a disabled account; logins are
throttled per account as well as per address; an unknown email costs the same work."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from summit.auth import services
from summit.auth.models import User


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "100 per minute"}


def _logged_in(app, email, password):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    assert client.get("/contest/judge").status_code == 200
    return client


def _user(db, email) -> User:
    db.session.rollback()
    return db.session.scalar(select(User).where(User.email == email))


def test_logout_ends_every_session_of_the_account(app, db, make_user):
    _uid, email, password = make_user("judge")
    laptop, tablet = _logged_in(app, email, password), _logged_in(app, email, password)
    saved = laptop.get_cookie("session").value  # a copy of the cookie, taken before logging out
    assert laptop.post("/logout").status_code == 302
    assert laptop.get("/contest/judge").status_code == 302  # to the login page
    assert tablet.get("/contest/judge").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/contest/judge").status_code == 302


def test_a_new_password_ends_the_sessions(app, db, make_user):
    _uid, email, password = make_user("judge")
    client = _logged_in(app, email, password)
    services.change_password(_user(db, email), "a-new-password-1")
    assert client.get("/contest/judge").status_code == 302
    _logged_in(app, email, "a-new-password-1")


def test_disabling_an_account_ends_its_sessions(app, db, make_user):
    _uid, email, password = make_user("judge")
    client = _logged_in(app, email, password)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["disable-user", email])
    assert result.exit_code == 0, result.output
    assert client.get("/contest/judge").status_code == 302
    assert app.test_client().post("/login", data={"email": email, "password": password}).status_code == 400
    assert runner.invoke(args=["disable-user", email, "--enable"]).exit_code == 0
    _logged_in(app, email, password)


def test_login_is_throttled_per_account_across_addresses(app, db, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    _uid, email, _password = make_user("judge")
    codes = []
    for n in range(2, 9):  # seven addresses, one try each beyond the first five
        client = app.test_client()
        answer = client.post("/login", data={"email": email.upper(), "password": "wrong-password"},
                             environ_base={"REMOTE_ADDR": f"127.0.0.{n}"}, headers={"Accept-Language": "en"})
        codes.append(answer.status_code)
    assert codes == [400] * 5 + [429, 429]
    assert "Too many login attempts for this account" in answer.get_data(as_text=True)
    assert answer.headers["Retry-After"]
    zh = app.test_client().post("/login", data={"email": email, "password": "x"},
                                environ_base={"REMOTE_ADDR": "127.0.0.20"})
    assert zh.status_code == 429 and "该账号登录尝试过多" in zh.get_data(as_text=True)
    # Another account from the same addresses is not held up.
    other = make_user("judge")
    assert app.test_client().post("/login", data={"email": other[1], "password": other[2]},
                                  environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 302


def test_an_unknown_email_costs_a_password_hash(app, db, make_user):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:300000"  # slow enough to measure
    with app.app_context():
        user = _user(db, make_user("judge")[1])
        user.set_password("correct-horse")
        db.session.commit()
        email = user.email

    def timed(address):
        started = time.perf_counter()
        with app.test_request_context():
            assert services.authenticate(address, "wrong-password") is None
        return time.perf_counter() - started

    timed("nobody@example.com")  # the dummy hash is made once
    known = min(timed(email) for _ in range(3))
    unknown = min(timed("nobody@example.com") for _ in range(3))
    assert unknown > known * 0.6, (known, unknown)
