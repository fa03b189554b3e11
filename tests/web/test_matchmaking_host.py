"""The host's booth pages: requests, decisions, the day's marks, walk-ins, A4 agenda, CVs."""
from __future__ import annotations

import io

from sqlalchemy import select

from summit.matchmaking import lookups, requests, timetable
from summit.matchmaking.models import Booth, Meeting, MeetingRequest


def _requests(db, mm):
    a, b = mm["booths"]
    for n, (reg, _t) in enumerate(mm["talents"]):
        requests.set_requests(reg, mm["session"], [a.id, b.id] if n < 3 else [b.id], [])
    db.session.rollback()


def test_only_hosts_of_the_organisation_see_the_booth(client, db, mm, login, make_user):
    _requests(db, mm)
    a = mm["booths"][0]
    assert client.get(f"/host/booths/{a.id}").status_code == 302  # to the login page
    login("host", organisation="海信集团")
    assert client.get(f"/host/booths/{a.id}").status_code == 403
    assert "海洋与大气学院" not in client.get("/host/booths").text
    client.post("/logout")
    login("host", organisation="中国海洋大学")
    page = client.get(f"/host/booths/{a.id}")
    assert page.status_code == 200 and "王㛃" in page.text
    assert "海洋与大气学院" in client.get("/host/booths").text
    client.post("/logout")
    login("judge")
    assert client.get(f"/host/booths/{a.id}").status_code == 403


def test_accept_decline_priority(client, db, mm, login):
    _requests(db, mm)
    login("host", organisation="中国海洋大学")
    req = db.session.scalar(select(MeetingRequest).where(MeetingRequest.booth_id == mm["booths"][0].id)
                            .order_by(MeetingRequest.id))
    rid = req.id
    assert client.post(f"/host/requests/{rid}/accept").status_code == 303
    db.session.rollback()
    assert db.session.get(MeetingRequest, rid).status == "accepted"
    client.post(f"/host/requests/{rid}/priority")
    db.session.rollback()
    assert db.session.get(MeetingRequest, rid).priority is True
    client.post(f"/host/requests/{rid}/decline")
    db.session.rollback()
    got = db.session.get(MeetingRequest, rid)
    assert got.status == "declined" and got.priority is False
    assert client.post(f"/host/requests/{rid}/explode", headers={"Accept": "application/json"}).status_code == 400
    refused = client.post(f"/host/requests/{rid}/explode")  # back to the request's booth
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/host/booths/{mm['booths'][0].id}")
    assert client.post("/host/requests/99999/accept").status_code == 404
    # A declined request is never scheduled.
    timetable.run_scheduler(mm["session"])
    db.session.rollback()
    assert db.session.scalar(select(Meeting).where(Meeting.registration_id == got.registration_id,
                                                   Meeting.booth_id == got.booth_id)) is None


