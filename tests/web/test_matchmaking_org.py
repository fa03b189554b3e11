"""The organizer's pages: sessions, booths, building and publishing the timetable, the grid,
the .xlsx export, the dashboard figures, the CLI and the demo."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from summit.core.models import OutboundMail
from summit.matchmaking import booking, host, lookups, requests, sessions_admin, timetable
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, RecruitmentSession, TalentProfile


def _form(**over):
    data = {"title_zh": "青岛科技大学引才专场对接会", "title_en": "QUST session", "host_org_zh": "青岛科技大学",
            "host_org_en": "QUST", "kind": "university", "day": "2024-11-20", "start": "14:00", "end": "16:00",
            "slot_minutes": "15", "breaks": "15:00-15:15", "room_zh": "二楼B厅", "room_en": "", "max_requests": "5"}
    data.update(over)
    return data


def test_only_organizers(client, mm, login):
    assert client.get("/matchmaking/").status_code == 302
    login("host", organisation="中国海洋大学")
    assert client.get("/matchmaking/").status_code == 403
    assert client.post(f"/matchmaking/sessions/{mm['session'].id}/schedule").status_code == 403
    assert client.get(f"/matchmaking/sessions/{mm['session'].id}/export.xlsx").status_code == 403


def test_create_session_and_booths(client, db, mm, login):
    login("organizer")
    r = client.post("/matchmaking/", data=_form())
    assert r.status_code == 303
    db.session.rollback()
    s = db.session.scalar(select(RecruitmentSession).where(RecruitmentSession.title_zh == "青岛科技大学引才专场对接会"))
    # 14:00-16:00 in 15 minutes with a break 15:00-15:15: seven slots.
    assert len(s.slots) == 7 and s.breaks == [["15:00", "15:15"]]
    assert s.starts_at.hour == 6  # stored in UTC
    bad_end = client.post("/matchmaking/", data=_form(end="13:00"))
    assert bad_end.status_code == 422
    assert "结束时间必须晚于开始时间。" in bad_end.text  # beside the end field
    bad_break = client.post("/matchmaking/", data=_form(breaks="lunch"))
    assert bad_break.status_code == 422
    assert client.post("/matchmaking/", data=_form(slot_minutes="2")).status_code == 422
    page = f"/matchmaking/sessions/{s.id}"
    ok = client.post(page, data={"name_zh": "高分子科学与工程学院", "capacity": "2", "fields": ["ai"],
                                 "need_position": "青年教师", "need_field": "ai", "need_degree": "phd", "need_count": "3"})
    assert ok.status_code == 303
    dup = client.post(page, data={"name_zh": "机电工程学院", "capacity": "1", "table_no": "1"})
    assert dup.status_code == 422
    nohost = client.post(page, data={"name_zh": "机电工程学院", "capacity": "1", "host_email": "nobody@example.com"})
    assert nohost.status_code == 422
    db.session.rollback()
    booths = db.session.scalars(select(Booth).where(Booth.session_id == s.id)).all()
    assert [(b.name_zh, b.capacity, b.needs[0]["count"]) for b in booths] == [("高分子科学与工程学院", 2, 3)]
    assert "高分子科学与工程学院" in client.get(page).text


def test_schedule_publish_mail_and_rerun_keeps_published(client, db, mm, login, make_user):
    a, b = mm["booths"]
    host_id, host_email, _pw = make_user("host", organisation="中国海洋大学")
    db.session.rollback()  # see the account made in its own transaction
    a.host_user_id = host_id
    db.session.commit()
    for n, (reg, _t) in enumerate(mm["talents"]):
        requests.set_requests(reg, mm["session"], [a.id, b.id], [])
    sid = mm["session"].id
    login("organizer")
    assert client.post(f"/matchmaking/sessions/{sid}/schedule").status_code == 303
    db.session.rollback()
    session = db.session.get(RecruitmentSession, sid)
    assert session.last_run["objective"] == session.last_run["bound"]
    drafts = db.session.scalars(select(Meeting).where(Meeting.session_id == sid)).all()
    assert len(drafts) == 8 and all(m.published_at is None for m in drafts)
    # Publishing mails people: the button asks first, naming how many meetings (app.js, no inline script).
    assert 'data-confirm="发布 8 场洽谈？' in client.get(f"/matchmaking/sessions/{sid}").text
    # Talents see nothing before publication.
    reg0, token0 = mm["talents"][0]
    assert lookups.meetings_of(reg0) == []
    assert "No meetings yet" in client.get(f"/me/{token0}/agenda?lang=en").text
    assert client.post(f"/matchmaking/sessions/{sid}/publish").status_code == 303
    db.session.rollback()
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    host_mail = mails.pop()
    assert host_mail.to_addr == host_email and "海洋与大气学院" in host_mail.body_text and "王㛃" in host_mail.body_text
    assert len(mails) == 4 and all(m.attachments[0]["filename"] == "agenda.ics" for m in mails)
    assert any("海洋与大气学院" in m.body_text for m in mails)
    english = next(m for m in mails if m.to_addr == "talent3@example.com")
    assert english.subject
    published = {(m.registration_id, m.booth_id, m.slot_id) for m in db.session.scalars(select(Meeting))}
    # A late change: talent 0 cannot come at its booth-A slot any more; the rest stays put.
    moved = db.session.scalar(select(Meeting).where(Meeting.registration_id == reg0.id, Meeting.booth_id == a.id))
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == reg0.id))
    profile.unavailable_slot_ids = [moved.slot_id]
    db.session.commit()
    summary = timetable.run_scheduler(db.session.get(RecruitmentSession, sid))
    db.session.rollback()
    after = {(m.registration_id, m.booth_id, m.slot_id) for m in db.session.scalars(select(Meeting))}
    assert summary["removed_published"] == 1
    lost = published - after
    assert lost == {(reg0.id, a.id, moved.slot_id)}
    assert not any(k[0] == reg0.id and k[2] == moved.slot_id for k in after)
    # The talent hears of the lost meeting at once, not only when the timetable is published again.
    [cancelled] = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()[5:]
    assert cancelled.to_addr == reg0.email and "取消" in cancelled.subject and "海洋与大气学院" in cancelled.body_text
    # Publishing again mails only the talent whose agenda changed.
    timetable.publish(db.session.get(RecruitmentSession, sid))
    db.session.rollback()
    again = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()[6:]
    assert [m.to_addr for m in again] == [reg0.email, host_email]
    grid = client.get(f"/matchmaking/sessions/{sid}/grid")
    assert grid.status_code == 200 and "王㛃" in grid.text


def test_cross_session_overlap_is_respected(db, mm):
    import datetime as dt

    a, b = mm["booths"]
    other = sessions_admin.create_session(mm["summit"], title_zh="海信集团产才融合对接会", title_en="", host_org_zh="海信集团",
                                          host_org_en="", kind="enterprise", day=dt.date(2024, 11, 20),
                                          start=dt.time(9, 0), end=dt.time(9, 30), slot_minutes=15)
    h = sessions_admin.add_booth(other, name_zh="海信视像研发中心", capacity=1)
    reg, _t = mm["talents"][0]
    booking.book(reg, h, other.slots[0])
    requests.set_requests(reg, mm["session"], [a.id], [])
    timetable.run_scheduler(mm["session"])
    meeting = db.session.scalar(select(Meeting).where(Meeting.session_id == mm["session"].id))
    assert meeting.slot.starts_at >= other.slots[0].ends_at  # not 09:00-09:15, when it is at Hisense


def test_export_xlsx_reads_back(client, db, mm, login):
    a, b = mm["booths"]
    for reg, _t in mm["talents"]:
        requests.set_requests(reg, mm["session"], [b.id], [])
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"], notify=False)
    m = db.session.scalar(select(Meeting).order_by(Meeting.id))
    host.mark(m, "held", "in_depth", "谈得很好")
    login("organizer")
    r = client.get(f"/matchmaking/sessions/{mm['session'].id}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 5 and rows[0][0] == "日期"
    assert any(row[8] == "深入洽谈" and row[10] == "谈得很好" for row in rows[1:])
    figures = dict(wb.worksheets[1].iter_rows(values_only=True))
    assert figures["已洽谈"] == 1 if "已洽谈" in figures else figures["Held"] == 1


def test_dashboard_figures(app, db, mm):
    from summit.matchmaking import dashboard

    b = mm["booths"][1]
    for reg, _t in mm["talents"]:
        requests.set_requests(reg, mm["session"], [b.id], [])
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"], notify=False)
    ms = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
    host.mark(ms[0], "held", "intent_to_sign")
    host.mark(ms[1], "no_show")
    with app.test_request_context("/?lang=en"):
        sections = dashboard.figures(mm["summit"])
    section = sections[0]
    assert section["key"] == "matchmaking"
    stats = {s["label"]: s["value"] for s in section["stats"]}
    assert stats["Meetings"] == 4 and stats["Held"] == 1 and stats["No-show rate"] == "50%"
    assert section["tables"][0]["rows"][0][2] == 4
    assert all(c["kind"] in ("bar", "line") for c in section["charts"])


def test_cli_schedule(app, tmp_path):
    data = {"slots": ["s1", "s2"], "booths": [{"id": "X", "capacity": 1, "unavailable": []}],
            "talents": [{"id": "a", "unavailable": ["s1"]}, {"id": "b", "unavailable": []}],
            "requests": [{"talent": "a", "booth": "X", "weight": 3}, {"talent": "b", "booth": "X", "weight": 2}]}
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(data))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["schedule", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    got = json.loads(out.read_text())
    assert set(got) == {"meetings", "objective", "bound", "seconds"}
    assert sorted(got["meetings"], key=lambda m: m["slot"]) == [{"talent": "b", "booth": "X", "slot": "s1"},
                                                                 {"talent": "a", "booth": "X", "slot": "s2"}]
    assert got["objective"] == 5 and got["bound"] == 5
    src.write_text("{not json")
    assert "not valid JSON" in runner.invoke(args=["schedule", str(src)]).output
    src.write_text(json.dumps({**data, "requests": [{"talent": "zz", "booth": "X", "weight": 1}]}))
    bad = runner.invoke(args=["schedule", str(src)])
    assert bad.exit_code != 0 and "unknown talent" in bad.output


def test_demo_sessions(app, db, demo_summit):
    from summit.matchmaking import demo

    with app.test_request_context("/"):
        lines = list(demo.load(demo_summit))
        assert len(lines) == 7  # six sessions and a sample talent's private link
        assert list(demo.load(demo_summit)) == []  # idempotent
        token = lines[-1].rsplit("/r/", 1)[1]
    assert lookups.meetings_of(lookups.registration_by_token(token))
    sessions = {s.host_org_zh: s for s in lookups.sessions_of(demo_summit)}
    assert len(sessions["中国海洋大学"].booths) == 17 and len(sessions["青岛大学"].booths) == 13
    assert len(sessions["青岛科技大学"].booths) == 10
    assert {"海尔集团", "海信集团", "歌尔股份"} <= set(sessions)
    ouc = lookups.figures_for(sessions["中国海洋大学"])
    assert ouc["talents"] == 40 and ouc["held"] > 0 and ouc["meetings"] > 0
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.published_at.is_(None))) == 0
    assert all(s.last_run["objective"] == s.last_run["bound"] for s in sessions.values())


def test_remove_booth(client, db, mm, login):
    a, b = mm["booths"]
    reg, _t = mm["talents"][0]
    requests.set_requests(reg, mm["session"], [a.id, b.id], [])
    timetable.run_scheduler(mm["session"])
    timetable.publish(mm["session"], notify=False)
    a_id, b_id = a.id, b.id
    held = db.session.scalar(select(Meeting).where(Meeting.booth_id == b_id))
    host.mark(held, "held")
    login("organizer")
    assert client.post(f"/matchmaking/booths/{b_id}/delete", headers={"Accept": "application/json"}).status_code == 409
    # From the page: back to the booth's session with the reason (the URL names only the booth).
    refused = client.post(f"/matchmaking/booths/{b_id}/delete")
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/matchmaking/sessions/{mm['session'].id}")
    assert "该对接台已有洽谈记录，不能删除。" in client.get(refused.headers["Location"]).text
    assert client.post(f"/matchmaking/booths/{a_id}/delete").status_code == 303
    db.session.rollback()
    assert db.session.get(Booth, a_id) is None and db.session.get(Booth, b_id) is not None
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.booth_id == a_id)) == 0


def test_every_removed_published_meeting_is_mailed_to_its_talent_in_their_language(client, db, mm, login):
    """Removing a booth, the organizer's cancel and the talent's own cancel all tell the talent of a
    published meeting, each in the talent's language; a draft meeting goes without a word."""
    session, (a, b) = mm["session"], mm["booths"]
    (zh, _t0), (_r1, _t1), (_r2, _t2), (en, en_token) = mm["talents"]
    en.language = "en"
    db.session.commit()
    for reg in (zh, en):
        requests.set_requests(reg, session, [a.id, b.id], [])
    timetable.run_scheduler(session)
    timetable.publish(session, notify=False)
    a_id = a.id
    at_a = {m.registration_id for m in db.session.scalars(select(Meeting).where(Meeting.booth_id == a_id))}
    assert at_a == {zh.id, en.id}
    # A draft meeting at booth A (never shown to its talent) goes too, silently.
    requests.set_requests(mm["talents"][1][0], session, [a.id], [])
    timetable.run_scheduler(db.session.get(RecruitmentSession, session.id))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.booth_id == a_id, Meeting.published_at.is_(None))) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == 0
    login("organizer")
    assert client.post(f"/matchmaking/booths/{a_id}/delete").status_code == 303
    db.session.rollback()
    told = {m.to_addr: m for m in db.session.scalars(select(OutboundMail))}
    assert set(told) == {zh.email, en.email}
    assert told[zh.email].language == "zh_CN" and "取消" in told[zh.email].subject
    assert "海洋与大气学院不再参加" in told[zh.email].body_text
    assert told[en.email].subject == "Meeting cancelled: Oceanic and Atmospheric Sciences"
    assert "no longer takes part in OUC session" in told[en.email].body_text
    # The English talent cancels their own meeting at booth B through the private link: told in English.
    mine = db.session.scalar(select(Meeting).where(Meeting.registration_id == en.id))
    assert client.post(f"/me/{en_token}/meetings/{mine.id}/cancel").status_code == 303
    db.session.rollback()
    told = db.session.scalar(select(OutboundMail).order_by(OutboundMail.id.desc()).limit(1))
    assert told.to_addr == en.email and told.subject == "Meeting cancelled: Information Science and Engineering"
    assert "As you asked" in told.body_text
    # The organizer cancels the Chinese talent's meeting at booth B from the grid.
    theirs = db.session.scalar(select(Meeting).where(Meeting.registration_id == zh.id))
    assert client.post(f"/matchmaking/meetings/{theirs.id}/cancel").status_code == 303
    db.session.rollback()
    told = db.session.scalar(select(OutboundMail).order_by(OutboundMail.id.desc()).limit(1))
    assert told.to_addr == zh.email and "组委会" in told.body_text and "信息科学与工程学部" in told.body_text
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == 4
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.published_at.is_not(None))) == 0


