"""The programme: items, publication, changes after publication (shown and mailed), .ics,
the personal agenda by private token with the booth meetings the sessions add to it."""
from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from summit.core.models import AuditEvent, OutboundMail
from summit.programme import items
from summit.programme.models import ProgrammeItem


def _item(db, summit, **kw):
    values = dict(kind="opening", part="opening", title_zh="开幕式", title_en="Opening ceremony",
                  room_zh="千山大厦 报告厅", room_en="Qianshan Tower Auditorium",
                  starts_at=dt.datetime(2024, 11, 19, 1, 0), ends_at=dt.datetime(2024, 11, 19, 2, 0))
    values.update(kw)
    return items.create_item(summit, values)


FORM = {"kind": "opening", "part": "opening", "starts_at": "2024-11-19T09:00", "ends_at": "2024-11-19T10:00",
        "title_zh": "开幕式", "title_en": "Opening ceremony", "room_zh": "千山大厦 报告厅",
        "room_en": "Qianshan Tower Auditorium"}


def test_organizer_adds_an_item_in_beijing_time(client, login, psummit, db):
    login("organizer")
    response = client.post("/programme/admin/items/new", data=FORM)
    assert response.status_code == 302
    item = db.session.scalar(select(ProgrammeItem))
    assert item.starts_at == dt.datetime(2024, 11, 19, 1, 0)  # 09:00 in Qingdao is 01:00 UTC
    # Unpublished: not on the public page yet.
    assert "开幕式" not in client.get("/programme/").get_data(as_text=True)
    assert client.post("/programme/admin/publish").status_code == 302
    page = client.get("/programme/").get_data(as_text=True)
    assert "开幕式" in page and "09:00–10:00" in page and "千山大厦 报告厅" in page
    english = client.get("/programme/?lang=en").get_data(as_text=True)
    assert "Opening ceremony" in english and "Qianshan Tower Auditorium" in english


@pytest.mark.parametrize("change, field, message", [
    ({"ends_at": "2024-11-19T08:00"}, "ends_at", "结束时间必须晚于开始时间"),
    ({"title_zh": ""}, "title_zh", None),
    ({"kind": "party"}, "kind", None),
    ({"starts_at": "next tuesday"}, "starts_at", None),
])
def test_bad_items_are_refused_beside_the_field(client, login, psummit, db, change, field, message):
    login("organizer")
    response = client.post("/programme/admin/items/new", data={**FORM, **change})
    assert response.status_code in (400, 422)
    page = response.get_data(as_text=True)
    assert "is-invalid" in page
    if message:
        assert message in page
    assert db.session.scalar(select(func.count()).select_from(ProgrammeItem)) == 0


def test_only_organizers_manage_the_programme(client, login, psummit):
    assert client.get("/programme/admin").status_code == 302  # to the login page
    login("judge")
    assert client.get("/programme/admin").status_code == 403
    assert client.post("/programme/admin/items/new", data=FORM).status_code == 403
    assert client.post("/programme/admin/publish").status_code == 403


