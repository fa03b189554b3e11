"""Walk-ins at a booth: only for people checked in at the summit or who asked for this host's
booths; nobody else's name is shown; the attendee is told by mail and can cancel."""
from __future__ import annotations

import re

from sqlalchemy import select

from summit.badges.models import CheckIn
from summit.core.models import OutboundMail
from summit.matchmaking import requests
from summit.matchmaking.models import Meeting
from tests.fixtures.matchmaking import make_talent


def _free_slot(db, mm, booth):
    db.session.rollback()  # see the bookings the requests made
    taken = {m.slot_id for m in db.session.scalars(select(Meeting).where(Meeting.booth_id == booth.id))}
    return next(s for s in mm["session"].slots if s.id not in taken)


def test_a_host_cannot_look_up_or_book_a_stranger(client, db, mm, login):
    a = mm["booths"][0]
    stranger, _tok = make_talent(db, mm["summit"], mm["category"], "欧阳娜娜", 70)
    login("host", organisation="中国海洋大学")
    client.get(f"/host/booths/{a.id}")  # the welcome message is shown here
    slot = _free_slot(db, mm, a)
    answers = {}
    for label, who in (("stranger", stranger.phone), ("stranger-email", stranger.email),
                       ("unknown", "13999999999")):
        answer = client.post(f"/host/booths/{a.id}/walk-in", data={"who": who, "slot": str(slot.id)})
        assert answer.status_code == 303
        answers[label] = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "欧阳娜娜" not in answers["stranger"] + answers["stranger-email"]
    notice = re.compile(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', re.S)
    assert notice.findall(answers["stranger"]) == notice.findall(answers["unknown"]) != []
    db.session.rollback()
    assert db.session.scalar(select(Meeting).where(Meeting.registration_id == stranger.id)) is None


def test_checked_in_or_asked_people_can_walk_in_are_told_and_can_cancel(client, db, mm, login):
    a, b = mm["booths"]
    asked, _t1 = mm["talents"][0]
    requests.set_requests(asked, mm["session"], [b.id], [])  # asked for another booth of the same host
    arrived, token = make_talent(db, mm["summit"], mm["category"], "孙悟", 71)
    db.session.add(CheckIn(summit_id=mm["summit"].id, registration_id=arrived.id, status="ok"))
    db.session.commit()
    login("host", organisation="中国海洋大学")
    for reg in (asked, arrived):
        slot = _free_slot(db, mm, a)
        answer = client.post(f"/host/booths/{a.id}/walk-in", data={"who": reg.phone, "slot": str(slot.id)})
        assert answer.status_code == 303
        assert reg.name in client.get(answer.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    meeting = db.session.scalar(select(Meeting).where(Meeting.registration_id == arrived.id))
    assert meeting.source == "walk_in"
    told = db.session.scalar(select(OutboundMail).where(OutboundMail.to_addr == arrived.email))
    assert "中国海洋大学" in told.subject or a.name("zh_CN") in told.subject
    assert "取消" in told.body_text and "/register/link" in told.body_text
    # The attendee cancels it from the private page.
    meeting_id = meeting.id
    cancelled = client.post(f"/me/{token}/meetings/{meeting_id}/cancel")
    assert cancelled.status_code == 303
    db.session.rollback()
    assert db.session.get(Meeting, meeting_id) is None
