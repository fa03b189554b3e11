"""The summit's main journeys in a real browser, one person after another:

an attendee registers on a phone (in Chinese, and another in English), an organizer approves the
talent and prints the badge, check-in staff scan it at the door, the talent asks for meetings
with booths, an organizer builds and publishes the timetable, and the talent and the booth host
see the meeting on their agendas. What is asserted is what each of them sees, that no page has a
script error or CSP refusal, and the rows the journey must leave behind (exactly one of each).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.fixtures.ops import live_database as database
from tests.fixtures.registration import resident_id

TALENT = {"name": "林䶮晨", "phone": "139 1207 0417", "email": "lin.yanchen@example.com",
          "organisation": "新加坡国立大学", "title": "助理教授"}
ENGLISH = {"name": "Sophie Martin", "phone": "+33 6 12 34 56 78", "email": "sophie.martin@example.com",
           "organisation": "Institut Pasteur", "title": "Research director", "passport": "19FR42871"}


def registrations_with(live_server, email: str):
    from summit.registration.models import Registration

    with database(live_server) as s:
        rows = s.scalars(select(Registration).where(Registration.email == email)).all()
        return [{"id": r.id, "status": r.status, "language": r.language, "name": r.name, "phone": r.phone,
                 "id_type": r.id_type, "category": r.category.code, "fields": list(r.fields or [])} for r in rows]


def private_link(live_server, email: str) -> str:
    """The token of the private link in the newest mail to `email`: after registering, every
    visitor sees the same page and the link goes only to the address on file."""
    from summit.core.models import OutboundMail

    with database(live_server) as s:
        mail = s.scalar(select(OutboundMail).where(OutboundMail.to_addr == email).order_by(OutboundMail.id.desc()))
        return re.search(r"/r/([A-Za-z0-9_-]+)", mail.body_text).group(1)


def registered(page, live_server, email: str) -> str:
    """After the form: the page that says the link went out; then the private page from the mail."""
    assert page.url.endswith("/register/sent"), page.url
    expect(page.locator("#sent")).to_be_visible()
    token = private_link(live_server, email)
    page.goto(f"/r/{token}?new=1")
    return token


def no_errors(page):
    assert page.summit_errors == [], page.summit_errors


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def booths(live_server):
    """An afternoon session of the current summit with two booths that the demo host looks after
    (four slots of 15 minutes): {"session": id, "ai": id, "marine": id}."""
    from summit.auth.models import User
    from summit.core.models import Summit
    from summit.matchmaking import sessions_admin

    with database(live_server) as s:
        host = s.scalar(select(User).where(User.email == "host@demo.qianshan.cn"))
        session = sessions_admin.create_session(
            Summit.current(), title_zh="中国海洋大学海洋药物与智能海洋对接会", title_en="OUC marine drugs and smart ocean session",
            host_org_zh="中国海洋大学", host_org_en="Ocean University of China", kind="university",
            day=dt.date(2024, 11, 20), start=dt.time(13, 0), end=dt.time(14, 0), slot_minutes=15,
            room_zh="千山大厦 五楼 洽谈室", room_en="Qianshan Tower, 5F meeting room")
        marine = sessions_admin.add_booth(session, name_zh="海洋药物研究所", name_en="Institute of Marine Drugs",
                                          fields=["marine_bio"], capacity=1, host_user_id=host.id,
                                          needs=[{"position": "研究员", "field": "marine_bio", "degree": "phd", "count": 1}])
        ai = sessions_admin.add_booth(session, name_zh="智能海洋研究院", name_en="Institute of Smart Ocean",
                                      fields=["ai"], capacity=1, host_user_id=host.id)
        return {"session": session.id, "ai": ai.id, "marine": marine.id}


def fill_registration(page, person: dict, category: str, id_type: str, id_number: str, fields: list[str]):
    page.fill("#name", person["name"])
    page.check("input[name=gender][value=female]" if person is ENGLISH else "input[name=gender][value=male]")
    page.fill("#phone", person["phone"])
    page.fill("#email", person["email"])
    page.check(f"input[name=id_type][value={id_type}]")
    page.fill("#id_number", id_number)
    page.select_option("#category_id", label=category)
    page.fill("#organisation", person["organisation"])
    page.fill("#title", person["title"])
    page.select_option("#degree", "phd")
    page.check("input[name=overseas][value=yes]")
    for code in fields:
        page.check(f"input[name=fields][value={code}]")
    page.check("input[name=programme_parts][value=opening]")
    page.check("input[name=programme_parts][value=recruitment]")


def submit_registration(page):
    with page.expect_navigation():
        page.locator("form.reg-form button[type=submit]").click()


def test_english_attendee_registers_on_a_phone(live_server, make_page, screenshot):
    page = make_page("phone", locale="en")
    page.goto("/register")
    expect(page.locator("h1")).to_contain_text("Register for Qianshan Summit 2024")
    fill_registration(page, ENGLISH, "Enterprise representative", "passport", ENGLISH["passport"], ["ai"])
    page.fill("#birth_year", "1986")
    page.check("#consent")
    fits_the_phone(page)
    screenshot(page, "1-form-filled")
    submit_registration(page)

    registered(page, live_server, ENGLISH["email"])
    expect(page.locator(".alert-success h1")).to_have_text("Thank you for registering!")
    expect(page.locator("main")).to_contain_text(f"We have sent a confirmation to {ENGLISH['email']}")
    expect(page.locator("#status")).to_have_text("Approved")  # enterprise representatives need no approval
    expect(page.locator(".reg-summary")).to_contain_text("Institut Pasteur")
    assert "感谢" not in page.locator("main").inner_text()
    fits_the_phone(page)
    screenshot(page, "2-confirmation")
    no_errors(page)

    rows = registrations_with(live_server, ENGLISH["email"])
    assert len(rows) == 1
    assert rows[0]["language"] == "en" and rows[0]["status"] == "approved" and rows[0]["id_type"] == "passport"
    assert rows[0]["phone"] == "+33612345678"


def test_talent_from_registration_to_the_booth_agenda(live_server, make_page, screenshot, booths, pdf_check):
    from summit.badges.models import CheckIn
    from summit.badges.services import active_badge
    from summit.matchmaking.models import Meeting, MeetingRequest

    # 1. The talent registers on a phone in Chinese; a mistyped last digit of the ID card is
    #    caught beside the field, the corrected number goes through.
    talent = make_page("phone")
    talent.goto("/register")
    expect(talent.locator("h1")).to_contain_text("2024千山峰会")
    good_id = resident_id(1989, 417)
    wrong_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    fill_registration(talent, TALENT, "高层次人才", "resident_id", wrong_id, ["ai", "marine_bio"])
    talent.check("#consent")
    submit_registration(talent)
    expect(talent.locator("#id_number + .invalid-feedback")).to_have_text("居民身份证号码无效（请核对最后一位校验码）。")
    expect(talent.locator("#error-summary")).to_contain_text("请修改以下 1 项")
    expect(talent.locator("#error-summary a[href='#id_number']")).to_have_count(1)
    assert talent.evaluate("document.activeElement.id") == "id_number"
    screenshot(talent, "1-wrong-id-number")
    assert registrations_with(live_server, TALENT["email"]) == []
    talent.fill("#birth_year", "")
    talent.fill("#id_number", good_id)
    talent.press("#id_number", "Tab")  # leaving the field fills in the year of birth from the number
    expect(talent.locator("#birth_year")).to_have_value("1989")
    talent.check("#consent")  # (kept from the first try; checking is idempotent)
    submit_registration(talent)

    token = registered(talent, live_server, TALENT["email"])
    expect(talent.locator(".alert-success h1")).to_have_text("感谢您的报名！")
    expect(talent.locator("#status")).to_have_text("待审核")
    expect(talent.locator(".reg-summary")).to_contain_text(TALENT["name"])
    fits_the_phone(talent)
    screenshot(talent, "2-confirmation")
    no_errors(talent)
    rows = registrations_with(live_server, TALENT["email"])
    assert len(rows) == 1 and rows[0]["status"] == "pending" and rows[0]["language"] == "zh_CN"
    assert rows[0]["category"] == "talent" and rows[0]["fields"] == ["ai", "marine_bio"]
    reg_id = rows[0]["id"]

    # 2. An organizer at the office approves the registration and prints the badge at the desk.
    office = make_page("desktop", role="organizer")
    office.goto(f"/organizer/registrations?q={TALENT['phone'].replace(' ', '')}")
    with office.expect_navigation():
        office.locator(f"table a:has-text('{TALENT['name']}')").click()
    expect(office.locator("#status")).to_have_text("待审核")
    with office.expect_navigation():
        office.locator("button[name=action][value=approve]").click()
    expect(office.locator("#status")).to_contain_text("已通过")
    screenshot(office, "3-approved")
    no_errors(office)
    assert registrations_with(live_server, TALENT["email"])[0]["status"] == "approved"

    office.goto("/badges")
    office.fill("input[name=q]", TALENT["name"])
    with office.expect_navigation():
        office.locator("form[role=search] button[type=submit]").click()
    person = office.locator("li.list-group-item", has_text=TALENT["name"])
    expect(person).to_have_count(1)
    screenshot(office, "4-badge-search")
    link = person.locator("a[href*='/badge.pdf']").first
    # The badge opens in a new tab, in the browser's PDF viewer; its file is read back with the
    # organizer's cookies (what "save" in the viewer would write).
    with office.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert "/badge.pdf" in tab.url
    response = office.request.get(tab.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    tab.close()
    assert pdf.startswith(b"%PDF-")
    text = pdf_check.text(pdf)
    assert TALENT["name"] in text and TALENT["organisation"] in text
    assert pdf_check.problems(pdf) == []
    no_errors(office)
    with database(live_server):
        code = active_badge(reg_id).code  # what the QR code on the printed badge holds

    # 3. At the door, check-in staff on a phone: the scanner types the code and Enter.
    door = make_page("phone", role="checkin")
    door.goto("/checkin")
    expect(door.locator("#code")).to_be_focused()
    door.keyboard.type(code)
    door.keyboard.press("Enter")
    verdict = door.locator("#verdict.ok")
    expect(verdict).to_contain_text("签到成功")
    expect(verdict).to_contain_text(TALENT["name"])
    assert verdict.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(21, 128, 61)"  # green
    screenshot(door, "5-checked-in")
    no_errors(door)
    with database(live_server) as s:
        scans = s.scalars(select(CheckIn).where(CheckIn.registration_id == reg_id)).all()
        assert [c.status for c in scans] == ["ok"]

    # 4. The talent follows the private link of the approval mail (a new one: the link of the
    #    first mail no longer opens) to the recruitment sessions and asks for both booths: the
    #    smart-ocean institute first, marine drugs second.
    assert talent.goto(f"/r/{token}").status == 404
    token = private_link(live_server, TALENT["email"])
    talent.goto(f"/r/{token}")
    expect(talent.locator("#status")).to_contain_text("已通过")
    with talent.expect_navigation():
        talent.get_by_role("link", name="引才专场对接会").click()
    assert talent.url.endswith(f"/me/{token}/sessions")
    card = talent.locator(".card", has_text="中国海洋大学海洋药物与智能海洋对接会")
    with talent.expect_navigation():
        card.locator("a", has_text="对接台与预约").click()
    talent.select_option(f"#rank_{booths['ai']}", "1")
    talent.select_option(f"#rank_{booths['marine']}", "2")
    fits_the_phone(talent)
    screenshot(talent, "6-requests")
    with talent.expect_navigation():
        talent.locator("form button[type=submit]", has_text="保存").click()
    expect(talent.locator(".alert-success")).to_contain_text("预约已保存。")
    expect(talent.locator(f"#rank_{booths['ai']}")).to_have_value("1")
    expect(talent.locator(f"#rank_{booths['marine']}")).to_have_value("2")
    no_errors(talent)
    with database(live_server) as s:
        wishes = s.execute(select(MeetingRequest.booth_id, MeetingRequest.rank).where(
            MeetingRequest.registration_id == reg_id).order_by(MeetingRequest.rank)).all()
        assert [tuple(w) for w in wishes] == [(booths["ai"], 1), (booths["marine"], 2)]

    # 5. The organizer builds the timetable, checks the grid and publishes it.
    office.goto(f"/matchmaking/sessions/{booths['session']}")
    with office.expect_navigation():
        office.locator("form[action$='/schedule'] button").click()
    assert office.url.endswith(f"/matchmaking/sessions/{booths['session']}/grid")
    expect(office.locator(".alert-success")).to_contain_text("日程已生成：2 场洽谈")
    expect(office.locator("table.grid .draft", has_text=TALENT["name"])).to_have_count(2)
    screenshot(office, "7-grid")
    office.goto(f"/matchmaking/sessions/{booths['session']}")
    publish = office.locator("form[action$='/publish'] button")
    expect(publish).to_have_text("发布（新增 2）")
    asked = []  # publishing mails people: the browser asks first, naming how many meetings
    office.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with office.expect_navigation():
        publish.click()
    assert asked and asked[0].startswith("发布 2 场洽谈？")
    expect(office.locator(".alert-success")).to_contain_text("日程已发布")
    expect(publish).to_have_count(0)  # no draft left
    screenshot(office, "8-published")
    no_errors(office)
    with database(live_server) as s:
        meetings = s.scalars(select(Meeting).where(Meeting.session_id == booths["session"])).all()
        assert sorted(m.booth_id for m in meetings) == sorted([booths["ai"], booths["marine"]])
        assert all(m.registration_id == reg_id and m.published_at is not None for m in meetings)
        assert len({m.slot_id for m in meetings}) == 2
        # What the agendas show: the booth's name and the local (Beijing) start time.
        times = {m.booth.name_zh: f"{m.slot.starts_at + dt.timedelta(hours=8):%H:%M}" for m in meetings}
        assert s.scalar(select(func.count()).select_from(Meeting).where(Meeting.registration_id == reg_id)) == 2

    # 6. The talent sees both meetings, at their times, on the session's agenda and on the
    #    personal agenda linked from the private registration page; the host on the booth's.
    talent.goto(f"/me/{token}/sessions")
    with talent.expect_navigation():
        talent.locator("a", has_text="查看日程").click()
    for booth, start in times.items():
        expect(talent.locator(".agenda-item", has_text=booth)).to_contain_text(start)
    fits_the_phone(talent)
    screenshot(talent, "9-session-agenda")
    no_errors(talent)
    talent.goto(f"/r/{token}")
    with talent.expect_navigation():
        talent.get_by_role("link", name="我的日程").click()
    assert talent.url.endswith(f"/programme/me/{token}")
    for booth, start in times.items():
        entry = talent.locator(".agenda-entry", has_text=booth)
        expect(entry).to_contain_text(start)
        expect(entry).to_contain_text("洽谈")
    fits_the_phone(talent)
    screenshot(talent, "10-personal-agenda")
    no_errors(talent)

    host = make_page("phone", role="host")
    host.goto("/host/booths")
    with host.expect_navigation():
        host.locator("a.card", has_text="智能海洋研究院").click()
    meeting_card = host.locator("[id^=meeting-]", has_text=TALENT["name"])
    expect(meeting_card).to_have_count(1)
    expect(meeting_card).to_contain_text(TALENT["organisation"])
    expect(meeting_card).to_contain_text(times["智能海洋研究院"])
    fits_the_phone(host)
    screenshot(host, "11-host-booth")
    no_errors(host)
    with host.expect_navigation():
        host.locator("a[href$='/agenda']").click()
    row = host.locator("tr", has_text=TALENT["name"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text(times["智能海洋研究院"])
    screenshot(host, "12-booth-agenda-print")
    no_errors(host)


def test_what_was_typed_survives_the_network_dropping_as_the_form_is_sent(live_server, make_page, screenshot):
    person = {"name": "赵龑", "phone": "139 1207 0999", "email": "zhao.yan@example.com",
              "organisation": "青岛科技大学", "title": "副教授"}
    page = make_page("phone")
    page.goto("/register")
    id_number = resident_id(1991, 999)
    fill_registration(page, person, "高层次人才", "resident_id", id_number, ["ai"])
    page.check("#consent")
    page.context.set_offline(True)
    with pytest.raises(Exception):  # the browser's own "no internet" page
        with page.expect_navigation():
            page.locator("form.reg-form button[type=submit]").click()
    page.context.set_offline(False)
    assert registrations_with(live_server, person["email"]) == []

    page.goto("/register")
    # Everything typed is back but the identity number and the consent, which are not kept.
    expect(page.locator("#name")).to_have_value(person["name"])
    expect(page.locator("#phone")).to_have_value(person["phone"])
    expect(page.locator("#email")).to_have_value(person["email"])
    expect(page.locator("#organisation")).to_have_value(person["organisation"])
    expect(page.locator("#degree")).to_have_value("phd")
    expect(page.locator("input[name=fields][value=ai]")).to_be_checked()
    expect(page.locator("input[name=programme_parts][value=recruitment]")).to_be_checked()
    expect(page.locator("input[name=overseas][value=yes]")).to_be_checked()
    expect(page.locator("#id_number")).to_have_value("")
    expect(page.locator("#consent")).not_to_be_checked()
    screenshot(page, "form-restored")

    page.fill("#id_number", id_number)
    page.check("#consent")
    submit_registration(page)
    assert page.url.endswith("/register/sent"), page.url
    # Registered: the draft is gone, and a new form in this tab starts empty.
    assert page.evaluate("() => sessionStorage.getItem('summit-register-draft')") is None
    page.goto("/register")
    expect(page.locator("#name")).to_have_value("")
    assert len(registrations_with(live_server, person["email"])) == 1
    no_errors(page)
