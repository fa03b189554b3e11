"""The door: every verdict, tokens, undo, search, the first scan winning under concurrency."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from summit.badges import checkin, dashboard, services
from summit.badges.models import CheckIn
from summit.registration.models import Registration


@pytest.fixture
def checkin_token(app):
    from summit.auth import services as auth

    with app.app_context():
        token, plain = auth.create_token("checkin", "door 1 scanner")
        return token.id, plain


def scan(client, code, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/checkin", json={"code": code}, headers=headers)


def test_every_verdict_is_answered_and_recorded(client, login, db, make_registration, badge_code, small_summit):
    ok = make_registration("刘䶮", organisation="中国海洋大学")
    code = badge_code(ok)
    staff = login("checkin")

    first = scan(client, code).json
    assert first["status"] == "ok"
    assert first["registration"]["name"] == "刘䶮" and first["registration"]["organisation"] == "中国海洋大学"
    assert first["registration"]["category"] == "高层次人才"
    assert first["checked_in_at"].endswith("+00:00")
    again = scan(client, f"  {code.lower()} ").json
    assert again["status"] == "already_checked_in" and again["checked_in_at"] == first["checked_in_at"]

    assert scan(client, "QS" + "A" * 26).json == {"status": "unknown", "registration": None, "checked_in_at": None,
                                                   "checkin_id": scan(client, "QS" + "A" * 26).json["checkin_id"] - 1}
    revoked_id = make_registration("王㛃")
    old = badge_code(revoked_id)
    services.reissue_badge(revoked_id)
    assert scan(client, old).json["status"] == "revoked"
    assert scan(client, badge_code(revoked_id)).json["status"] == "ok"

    cancelled = make_registration("吉𠮷")
    cancelled_code = badge_code(cancelled)
    db.session.get(Registration, cancelled).status = "cancelled"
    db.session.commit()
    assert scan(client, cancelled_code).json["status"] == "cancelled"

    pending = make_registration("龑明")
    pending_code = badge_code(pending)
    db.session.get(Registration, pending).status = "pending"
    db.session.commit()
    assert scan(client, pending_code).json["status"] == "not_approved"

    db.session.rollback()
    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [r.status for r in rows] == ["ok", "already_checked_in", "unknown", "unknown", "revoked", "ok",
                                        "cancelled", "not_approved"]
    assert all(r.staff_id == staff and r.at for r in rows)
    assert rows[2].registration_id is None and rows[2].code == "QS" + "A" * 26


def test_bad_bodies_get_400(client, login, small_summit):
    login("checkin")
    assert client.post("/api/v1/checkin", data="not json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/checkin", json={"code": ""}).status_code == 400
    assert client.post("/api/v1/checkin", json={"code": 42}).status_code == 400
    assert client.post("/api/v1/checkin", json=["x"]).status_code == 400
    assert client.post("/api/v1/checkin", json={"code": "x" * 10000}).json["status"] == "unknown"


def test_a_scan_sent_late_is_recorded_when_it_was_made(client, login, db, make_registration, badge_code):
    """A door device that lost the network sends its kept scans with how long ago each was made."""
    from summit.core.models import utcnow

    code = badge_code(make_registration("刘䶮"))
    login("checkin")
    before = utcnow()
    late = client.post("/api/v1/checkin", json={"code": code, "seconds_ago": 600}).json
    assert late["status"] == "ok"
    checked_in_at = dt.datetime.fromisoformat(late["checked_in_at"]).replace(tzinfo=None)
    assert before - dt.timedelta(seconds=601) <= checked_in_at <= utcnow() - dt.timedelta(seconds=599)
    # The same badge scanned again now: already checked in, at the earlier moment.
    again = scan(client, code).json
    assert again["status"] == "already_checked_in" and again["checked_in_at"] == late["checked_in_at"]
    db.session.rollback()
    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [r.status for r in rows] == ["ok", "already_checked_in"]
    assert rows[0].at < rows[1].at - dt.timedelta(seconds=590)


@pytest.mark.parametrize("bad", [-5, 86401, "600", True, None, [1]])
def test_a_bad_seconds_ago_is_refused_and_nothing_recorded(client, login, db, make_registration, badge_code, bad):
    code = badge_code(make_registration("王㛃"))
    login("checkin")
    body = {"code": code, "seconds_ago": bad}
    response = client.post("/api/v1/checkin", json=body)
    if bad is None:  # JSON null: the same as leaving it out
        assert response.status_code == 200 and response.json["status"] == "ok"
        return
    assert response.status_code == 400 and "seconds_ago" in response.json["error"]
    db.session.rollback()
    assert db.session.scalar(select(CheckIn)) is None


def test_device_token(client, db, make_registration, badge_code, checkin_token, app):
    token_id, plain = checkin_token
    code = badge_code(make_registration("张学莹"))
    response = scan(client, code, plain)
    assert response.status_code == 200 and response.json["status"] == "ok"
    db.session.rollback()
    row = db.session.scalar(select(CheckIn))
    assert row.api_token_id == token_id and row.device == "door 1 scanner" and row.staff_id is None
    assert scan(client, code, "not-a-token").status_code == 401
    from summit.auth import services as auth

    with app.app_context():
        auth.revoke_token(token_id)
    assert scan(client, code, plain).status_code == 401


def test_roles(client, login, make_registration, badge_code, app):
    code = badge_code(make_registration("张学莹"))
    assert scan(client, code).status_code in (302, 401)
    assert client.get("/checkin").status_code == 302
    from summit.auth import services as auth

    with app.app_context():
        _, judge_token = auth.create_token("judge", "tablet")
    assert scan(client, code, judge_token).status_code == 403
    login("judge")
    assert scan(client, code).status_code == 403
    assert client.get("/checkin").status_code == 403


def test_undo_then_scan_again(client, login, db, make_registration, badge_code):
    code = badge_code(make_registration("欧阳䶮"))
    login("checkin")
    first = scan(client, code).json
    undone = client.post(f"/api/v1/checkin/{first['checkin_id']}/undo")
    assert undone.status_code == 200 and undone.json["status"] == "undone"
    assert client.post(f"/api/v1/checkin/{first['checkin_id']}/undo").status_code == 409
    assert client.post("/api/v1/checkin/99999/undo").status_code == 409
    second = scan(client, code).json
    assert second["status"] == "ok"
    already = scan(client, code).json
    assert client.post(f"/api/v1/checkin/{already['checkin_id']}/undo").status_code == 409
    db.session.rollback()
    assert db.session.get(CheckIn, first["checkin_id"]).undone_at is not None


def test_search_and_check_in_without_badge(client, login, make_registration, small_summit):
    rid = make_registration("严小天", phone="13855556666", organisation="青岛虚拟现实研究院")
    make_registration("严小地", status="cancelled")
    login("checkin")
    by_name = client.get("/api/v1/checkin/search?q=严小").json["results"]
    assert {r["name"] for r in by_name} == {"严小天", "严小地"}
    by_phone = client.get("/api/v1/checkin/search?q=5556666").json["results"]
    assert [r["id"] for r in by_phone] == [rid] and by_phone[0]["phone_tail"] == "6666"
    assert "phone" not in by_phone[0]
    assert client.get("/api/v1/checkin/search?q=").json["results"] == []
    assert client.get("/api/v1/checkin/search?q=%25").json["results"] == []
    result = client.post(f"/api/v1/checkin/registrations/{rid}").json
    assert result["status"] == "ok" and result["registration"]["name"] == "严小天"
    assert client.post(f"/api/v1/checkin/registrations/{rid}").json["status"] == "already_checked_in"
    assert client.get("/api/v1/checkin/search?q=严小天").json["results"][0]["checked_in"] is True
    cancelled = by_name[[r["name"] for r in by_name].index("严小地")]["id"]
    assert client.post(f"/api/v1/checkin/registrations/{cancelled}").json["status"] == "cancelled"
    assert client.post("/api/v1/checkin/registrations/999999").status_code == 404


def test_checkin_page_for_phones(client, login, make_registration, small_summit):
    login("checkin")
    page = client.get("/checkin").get_data(as_text=True)
    assert 'id="code"' in page and "autofocus" in page
    assert "/static/vendor/jsqr/jsQR.js" in page and "/static/js/checkin.js" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert client.get("/static/vendor/jsqr/jsQR.js").status_code == 200


def test_live_counts(client, login, db, make_registration, badge_code, small_summit, app):
    codes = [badge_code(make_registration(n, category=c)) for n, c in
             (("刘䶮", "talent"), ("王㛃", "talent"), ("张学莹", "enterprise"))]
    make_registration("严小天", status="pending")
    login("checkin")
    scan(client, codes[0])
    scan(client, codes[0])
    scan(client, codes[2])
    scan(client, "QSNOPE")
    stats = client.get("/api/v1/checkin/stats").json
    assert stats["checked_in"] == 2 and stats["approved"] == 3 and stats["scans"] == 4 and stats["failed_scans"] == 1
    assert [(c["code"], c["checked_in"], c["approved"]) for c in stats["by_category"]] == [
        ("talent", 1, 2), ("enterprise", 1, 1)]
    assert sum(n for _, n in stats["timeline"]) == 2
    db.session.rollback()
    with app.test_request_context("/dashboard"):  # the organizer's dashboard calls it in a request
        section = dashboard.figures(small_summit)[0]
    assert section["key"] == "checkin"
    assert {s["value"] for s in section["stats"]} >= {2, 3}
    assert section["charts"][0]["kind"] == "bar" and section["charts"][1]["kind"] == "line"
    assert section["tables"][0]["rows"][0][1:] == [1, 2]


def test_twenty_concurrent_scans_of_one_code_give_one_ok(app, db, make_registration, badge_code, checkin_token):
    """A real threaded HTTP server and 20 scanners firing at once: exactly one ok."""
    import requests
    from werkzeug.serving import make_server

    code = badge_code(make_registration("刘䶮"))
    _, plain = checkin_token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/checkin"
    barrier = threading.Barrier(20)
    answers: list = []

    def scanner():
        barrier.wait()
        response = requests.post(url, json={"code": code}, headers={"Authorization": f"Bearer {plain}"}, timeout=60)
        answers.append((response.status_code, response.json().get("status")))

    try:
        scanners = [threading.Thread(target=scanner) for _ in range(20)]
        for t in scanners:
            t.start()
        for t in scanners:
            t.join()
    finally:
        server.shutdown()
    assert len(answers) == 20 and {s for s, _ in answers} == {200}
    statuses = sorted(s for _, s in answers)
    assert statuses.count("ok") == 1 and statuses.count("already_checked_in") == 19
    db.session.rollback()
    assert len(db.session.scalars(select(CheckIn)).all()) == 20


def test_concurrent_checkins_in_the_service_itself(app, db, make_registration, badge_code):
    code = badge_code(make_registration("王㛃"))
    barrier = threading.Barrier(20)
    results: list = []

    def worker():
        with app.app_context():
            barrier.wait()
            results.append(checkin.check_in(code, device="thread")["status"])
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count("already_checked_in") == 19
