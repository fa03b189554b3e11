"""The talent's private pages: sessions, requests, times away, CV, agenda, .ics, booking."""
from __future__ import annotations

import threading
from urllib.parse import quote

from icalendar import Calendar
from sqlalchemy import func, select

from summit.matchmaking import booking, errors, host, requests, timetable
from summit.matchmaking.models import Meeting, MeetingRequest, TalentProfile
from tests.fixtures.matchmaking import make_talent


def _url(token, session, tail=""):
    return f"/me/{token}/sessions/{session.id}{tail}"


def test_unknown_token_is_404_and_id_is_not_a_key(client, mm):
    assert client.get("/me/not-a-real-token/sessions").status_code == 404
    reg, _token = mm["talents"][0]
    assert client.get(f"/me/{reg.id}/sessions").status_code == 404


def test_sessions_list_and_recommendations(client, mm):
    reg, token = mm["talents"][0]  # fields: marine_bio
    page = client.get(f"/me/{token}/sessions")
    assert page.status_code == 200
    assert "中国海洋大学引才专场对接会" in page.text
    detail = client.get(_url(token, mm["session"]))
    assert detail.status_code == 200
    assert "海洋与大气学院" in detail.text and "信息科学与工程学部" in detail.text
    assert "为您推荐" in detail.text or "Recommended for you" in detail.text
    english = client.get(_url(token, mm["session"]) + "?lang=en")
    assert "OUC session" in english.text and "Oceanic and Atmospheric Sciences" in english.text


def test_requests_in_order_with_times_away(client, db, mm):
    reg, token = mm["talents"][0]
    a, b = mm["booths"]
    slots = mm["session"].slots
    r = client.post(_url(token, mm["session"]), data={f"rank_{b.id}": "1", f"rank_{a.id}": "2",
                                                      "unavailable": [str(slots[0].id)]})
    assert r.status_code == 303
    db.session.rollback()
    rows = db.session.scalars(select(MeetingRequest).where(MeetingRequest.registration_id == reg.id)
                              .order_by(MeetingRequest.rank)).all()
    assert [(x.booth_id, x.rank) for x in rows] == [(b.id, 1), (a.id, 2)]
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == reg.id))
    assert profile.unavailable_slot_ids == [slots[0].id]
    # Reordering keeps the host's decision on a request that stays.
    host.decide(rows[0], "accept")
    client.post(_url(token, mm["session"]), data={f"rank_{b.id}": "2", f"rank_{a.id}": "1"})
    db.session.rollback()
    again = {x.booth_id: x for x in db.session.scalars(select(MeetingRequest).where(MeetingRequest.registration_id == reg.id))}
    assert again[b.id].rank == 2 and again[b.id].status == "accepted" and again[a.id].rank == 1


def test_bad_requests_get_a_message_and_change_nothing(client, db, mm):
    reg, token = mm["talents"][0]
    a, b = mm["booths"]
    same = client.post(_url(token, mm["session"]), data={f"rank_{a.id}": "1", f"rank_{b.id}": "1"})
    assert same.status_code == 422
    assert "each chosen booth its own place" in same.text or "不能重复" in same.text
    mm["session"].max_requests = 1
    db.session.commit()
    too_many = client.post(_url(token, mm["session"]), data={f"rank_{a.id}": "1", f"rank_{b.id}": "2"})
    assert too_many.status_code == 422
    mm["session"].requests_open = False
    db.session.commit()
    closed = client.post(_url(token, mm["session"]), data={f"rank_{a.id}": "1"})
    assert closed.status_code == 409
    assert client.post(_url(token, mm["session"]), data={f"rank_{a.id}": "x"}).status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)) == 0


def test_pending_registration_cannot_request(client, db, mm):
    reg, token = make_talent(db, mm["summit"], mm["category"], "李娜", 77, status="pending")
    a = mm["booths"][0]
    page = client.get(_url(token, mm["session"]))
    assert page.status_code == 200 and 'name="rank_' not in page.text
    r = client.post(_url(token, mm["session"]), data={f"rank_{a.id}": "1"})
    assert r.status_code == 403
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)) == 0


def test_cv_upload_pdf_only(client, db, mm, tmp_path, pdf_bytes):
    import io

    reg, token = mm["talents"][0]
    bad = client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(b"MZ not a pdf"), "cv.exe"), "back_session": str(mm["session"].id)},
                      content_type="multipart/form-data")
    assert bad.status_code == 303
    follow = client.get(bad.headers["Location"])
    assert "PDF" in follow.text
    ok = client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(pdf_bytes(1)), "../../简历.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 303
    db.session.rollback()
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == reg.id))
    assert profile.cv_filename == "简历.pdf" and profile.cv_path.startswith("cv/")  # under the storage root
    from summit.core import storage

    assert storage.path(profile.cv_path).read_bytes().startswith(b"%PDF")


def _schedule_and_publish(db, mm):
    a, b = mm["booths"]
    for n, (reg, _t) in enumerate(mm["talents"]):
        # Booth A (one at a time, four slots) keeps one slot free for the booking tests.
        requests.set_requests(reg, mm["session"], [a.id, b.id] if n < 3 else [b.id], [])
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"])
    db.session.rollback()