def test_a_change_after_publication_is_shown_and_mailed_to_those_concerned(client, login, psummit, db):
    summit = psummit["summit"]
    item = _item(db, summit)
    recruit = _item(db, summit, kind="recruitment", part="recruitment", title_zh="海大专场", title_en="OUC session")
    items.publish_programme(summit)
    # Before publication nobody is mailed; after it, a new time and room are.
    login("organizer")
    response = client.post(f"/programme/admin/items/{item.id}",
                           data={**FORM, "starts_at": "2024-11-19T09:30", "ends_at": "2024-11-19T10:30",
                                 "room_zh": "千山大厦 三层路演厅", "room_en": "Roadshow Hall"})
    assert response.status_code == 302
    db.session.rollback()  # a fresh snapshot: see what the request wrote
    item = db.session.get(ProgrammeItem, item.id)
    assert item.previous.get("starts_at") == "2024-11-19T01:00:00", item.previous and item.previous["room_zh"] == "千山大厦 报告厅"
    assert item.sequence == 1
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.to_addr)).all()
    # The opening concerns 张伟 and Anna (approved, registered for it); not 李娜 (contest only)
    # nor 王芳 (cancelled).
    assert [m.to_addr for m in mails] == ["p0@example.com", "p1@example.com"]
    zh = next(m for m in mails if m.to_addr == "p0@example.com")
    en = next(m for m in mails if m.to_addr == "p1@example.com")
    assert "日程变更" in zh.subject and "09:00 → 2024-11-19 09:30" in zh.body_text and "千山大厦 三层路演厅" in zh.body_text
    assert en.subject.startswith("Programme change") and "Roadshow Hall" in en.body_text and en.language == "en"
    page = client.get("/programme/").get_data(as_text=True)
    assert "已变更" in page and "<s>11-19 09:00–10:00</s>" in page and "<s>千山大厦 报告厅</s>" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "programme_item_changed")) == 1
    # A change of the speakers only is shown but mailed to nobody; the other item is untouched.
    client.post(f"/programme/admin/items/{item.id}",
                data={**FORM, "starts_at": "2024-11-19T09:30", "ends_at": "2024-11-19T10:30",
                      "room_zh": "千山大厦 三层路演厅", "room_en": "Roadshow Hall", "speakers_zh": "严小天"})
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == 2
    assert db.session.get(ProgrammeItem, recruit.id).previous == {}
    # Back to the published time: no longer shown as a change of time.
    client.post(f"/programme/admin/items/{item.id}", data={**FORM, "speakers_zh": "严小天"})
    db.session.rollback()  # a fresh snapshot: see what the request wrote
    assert set(db.session.get(ProgrammeItem, item.id).previous) == {"speakers_zh"}


def test_change_mail_goes_out_through_smtp(app, db, psummit, smtp_server):
    from summit.core import mail

    app.config.update(smtp_server.app_config)
    summit = psummit["summit"]
    item = _item(db, summit, part="contest_final", kind="contest_final", title_zh="大赛决赛", title_en="Final")
    items.publish_programme(summit)
    items.update_item(item, {"cancelled": True})
    counts = mail.deliver_due()
    assert counts["sent"] == 1
    received = smtp_server.messages
    assert received[0]["To"] == "p2@example.com"
    body = received[0].get_body(preferencelist=("plain",)).get_content()
    assert "大赛决赛" in body and "已取消" in body


def test_published_items_cannot_be_deleted_only_cancelled(client, login, psummit, db):
    summit = psummit["summit"]
    draft_id = _item(db, summit, title_zh="草稿").id
    login("organizer")
    assert client.post(f"/programme/admin/items/{draft_id}/delete").status_code == 302
    db.session.rollback()  # a fresh snapshot: see what the request wrote
    assert db.session.get(ProgrammeItem, draft_id) is None
    item = _item(db, summit)
    items.publish_programme(summit)
    response = client.post(f"/programme/admin/items/{item.id}/delete")
    assert response.status_code == 409
    assert db.session.get(ProgrammeItem, item.id) is not None
    client.post(f"/programme/admin/items/{item.id}", data={**FORM, "cancelled": "y"})
    page = client.get("/programme/").get_data(as_text=True)
    assert "已取消" in page


def test_the_programme_stylesheet_is_served(client):
    response = client.get("/programme/static/programme.css")
    assert response.status_code == 200 and response.mimetype == "text/css"


