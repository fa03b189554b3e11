"""HTTP details: one charset on the calendar and CSV downloads; the API's 401 names its scheme
(WWW-Authenticate: Bearer) and speaks the caller's language like the API's other errors."""
from __future__ import annotations

import pytest


def _one_charset(response, mimetype: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{mimetype}; charset=utf-8", response.headers["Content-Type"]


def test_calendars_have_one_charset(client, db, mm):
    from summit.matchmaking import timetable

    timetable.publish(mm["session"])
    db.session.rollback()
    _reg, token = mm["talents"][0]
    _one_charset(client.get(f"/me/{token}/agenda.ics"), "text/calendar")
    _one_charset(client.get("/programme/programme.ics"), "text/calendar")
    _one_charset(client.get(f"/programme/me/{token}/agenda.ics"), "text/calendar")


def test_csv_export_has_one_charset(client, db, login, reg_summit, person):
    client.post("/register", data=person())
    login("organizer")
    response = client.post("/organizer/registrations/export", data={"columns": ["name"], "format": "csv"})
    _one_charset(response, "text/csv")


@pytest.mark.parametrize("language,words", [("zh-CN", "API 令牌"), ("en", "valid API token")])
def test_the_apis_401_names_bearer_and_follows_the_language(client, language, words):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.post("/api/v1/checkin", json={"code": "X"}, headers={**headers, "Accept-Language": language})
        assert response.status_code == 401 and response.is_json
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
        assert words in response.json["error"], response.json
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