# ---------------------------------------------------------------- editing sessions and booths

def _session_edit(**over):
    """The edit form of the fixture's session as it is (what the prefilled page sends back)."""
    data = {"title_zh": "中国海洋大学引才专场对接会", "title_en": "OUC session", "host_org_zh": "中国海洋大学",
            "host_org_en": "Ocean University of China", "kind": "university", "day": "2024-11-20", "start": "09:00",
            "end": "10:00", "slot_minutes": "15", "breaks": "", "room_zh": "多功能厅", "room_en": "", "max_requests": "5"}
    data.update(over)
    return data


def _booth_edit(**over):
    """The edit form of booth B (table 2, two meetings at once) as it is."""
    data = {"name_zh": "信息科学与工程学部", "name_en": "Information Science and Engineering", "table_no": "2",
            "capacity": "2", "fields": ["ai"], "need_position": "", "need_field": "", "need_degree": "",
            "need_count": "", "host_email": ""}
    data.update(over)
    return data


def _audits(db, subject, action):
    from summit.core.models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == subject.__tablename__,
                                                       AuditEvent.subject_id == subject.id,
                                                       AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_edit_session_page_is_prefilled_and_saves_names(client, db, mm, login):
    sid = mm["session"].id
    login("organizer")
    page = client.get(f"/matchmaking/sessions/{sid}/edit")
    assert page.status_code == 200
    assert 'value="中国海洋大学引才专场对接会"' in page.text and 'value="09:00"' in page.text
    assert 'value="2024-11-20"' in page.text and 'name="csrf_token"' in page.text
    assert f'/matchmaking/sessions/{sid}/edit"' in client.get(f"/matchmaking/sessions/{sid}").text
    slot_ids = [s.id for s in mm["session"].slots]
    r = client.post(f"/matchmaking/sessions/{sid}/edit",
                    data=_session_edit(host_org_en="OUC", room_zh="三楼C厅", room_en="Hall C", max_requests="3",
                                       kind="institute"))
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/matchmaking/sessions/{sid}")
    db.session.rollback()
    s = db.session.get(RecruitmentSession, sid)
    assert (s.host_org_en, s.room_zh, s.room_en, s.max_requests, s.kind) == ("OUC", "三楼C厅", "Hall C", 3, "institute")
    assert [x.id for x in s.slots] == slot_ids  # the times did not change: the slots stay
    [event] = _audits(db, s, "session_changed")
    assert event.before == {"host_org_en": "Ocean University of China", "room_zh": "多功能厅", "room_en": "",
                            "max_requests": 5, "kind": "university"}
    assert event.after["room_zh"] == "三楼C厅" and event.actor_label.startswith("organizer")
    # Bad input: messages beside the fields, nothing written.
    bad = client.post(f"/matchmaking/sessions/{sid}/edit?lang=en", data=_session_edit(title_zh="", end="08:00"))
    assert bad.status_code == 422 and "invalid-feedback" in bad.text
    bad = client.post(f"/matchmaking/sessions/{sid}/edit?lang=en", data=_session_edit(breaks="lunch"))
    assert bad.status_code == 422 and "12:00-12:30" in bad.text
    db.session.rollback()
    assert db.session.get(RecruitmentSession, sid).title_zh == "中国海洋大学引才专场对接会"
    assert len(_audits(db, s, "session_changed")) == 1