def test_programme_ics(client, psummit, db):
    summit = psummit["summit"]
    item = _item(db, summit)
    _item(db, summit, title_zh="未发布")
    items.publish_programme(summit)
    items.update_item(item, {"room_zh": "新会场"})
    _item(db, summit, title_zh="之后添加")  # added after publication: not yet public
    response = client.get("/programme/programme.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2
    ev = next(e for e in events if str(e["summary"]) == "开幕式")
    assert ev.decoded("dtstart") == dt.datetime(2024, 11, 19, 1, 0, tzinfo=dt.timezone.utc)
    assert str(ev["location"]) == "新会场" and int(ev["sequence"]) == 1
    assert str(ev["uid"]) == f"programme-item-{item.id}@qianshan-summit"


def test_personal_agenda_shows_the_parts_registered_for(client, psummit, db):
    summit = psummit["summit"]
    _item(db, summit)
    _item(db, summit, kind="recruitment", part="recruitment", title_zh="海大专场", title_en="OUC session",
          starts_at=dt.datetime(2024, 11, 20, 1, 0), ends_at=dt.datetime(2024, 11, 20, 3, 0))
    _item(db, summit, kind="contest_final", part="contest_final", title_zh="大赛决赛", title_en="Final")
    _item(db, summit, kind="roadshow", part="", title_zh="繁星计划路演", title_en="Roadshow")
    items.publish_programme(summit)
    page = client.get(f"/programme/me/{psummit['tokens']['张伟']}").get_data(as_text=True)
    assert "开幕式" in page and "海大专场" in page and "繁星计划路演" in page
    assert "大赛决赛" not in page
    ics = client.get(f"/programme/me/{psummit['tokens']['张伟']}/agenda.ics")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(ics.data).walk("VEVENT")]
    assert summaries == ["开幕式", "繁星计划路演", "海大专场"]
    other = client.get(f"/programme/me/{psummit['tokens']['李娜']}").get_data(as_text=True)
    assert "大赛决赛" in other and "开幕式" not in other


def test_a_published_booth_meeting_is_on_the_personal_agenda_and_its_ics(client, mm, db):
    """The real wiring: matchmaking's receiver of core.signals.personal_agenda_items, connected by
    its init_feature, puts the talent's published meetings on the programme's agenda page and .ics."""
    from summit.matchmaking import requests, timetable
    from summit.matchmaking.models import Meeting

    a, _b = mm["booths"]
    (reg, token), (_other, other_token) = mm["talents"][0], mm["talents"][1]
    requests.set_requests(reg, mm["session"], [a.id], [])
    timetable.run_scheduler(mm["session"])
    meeting = db.session.scalar(select(Meeting).where(Meeting.registration_id == reg.id))
    assert meeting is not None and meeting.published_at is None
    # A draft timetable is nobody's agenda yet.
    assert "海洋与大气学院" not in client.get(f"/programme/me/{token}").get_data(as_text=True)
    timetable.publish(mm["session"], notify=False)
    start = meeting.slot.starts_at + dt.timedelta(hours=8)  # Asia/Shanghai
    end = meeting.slot.ends_at + dt.timedelta(hours=8)
    page = client.get(f"/programme/me/{token}").get_data(as_text=True)
    assert "海洋与大气学院 · 中国海洋大学" in page
    assert f"{start:%H:%M}–{end:%H:%M}" in page and "多功能厅 · 1号台" in page
    ics = client.get(f"/programme/me/{token}/agenda.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    events = list(Calendar.from_ical(ics.data).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["海洋与大气学院 · 中国海洋大学"]
    assert str(events[0]["uid"]) == f"meeting-{meeting.id}@qianshan-summit"  # as the session's own .ics
    assert events[0].decoded("dtstart") == meeting.slot.starts_at.replace(tzinfo=dt.timezone.utc)
    assert str(events[0]["location"]) == "多功能厅 · 1号台"
    # Someone else's agenda does not show it.
    assert "海洋与大气学院" not in client.get(f"/programme/me/{other_token}").get_data(as_text=True)


def test_personal_agenda_refuses_unknown_and_cancelled_tokens(client, psummit):
    assert client.get("/programme/me/not-a-token").status_code == 404
    assert client.get("/programme/me/not-a-token/agenda.ics").status_code == 404
    assert client.get(f"/programme/me/{psummit['tokens']['王芳']}").status_code == 404
    # The id of a registration is no key.
    assert client.get(f"/programme/me/{psummit['regs']['张伟'].id}").status_code == 404
