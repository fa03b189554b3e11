"""A cancelled or rejected registration releases what it held in every feature, through the
registration_withdrawn signal and the real receivers of matchmaking, badges and programme:
future booth meetings and meeting requests (the hosts are told), the badge, the programme
parts; the person's mail lists them, and the organizer sees them (nothing comes back)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from summit.badges.models import Badge
from summit.core.models import OutboundMail
from summit.matchmaking import booking, requests as mm_requests, sessions_admin
from summit.matchmaking.models import Meeting, MeetingRequest
from summit.registration import attendee, organizer
from summit.registration.models import Category, Registration


@pytest.fixture
def held(db, reg_summit, make_user):
    """A talent with a badge, two programme parts, a published meeting at booth A and a request
    to booth B, in a session a week from now; booth A's host account."""
    host_id, host_email, _pw = make_user("host", email="host.a@example.com")
    category_id = db.session.scalar(select(Category.id).where(Category.summit_id == reg_summit.id,
                                                              Category.code == "enterprise"))
    reg, _token = attendee.submit(reg_summit, {
        "name": "王㛃", "category_id": category_id, "organisation": "青岛大学", "phone": "13912345678",
        "email": "wang.jie@example.com", "id_type": "passport", "id_number": "E7654321", "language": "en",
        "programme_parts": ["opening", "recruitment"]}, send_mail=False)
    day = dt.date.today() + dt.timedelta(days=7)
    session = sessions_admin.create_session(reg_summit, title_zh="海大引才专场", title_en="OUC session",
                                            host_org_zh="中国海洋大学", host_org_en="Ocean University of China",
                                            kind="university", day=day, start=dt.time(9, 0), end=dt.time(10, 0),
                                            slot_minutes=15)
    a = sessions_admin.add_booth(session, name_zh="海洋与大气学院", name_en="Oceanic Sciences", host_user_id=host_id)
    b = sessions_admin.add_booth(session, name_zh="信息学部", name_en="Information Faculty")
    db.session.refresh(session)
    reg = db.session.get(Registration, reg.id)
    mm_requests.set_requests(reg, session, [a.id, b.id], [])
    booking.book(reg, a, session.slots[1])
    assert db.session.scalar(select(Badge.status).where(Badge.registration_id == reg.id)) == "active"
    return {"reg_id": reg.id, "host_email": host_email, "summit": reg_summit}


def _left(db, reg_id):
    db.session.rollback()  # a fresh read (SQLite's WAL: an open read sees the old database)
    reg = db.session.get(Registration, reg_id)
    return {
        "meetings": db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.registration_id == reg_id)),
        "requests": db.session.scalar(select(func.count()).select_from(MeetingRequest)
                                      .where(MeetingRequest.registration_id == reg_id)),
        "badges": sorted(db.session.scalars(select(Badge.status).where(Badge.registration_id == reg_id))),
        "parts": list(reg.programme_parts or []),
    }


def _mail_to(db, addr):
    return db.session.scalars(select(OutboundMail).where(OutboundMail.to_addr == addr).order_by(OutboundMail.id)).all()


def test_a_cancellation_releases_meetings_requests_badge_and_parts_and_says_so(db, held):
    attendee.cancel(db.session.get(Registration, held["reg_id"]), by_attendee=True)
    assert _left(db, held["reg_id"]) == {"meetings": 0, "requests": 0, "badges": ["revoked"], "parts": []}
    mine = _mail_to(db, "wang.jie@example.com")[-1]
    assert "cancelled" in mine.subject
    # In the person's language (en): the meeting, the request to the other booth, the badge, the parts.
    for text in ("Meeting with Oceanic Sciences", "Meeting request to Information Faculty", "Your badge",
                 "Programme part: Opening", "Programme part: Recruitment sessions"):
        assert text in mine.body_text and text in mine.body_html
    host = _mail_to(db, held["host_email"])
    assert len(host) == 1 and "王㛃" in host[0].body_text  # the host's account speaks zh_CN
    assert "海洋与大气学院" in host[0].subject