def test_agenda_phone_view_and_ics(client, db, mm):
    _schedule_and_publish(db, mm)
    reg, token = mm["talents"][0]
    page = client.get(f"/me/{token}/agenda")
    assert page.status_code == 200
    assert "海洋与大气学院" in page.text or "信息科学与工程学部" in page.text
    ics = client.get(f"/me/{token}/agenda.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    cal = Calendar.from_ical(ics.data)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    mine = db.session.scalars(select(Meeting).where(Meeting.registration_id == reg.id)).all()
    assert len(events) == len(mine) == 2
    starts = sorted(e.decoded("dtstart").hour for e in events)
    assert all(h == 1 for h in starts)  # 09:00-10:00 in Qingdao is 01:00-02:00 UTC


def test_booking_a_free_time_and_its_refusals(client, db, mm):
    a, b = mm["booths"]
    reg, token = mm["talents"][0]
    late, late_token = make_talent(db, mm["summit"], mm["category"], "赵敏", 50)
    before = client.post(_url(late_token, mm["session"], "/book"), data={"place": f"{a.id}:{mm['session'].slots[0].id}"})
    assert before.status_code == 303  # not published yet: refused with a message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.registration_id == late.id)) == 0
    _schedule_and_publish(db, mm)
    taken = {(m.booth_id, m.slot_id) for m in db.session.scalars(select(Meeting))}
    free_a = [s for s in mm["session"].slots if (a.id, s.id) not in taken]
    page = client.get(_url(late_token, mm["session"]))
    assert 'name="place"' in page.text
    r = client.post(_url(late_token, mm["session"], "/book"), data={"place": f"{a.id}:{free_a[0].id}"})
    assert r.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(Meeting).where(Meeting.registration_id == late.id)).slot_id == free_a[0].id
    # The same booth twice, a full place, an id from nowhere.
    again = client.post(_url(late_token, mm["session"], "/book"), data={"place": f"{a.id}:{free_a[-1].id}"},
                        headers={"Accept": "application/json"})
    assert again.status_code == 409
    full_slot = next(s for s in mm["session"].slots if (a.id, s.id) in taken)
    other, other_token = make_talent(db, mm["summit"], mm["category"], "钱进", 51)
    full = client.post(_url(other_token, mm["session"], "/book"), data={"place": f"{a.id}:{full_slot.id}"},
                       headers={"Accept": "application/json"})
    assert full.status_code == 409
    assert full.json["error"] == "抱歉，该对接台此时段刚刚已被预约，请选择其他时段。"  # the zh message of a full place
    assert client.post(_url(other_token, mm["session"], "/book"), data={"place": "999:999"},
                       headers={"Accept": "application/json"}).status_code == 422


def _race(app, mm, contenders: int, booth, slot):
    """`contenders` talents book the same booth and slot at the same moment."""
    regs = []
    with app.app_context():
        from summit.extensions import db

        for n in range(contenders):
            reg, _t = make_talent(db, mm["summit"], mm["category"], f"抢位{n}", 100 + n)
            regs.append(reg.id)
    barrier = threading.Barrier(contenders)
    results = []

    def worker(reg_id):
        # A booking always runs inside a request (its messages are translated for it).
        with app.test_request_context("/"):
            from summit.extensions import db
            from summit.matchmaking.models import Booth, Slot
            from summit.registration.models import Registration

            reg = db.session.get(Registration, reg_id)
            bo = db.session.get(Booth, booth)
            sl = db.session.get(Slot, slot)
            barrier.wait()
            try:
                booking.book(reg, bo, sl)
                results.append("ok")
            except errors.MatchmakingError as exc:
                results.append(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(r,)) for r in regs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_people_book_the_last_place_at_once(app, db, mm):
    a = mm["booths"][0]  # holds one meeting at a time
    slot = mm["session"].slots[2]
    a_id, slot_id = a.id, slot.id
    results = _race(app, mm, 2, a_id, slot_id)
    assert sorted(results, key=lambda r: r != "ok")[0] == "ok"
    assert results.count("ok") == 1
    loser = next(r for r in results if r != "ok")
    assert "taken" in loser or "已被" in loser
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.booth_id == a_id, Meeting.slot_id == slot_id)) == 1


def test_many_people_race_for_two_places(app, db, mm):
    b = mm["booths"][1]  # holds two at a time
    slot = mm["session"].slots[1]
    b_id, slot_id = b.id, slot.id
    results = _race(app, mm, 6, b_id, slot_id)
    assert results.count("ok") == 2 and len(results) == 6
    db.session.rollback()
    places = sorted(db.session.scalars(select(Meeting.place).where(Meeting.booth_id == b_id, Meeting.slot_id == slot_id)))
    assert places == [0, 1]


def test_talent_cancels_own_meeting_only(client, db, mm):
    _schedule_and_publish(db, mm)
    reg, token = mm["talents"][0]
    other, other_token = mm["talents"][1]
    mine = db.session.scalar(select(Meeting).where(Meeting.registration_id == reg.id).order_by(Meeting.id))
    theirs = db.session.scalar(select(Meeting).where(Meeting.registration_id == other.id).order_by(Meeting.id))
    mine_id, theirs_id = mine.id, theirs.id
    assert client.post(f"/me/{token}/meetings/{theirs_id}/cancel").status_code == 404
    host.mark(db.session.get(Meeting, mine_id), "held")
    assert client.post(f"/me/{token}/meetings/{mine_id}/cancel", headers={"Accept": "application/json"}).status_code == 409
    refused = client.post(f"/me/{token}/meetings/{mine_id}/cancel")  # back to the meeting's session page
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/me/{quote(token)}/sessions/{mm['session'].id}")
    host.mark(db.session.get(Meeting, mine_id), "planned")
    assert client.post(f"/me/{token}/meetings/{mine_id}/cancel").status_code == 303
    db.session.rollback()
    assert db.session.get(Meeting, mine_id) is None and db.session.get(Meeting, theirs_id) is not None