def test_session_times_change_rebuilds_slots_when_there_is_no_meeting(client, db, mm, login):
    import datetime as dt

    session, (a, b) = mm["session"], mm["booths"]
    sid = session.id
    s900, s915, s930, s945 = [x.id for x in session.slots]
    # Another session the same day: a talent's marks there must survive this session's change.
    other = sessions_admin.create_session(mm["summit"], title_zh="海尔集团对接会", title_en="", host_org_zh="海尔集团",
                                          host_org_en="", kind="enterprise", day=dt.date(2024, 11, 20),
                                          start=dt.time(14, 0), end=dt.time(14, 30), slot_minutes=15)
    elsewhere = other.slots[0].id
    reg, _t = mm["talents"][0]
    requests.set_requests(reg, other, [], [elsewhere])
    requests.set_requests(reg, session, [a.id, b.id], [s900, s930])
    sessions_admin.set_booth_closed(a, [s900, s945])
    requests_before = db.session.scalar(select(func.count()).select_from(MeetingRequest)
                                        .where(MeetingRequest.session_id == sid))
    login("organizer")
    # 09:15-10:30 with a break 10:00-10:15: 09:15, 09:30, 09:45, 10:15. 09:00 is gone.
    r = client.post(f"/matchmaking/sessions/{sid}/edit",
                    data=_session_edit(start="09:15", end="10:30", breaks="10:00-10:15", title_en="OUC talent day"))
    assert r.status_code == 303
    db.session.rollback()
    s = db.session.get(RecruitmentSession, sid)
    from summit.matchmaking.rules import to_local
    assert [f"{to_local(x.starts_at):%H:%M}" for x in s.slots] == ["09:15", "09:30", "09:45", "10:15"]
    assert [x.position for x in s.slots] == [0, 1, 2, 3]
    # Slots whose times stay keep their ids, and with them the marks on them.
    assert [x.id for x in s.slots][:3] == [s915, s930, s945]
    assert s.breaks == [["10:00", "10:15"]] and s.title_en == "OUC talent day"
    assert f"{to_local(s.starts_at):%H:%M}" == "09:15" and f"{to_local(s.ends_at):%H:%M}" == "10:30"
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == reg.id))
    assert sorted(profile.unavailable_slot_ids) == sorted([elsewhere, s930])
    assert db.session.get(Booth, a.id).unavailable == [s945]
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)
                             .where(MeetingRequest.session_id == sid)) == requests_before == 2
    assert [x.id for x in db.session.get(RecruitmentSession, other.id).slots][0] == elsewhere
    [event] = _audits(db, s, "session_changed")
    assert event.before["slots"] == 4 and event.after["slots"] == 4 and event.after["slots_removed"] == [s900]
    assert event.after["breaks"] == [["10:00", "10:15"]] and event.before["breaks"] == []
    # The scheduler runs on the new slots.
    summary = timetable.run_scheduler(db.session.get(RecruitmentSession, sid))
    assert summary["meetings"] == 2
    assert {m.slot_id for m in db.session.scalars(select(Meeting))} <= {x.id for x in s.slots}


