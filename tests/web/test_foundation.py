from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, inspect, select

from summit.auth.models import User
from summit.core.models import Summit
from summit.registration.models import Registration


def test_healthz_reports_database(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] in ("sqlite", "postgresql")


def test_home_is_chinese_by_default_and_english_on_request(client, demo_summit):
    page = client.get("/").get_data(as_text=True)
    assert "2024千山峰会" in page and 'lang="zh-CN"' in page
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Qianshan Summit 2024" in english and 'lang="en"' in english


def test_language_switch_is_remembered(client, demo_summit):
    response = client.post("/lang/en", data={"next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Staff login" in client.get("/").get_data(as_text=True)
    client.post("/lang/zh_CN", data={"next": "/"})
    assert "工作人员登录" in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_foreign_redirect(client):
    response = client.post("/lang/en", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert client.post("/lang/fr").status_code == 404


def test_error_pages_are_translated(client):
    zh = client.get("/no-such-page")
    assert zh.status_code == 404 and "页面不存在" in zh.get_data(as_text=True)
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "This page does not exist." in en.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json["status"] == 404


@pytest.mark.parametrize("role", ["organizer", "checkin", "judge", "host"])
def test_login_per_role_and_logout(client, make_user, role):
    _id, email, password = make_user(role)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    assert client.get("/summits").status_code == (200 if role == "organizer" else 403)
    assert client.post("/logout").status_code == 302
    assert client.get("/summits").status_code == 302  # back to the login page


def test_login_refuses_a_wrong_password(client, make_user):
    _id, email, _password = make_user("organizer")
    response = client.post("/login", data={"email": email, "password": "wrong-password"})
    assert response.status_code == 400
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/summits").status_code == 302


def test_passwords_are_hashed_with_scrypt_unless_configured(monkeypatch, app):
    from summit.config import from_env

    monkeypatch.delenv("SUMMIT_PASSWORD_HASH_METHOD")
    assert from_env()["PASSWORD_HASH_METHOD"] == "scrypt"
    user = User(email="x@example.com")
    user.set_password("correct-horse")  # outside an application: the default
    assert user.password_hash.startswith("scrypt:") and user.check_password("correct-horse")
    with app.app_context():  # the suite's cheap method, from its environment
        user.set_password("correct-horse")
    assert user.password_hash.startswith("pbkdf2:sha256:1000$") and user.check_password("correct-horse")
    assert not user.check_password("wrong-horse")


def test_login_next_is_never_another_site(client, make_user):
    _id, email, password = make_user("organizer")
    response = client.post("/login", data={"email": email, "password": password, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/dashboard/"  # the organizer's start page, not the other site


def test_anonymous_is_sent_to_login(client):
    response = client.get("/summits")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_demo_summit_data(db, demo_summit):
    count = db.session.scalar(select(func.count()).select_from(Registration))
    assert 290 <= count <= 320
    names = set(db.session.scalars(select(Registration.name)))
    assert {"刘䶮", "王㛃", "吉𠮷", "张学莹"} <= names
    talents = db.session.scalars(select(Registration).join(Registration.category).where(
        Registration.category.has(code="talent"))).all()
    under_40 = sum(1 for r in talents if 2024 - r.birth_year < 40) / len(talents)
    assert 0.6 < under_40 < 0.8
    assert db.session.scalar(select(func.count()).select_from(Summit)) == 2
    assert Summit.current().year == 2024


def test_schema_matches_models(db):
    """The migrated schema is the models' schema: Alembic's autogenerate comparison finds no table,
    column, type, nullability, unique constraint, index or foreign key that differs."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "\n".join(map(repr, differences))


def test_an_id_beyond_the_database_range_is_not_found(client, make_user, login, reg_summit):
    login("organizer")
    assert client.get("/api/v1/registrations/99999999999999999999/badge.pdf").status_code == 404
    assert client.get("/api/v1/registrations/2147483648/badge.pdf").status_code == 404
    # Numbers in query strings and checkbox lists: beyond the range they match nothing.
    assert client.get("/organizer/registrations?category=2200000000&page=99999999999").status_code == 200
    assert client.post("/organizer/registrations/bulk", data={"ids": ["2200000000"], "action": "approve"}).status_code < 500


def test_programs_get_401_not_a_login_page(client):
    response = client.get("/api/v1/checkin/stats")
    assert response.status_code == 401 and response.json["status"] == 401


def _plan_two(job):
    return [[1], [2]]


def _render_then_fail(job, items):
    """A part that writes, then fails: nothing it wrote stays."""
    from summit.core import jobs
    from summit.extensions import db
    from summit.printing.pdf import render_pdf

    if items == [1]:
        return render_pdf("<p>1</p>")
    db.session.add(Summit(year=2099, name_zh="半途", name_en="Halfway", starts_on=dt.date(2099, 1, 1),
                          ends_on=dt.date(2099, 1, 2)))
    db.session.flush()
    raise RuntimeError(jobs.params(job)["why"])


def _failing_work():
    from summit.core import jobs

    return jobs.Work(plan=_plan_two, render=_render_then_fail)


FAILING_WORK = None  # made on first use: the module is imported before the app exists


def test_a_failing_job_is_recorded_and_leaves_nothing_half_written(app, db, caplog):
    from summit.core import jobs
    from summit.core.models import Job

    global FAILING_WORK
    FAILING_WORK = _failing_work()
    import logging

    logging.getLogger("summit.jobs").addHandler(caplog.handler)  # the app's logging does not propagate
    with app.test_request_context(headers={"Accept-Language": "en"}):
        job_id = jobs.start("test", "tests.web.test_foundation:FAILING_WORK", {"why": "paper jam"}).id
        db.session.rollback()
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and job.finished_at is not None
        # The reason in words for people; what went wrong only in the log.
        assert jobs.error_message(job).startswith("The batch could not be made.") and "paper jam" not in job.error
    logging.getLogger("summit.jobs").removeHandler(caplog.handler)
    assert "paper jam" in caplog.text
    assert (job.done, job.total) == (1, 2)
    assert db.session.scalar(select(func.count()).select_from(Summit).where(Summit.year == 2099)) == 0