def test_a_rejection_releases_the_same_and_a_new_approval_gives_nothing_back(db, held):
    summit = held["summit"]
    result = organizer.decide(summit, [held["reg_id"]], "reject", "no seats")
    released = result["released"][held["reg_id"]]
    assert any("Meeting with" in t or "洽谈" in t or "海洋与大气学院" in t for t in released) and len(released) == 5
    assert _left(db, held["reg_id"]) == {"meetings": 0, "requests": 0, "badges": ["revoked"], "parts": []}
    assert "Oceanic Sciences" in _mail_to(db, "wang.jie@example.com")[-1].body_text
    again = organizer.decide(summit, [held["reg_id"]], "approve")
    assert again["released"][held["reg_id"]] == released  # what the organizer is shown
    left = _left(db, held["reg_id"])
    assert (left["meetings"], left["requests"], left["parts"]) == (0, 0, [])
    assert left["badges"] == ["active", "revoked"]  # a new badge, the old code stays revoked


def test_the_organizer_sees_what_a_cancellation_released(client, db, held, login):
    login("organizer")
    page = client.post(f"/organizer/registrations/{held['reg_id']}/cancel?lang=en", data={"reason": "asked"},
                       follow_redirects=True).get_data(as_text=True)
    # Told at once (the message), in the organizer's language; the history keeps it too.
    released = page[page.index("Released: "):]
    assert "Meeting with Oceanic Sciences" in released and "Meeting request to Information Faculty" in released
    assert _left(db, held["reg_id"])["meetings"] == 0


def test_marked_meetings_stay_with_the_record(db, held):
    from summit.matchmaking import host

    meeting = db.session.scalar(select(Meeting).where(Meeting.registration_id == held["reg_id"]))
    host.mark(meeting, "held", "interest")
    attendee.cancel(db.session.get(Registration, held["reg_id"]), by_attendee=False)
    # The held meeting and its request stay (the sessions' figures); the other request goes.
    assert _left(db, held["reg_id"])["meetings"] == 1 and _left(db, held["reg_id"])["requests"] == 1


def test_a_planned_meeting_whose_time_has_passed_goes_without_a_mail_to_the_host(db, held):
    meeting = db.session.scalar(select(Meeting).where(Meeting.registration_id == held["reg_id"]))
    meeting.slot.starts_at = dt.datetime(2020, 1, 1, 1, 0)
    db.session.commit()
    attendee.cancel(db.session.get(Registration, held["reg_id"]), by_attendee=False)
    assert _left(db, held["reg_id"])["meetings"] == 0
    assert _mail_to(db, held["host_email"]) == []


def test_approving_again_or_moving_shows_the_organizer_what_is_not_given_back(client, db, held, login):
    reg_id = held["reg_id"]
    organizer.decide(held["summit"], [reg_id], "reject")
    login("organizer")
    approved = client.post(f"/organizer/registrations/{reg_id}/decide?lang=en", data={"action": "approve"},
                           follow_redirects=True).get_data(as_text=True)
    # The texts as the rejection recorded them (it ran in the default language).
    assert "not given back" in approved and "海洋与大气学院" in approved[approved.index("not given back"):]
    db.session.rollback()
    reg = db.session.get(Registration, reg_id)
    media = db.session.scalar(select(Category.id).where(Category.summit_id == reg.summit_id, Category.code == "media"))
    form = {"name": reg.name, "category_id": str(media), "organisation": reg.organisation, "phone": reg.phone,
            "email": reg.email, "id_type": "", "id_number": "", "birth_year": "", "overseas": "no", "gender": ""}
    moved = client.post(f"/organizer/registrations/{reg_id}/edit?lang=en", data=form, follow_redirects=True)
    page = moved.get_data(as_text=True)
    assert "Moved to the new category" in page and "信息学部" in page[page.index("Moved to the new"):]
    assert _left(db, reg_id)["meetings"] == 0