def test_marking_the_day_and_walk_ins(client, db, mm, login):
    from tests.fixtures.matchmaking import make_talent

    _requests(db, mm)
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"])
    db.session.rollback()
    a = mm["booths"][0]
    login("host", organisation="中国海洋大学")
    meeting = db.session.scalar(select(Meeting).where(Meeting.booth_id == a.id).order_by(Meeting.id))
    mid = meeting.id
    p = f"m{mid}-"
    r = client.post(f"/host/meetings/{mid}/mark", data={p + "status": "held", p + "outcome": "intent_to_sign",
                                                        p + "note": "约定参观实验室"})
    assert r.status_code == 303
    db.session.rollback()
    m = db.session.get(Meeting, mid)
    assert (m.status, m.outcome, m.note) == ("held", "intent_to_sign", "约定参观实验室")
    page = client.get(f"/host/booths/{a.id}")
    assert page.status_code == 200 and "达成签约意向" in page.text and "约定参观实验室" in page.text
    assert "达成签约意向" in client.get(f"/host/booths/{a.id}/agenda").text
    # An outcome for a no-show is refused and nothing changes.
    bad = client.post(f"/host/meetings/{mid}/mark", data={p + "status": "no_show", p + "outcome": "interest"},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 422
    db.session.rollback()
    assert db.session.get(Meeting, mid).status == "held"
    # Walk-in: someone checked in at the summit who did not ask, put into the free slot.
    walker, _tok = make_talent(db, mm["summit"], mm["category"], "孙悟", 60)
    from summit.badges.models import CheckIn

    db.session.add(CheckIn(summit_id=mm["summit"].id, registration_id=walker.id, status="ok"))
    db.session.commit()
    taken = {m.slot_id for m in db.session.scalars(select(Meeting).where(Meeting.booth_id == a.id))}
    free = next(s for s in mm["session"].slots if s.id not in taken)
    r = client.post(f"/host/booths/{a.id}/walk-in", data={"who": walker.phone, "slot": str(free.id)})
    assert r.status_code == 303
    db.session.rollback()
    walk = db.session.scalar(select(Meeting).where(Meeting.registration_id == walker.id))
    assert walk.source == "walk_in" and walk.slot_id == free.id and walk.published_at is not None
    # Unknown person, taken slot.
    nobody = client.post(f"/host/booths/{a.id}/walk-in", data={"who": "nobody@example.com", "slot": str(free.id)},
                         headers={"Accept": "application/json"})
    assert nobody.status_code == 404
    other, _t = make_talent(db, mm["summit"], mm["category"], "周全", 61)
    db.session.add(CheckIn(summit_id=mm["summit"].id, registration_id=other.id, status="ok"))
    db.session.commit()
    full = client.post(f"/host/booths/{a.id}/walk-in", data={"who": other.email, "slot": str(free.id)},
                       headers={"Accept": "application/json"})
    assert full.status_code == 409
    figures = lookups.figures_for(mm["session"])
    assert figures["held"] == 1 and figures["walk_ins"] == 1 and figures["outcomes"]["intent_to_sign"] == 1


def test_a4_agenda_and_cv_link(client, db, mm, login, pdf_bytes):
    reg, token = mm["talents"][0]
    client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(pdf_bytes(1)), "cv.pdf")},
                content_type="multipart/form-data")
    db.session.rollback()
    _requests(db, mm)
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"])
    a = mm["booths"][0]
    login("host", organisation="中国海洋大学")
    page = client.get(f"/host/booths/{a.id}/agenda")
    assert page.status_code == 200
    assert "王㛃" in page.text and "青岛大学" in page.text and f"/matchmaking/cv/{reg.id}" in page.text
    # The page prints on A4: its own stylesheet says so (the CSP refuses a <style> block).
    assert "/static/matchmaking/booth_agenda.css" in page.text
    assert "size: A4" in client.get("/static/matchmaking/booth_agenda.css").text
    cv = client.get(f"/matchmaking/cv/{reg.id}")
    assert cv.status_code == 200 and cv.data.startswith(b"%PDF")
    client.post("/logout")
    login("host", organisation="海信集团")
    assert client.get(f"/matchmaking/cv/{reg.id}").status_code == 403


def test_closed_times_of_a_booth(client, db, mm, login):
    _requests(db, mm)
    a = mm["booths"][0]
    slots = [s.id for s in mm["session"].slots]
    a_id = a.id
    login("host", organisation="中国海洋大学")
    assert client.post(f"/host/booths/{a_id}/closed", data={"closed": [str(slots[0]), str(slots[1])]}).status_code == 303
    assert client.post(f"/host/booths/{a_id}/closed", data={"closed": ["999999"]},
                       headers={"Accept": "application/json"}).status_code == 422
    db.session.rollback()
    booth = db.session.get(Booth, a_id)
    assert booth.unavailable == slots[:2]
    timetable.run_scheduler(mm["session"])
    db.session.rollback()
    used = {m.slot_id for m in db.session.scalars(select(Meeting).where(Meeting.booth_id == a_id))}
    assert used and not used & set(slots[:2])