def test_session_times_change_refused_while_meetings_exist(client, db, mm, login):
    session, (a, b) = mm["session"], mm["booths"]
    sid = session.id
    slot_ids = [x.id for x in session.slots]
    reg, _t = mm["talents"][1]
    booking.book(reg, b, session.slots[2])  # one meeting is enough
    login("organizer")
    for change in ({"end": "10:30"}, {"day": "2024-11-21"}, {"slot_minutes": "20"}, {"breaks": "09:30-09:45"},
                   {"start": "08:45"}):
        r = client.post(f"/matchmaking/sessions/{sid}/edit?lang=en", data=_session_edit(title_en="Renamed", **change))
        assert r.status_code == 409, change
        assert "Remove the meetings first" in r.text and "invalid-feedback" in r.text
    zh = client.post(f"/matchmaking/sessions/{sid}/edit", data=_session_edit(end="10:30"))
    assert zh.status_code == 409 and "Remove the meetings first" not in zh.text
    db.session.rollback()
    s = db.session.get(RecruitmentSession, sid)
    assert [x.id for x in s.slots] == slot_ids and s.title_en == "OUC session"  # nothing written
    assert _audits(db, s, "session_changed") == []
    # The names still change while meetings exist.
    assert client.post(f"/matchmaking/sessions/{sid}/edit", data=_session_edit(title_en="Renamed")).status_code == 303
    db.session.rollback()
    assert db.session.get(RecruitmentSession, sid).title_en == "Renamed"
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_edit_booth_names_capacity_and_host(client, db, mm, login, make_user):
    a, b = mm["booths"]
    _hid, host_email, _pw = make_user("host", organisation="中国海洋大学")
    login("organizer")
    page = client.get(f"/matchmaking/booths/{a.id}/edit")
    assert page.status_code == 200
    assert 'value="海洋与大气学院"' in page.text and 'value="青年教师"' in page.text and 'value="1"' in page.text
    assert f'/matchmaking/booths/{a.id}/edit"' in client.get(f"/matchmaking/sessions/{mm['session'].id}").text
    r = client.post(f"/matchmaking/booths/{b.id}/edit",
                    data=_booth_edit(name_zh="信息科学与工程学部（崂山校区）", name_en="", table_no="7", capacity="4",
                                     fields=["ai", "marine_bio"], need_position="博士后", need_field="ai",
                                     need_degree="phd", need_count="2", host_email=host_email.upper()))
    assert r.status_code == 303
    db.session.rollback()
    booth = db.session.get(Booth, b.id)
    assert (booth.name_zh, booth.name_en, booth.table_no, booth.capacity) == ("信息科学与工程学部（崂山校区）", "", 7, 4)
    assert booth.fields == ["ai", "marine_bio"] and booth.host_user_id == _hid
    assert booth.needs == [{"position": "博士后", "field": "ai", "degree": "phd", "count": 2}]
    [event] = _audits(db, booth, "booth_changed")
    assert event.before["capacity"] == 2 and event.after["capacity"] == 4 and event.before["table_no"] == 2
    assert event.before["name_zh"] == "信息科学与工程学部" and "session_id" not in event.after
    # Emptying the host field unlinks the host; a second need on record stays as it is.
    booth.needs = booth.needs + [{"position": "工程师", "field": "", "degree": "", "count": 1}]
    db.session.commit()
    r = client.post(f"/matchmaking/booths/{b.id}/edit",
                    data=_booth_edit(table_no="7", capacity="4", need_position="博士后", need_field="ai",
                                     need_degree="phd", need_count="3"))
    assert r.status_code == 303
    db.session.rollback()
    booth = db.session.get(Booth, b.id)
    assert booth.host_user_id is None and [n["count"] for n in booth.needs] == [3, 1]
    # An unknown host account, a zero capacity: 422 beside the fields, nothing written.
    bad = client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(host_email="nobody@example.com"))
    assert bad.status_code == 422 and "invalid-feedback" in bad.text
    assert client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(capacity="0")).status_code == 422
    assert client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(name_zh=" ")).status_code == 422
    db.session.rollback()
    assert db.session.get(Booth, b.id).capacity == 4 and len(_audits(db, booth, "booth_changed")) == 2


def test_booth_capacity_below_its_meetings_is_refused(client, db, mm, login):
    session, (a, b) = mm["session"], mm["booths"]
    slot = session.slots[1]  # 09:15
    for reg, _t in mm["talents"][:2]:
        booking.book(reg, b, slot)
    booking.book(mm["talents"][2][0], b, session.slots[3])
    login("organizer")
    r = client.post(f"/matchmaking/booths/{b.id}/edit?lang=en", data=_booth_edit(name_zh="改了名字", capacity="1"))
    assert r.status_code == 409 and "09:15" in r.text and "invalid-feedback" in r.text
    db.session.rollback()
    booth = db.session.get(Booth, b.id)
    assert (booth.capacity, booth.name_zh) == (2, "信息科学与工程学部")  # nothing written
    assert _audits(db, booth, "booth_changed") == []
    # Raising it, or keeping it at the busiest slot's count, is fine.
    assert client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(capacity="3")).status_code == 303
    assert client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(capacity="2")).status_code == 303
    db.session.rollback()
    assert db.session.get(Booth, b.id).capacity == 2


def test_booth_table_clash_gives_the_add_message(client, db, mm, login):
    session, (a, b) = mm["session"], mm["booths"]
    login("organizer")
    added = client.post(f"/matchmaking/sessions/{session.id}", data={"name_zh": "机电工程学院", "capacity": "1",
                                                                     "table_no": "1", "need_degree": ""})
    edited = client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(table_no="1"))
    assert added.status_code == edited.status_code == 422
    with client.application.test_request_context("/"):
        message = sessions_admin._table_taken(1)
    assert message in added.text and message in edited.text
    db.session.rollback()
    assert db.session.get(Booth, b.id).table_no == 2 and _audits(db, b, "booth_changed") == []
    # Its own table, or an empty table number, keeps the booth where it is.
    assert client.post(f"/matchmaking/booths/{b.id}/edit", data=_booth_edit(table_no="")).status_code == 303
    db.session.rollback()
    assert db.session.get(Booth, b.id).table_no == 2


def test_edit_pages_are_for_organizers_and_known_ids(client, db, mm, login):
    sid, bid = mm["session"].id, mm["booths"][0].id
    urls = [f"/matchmaking/sessions/{sid}/edit", f"/matchmaking/booths/{bid}/edit"]
    for url in urls:
        assert client.get(url).status_code == 302 and "/login" in client.get(url).headers["Location"]
        assert client.post(url, data=_session_edit()).status_code == 302
    login("host", organisation="中国海洋大学")
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, data=_session_edit(title_en="x")).status_code == 403
    login("organizer")
    for url in ("/matchmaking/sessions/987654/edit", "/matchmaking/booths/987654/edit"):
        assert client.get(url).status_code == 404
        assert client.post(url, data=_booth_edit()).status_code == 404
    db.session.rollback()
    assert db.session.get(RecruitmentSession, sid).title_en == "OUC session"


def test_discard_drafts_then_cancel_a_published_meeting_and_tell_the_talent(client, db, mm, login):
    session, (a, b) = mm["session"], mm["booths"]
    sid = session.id
    first, _t = mm["talents"][0]
    requests.set_requests(first, session, [a.id], [])
    timetable.run_scheduler(session)
    timetable.publish(session, notify=False)
    [kept] = db.session.scalars(select(Meeting)).all()
    kept_id, talent_email = kept.id, first.email
    for reg, _t in mm["talents"][1:]:
        requests.set_requests(reg, session, [a.id, b.id], [])
    timetable.run_scheduler(db.session.get(RecruitmentSession, sid))  # drafts on top of the published one
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.published_at.is_(None))) > 0
    login("organizer")
    assert f"/matchmaking/meetings/{kept_id}/cancel" in client.get(f"/matchmaking/sessions/{sid}/grid").text
    assert client.post(f"/matchmaking/sessions/{sid}/drafts/discard").status_code == 303
    db.session.rollback()
    assert [m.id for m in db.session.scalars(select(Meeting))] == [kept_id]  # the published one stays
    assert len(_audits(db, db.session.get(RecruitmentSession, sid), "drafts_discarded")) == 1
    # A published meeting: cancelled from the grid, and the talent gets a mail saying so.
    before = db.session.scalar(select(func.count()).select_from(OutboundMail))
    assert client.post(f"/matchmaking/meetings/{kept_id}/cancel").status_code == 303
    db.session.rollback()
    assert db.session.get(Meeting, kept_id) is None
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == before + 1
    notice = db.session.scalar(select(OutboundMail).order_by(OutboundMail.id.desc()).limit(1))
    assert notice.to_addr == talent_email and "取消" in notice.subject
    # Unknown meeting: 404; a meeting already marked held cannot be cancelled.
    assert client.post("/matchmaking/meetings/987654/cancel").status_code == 404
    held = booking.book(first, db.session.get(Booth, b.id), db.session.get(RecruitmentSession, sid).slots[3])
    host.mark(held, "held", "interest")
    r = client.post(f"/matchmaking/meetings/{held.id}/cancel", headers={"Accept": "application/json"})
    assert r.status_code == 409 and db.session.get(Meeting, held.id) is not None
    r = client.post(f"/matchmaking/meetings/{held.id}/cancel")  # from the grid: back to it
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/matchmaking/sessions/{sid}/grid")
