"""The public registration page and the private management link."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import func, select, update

from summit.core.models import AuditEvent, OutboundMail
from summit.registration.models import Registration
from tests.fixtures.registration import link_token


@pytest.fixture
def client(reg_client):
    return reg_client


def count(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Registration))


def token_of(response) -> str:
    """The private link of the registration just made (it went out by mail)."""
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/sent")
    return link_token()


def test_register_page_is_chinese_and_english(client, reg_summit):
    zh = client.get("/register").get_data(as_text=True)
    assert "手机号码" in zh and "居民身份证" in zh and "仅用于本届峰会。" in zh and "企业代表" in zh
    en = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Mobile phone" in en and "Resident identity card" in en and "Used only for this summit." in en
    assert 'name="viewport"' in en and 'inputmode="tel"' in en
    assert "在线报名" in client.get("/").get_data(as_text=True)  # the home page links to it


def test_a_valid_registration_is_stored_with_a_private_link(client, db, reg_summit, person):
    data = person()
    response = client.post("/register", data=data)
    assert response.status_code == 303
    token = token_of(response)
    assert len(token) >= 43  # 32 random bytes
    reg = db.session.scalar(select(Registration))
    assert reg.status == "approved" and reg.phone == data["phone"] and reg.consent_at is not None
    assert reg.manage_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(reg.__dict__)
    assert "已发送至您登记的电子邮箱" in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/r/{token}?new=1").get_data(as_text=True)
    assert "感谢您的报名" in page and "已通过" in page and data["name"] in page
    assert "*" * 14 + data["id_number"][-4:] in page and data["id_number"] not in page
    mail = db.session.scalar(select(OutboundMail))
    assert mail.to_addr == data["email"] and f"/r/{token}" in mail.body_text and "报名成功" in mail.subject
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == reg.id))
    assert event.action == "created" and event.after["status"] == "approved"


def test_english_registrant_gets_english_mail(client, db, reg_summit, person):
    client.post("/register", data=person(), headers={"Accept-Language": "en"})
    mail = db.session.scalar(select(OutboundMail))
    assert mail.language == "en" and mail.subject == "Qianshan Summit 2030: registration confirmed"
    assert "Dear" in mail.body_text


def test_category_that_needs_approval_starts_pending(client, db, reg_summit, person):
    assert client.post("/register", data=person("talent")).status_code == 303
    assert db.session.scalar(select(Registration.status)) == "pending"
    assert "报名已收到" in db.session.scalar(select(OutboundMail.subject))


def test_over_capacity_goes_to_the_waitlist_and_moves_up_on_cancel(client, db, reg_summit, person):
    tokens = [token_of(client.post("/register", data=person("media"))) for _ in range(3)]
    statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["approved", "approved", "waitlisted"]
    assert "候补" in client.get(f"/r/{tokens[2]}").get_data(as_text=True)
    assert client.post(f"/r/{tokens[0]}/cancel", data={"reason": "行程冲突"}).status_code == 303
    db.session.expire_all()
    statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["cancelled", "approved", "approved"]
    subjects = db.session.scalars(select(OutboundMail.subject).order_by(OutboundMail.id)).all()
    assert any("候补成功" in s for s in subjects) and any("报名已取消" in s for s in subjects)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "promoted" in actions and "cancelled" in actions


@pytest.mark.parametrize("field,value,message", [
    ("phone", "12345", "11位大陆手机号"),
    ("email", "not-an-email", "邮箱地址格式不正确"),
    ("id_number", "110101199003078031", "校验码"),
    ("name", "", "此项为必填项"),
    ("name", "x" * 500, "内容过长"),
    ("birth_year", "1975", "出生年份与身份证号码不一致"),
    ("consent", "", "请同意隐私政策"),
    ("category_id", "99999", "请从选项中选择"),
])
def test_bad_input_is_refused_beside_the_field(client, db, reg_summit, person, field, value, message):
    data = person(**{field: value})
    response = client.post("/register", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "invalid-feedback" in page
    assert count(db) == 0 and db.session.scalar(select(func.count()).select_from(OutboundMail)) == 0


def test_passport_and_international_phone_are_accepted(client, db, reg_summit, person):
    data = person(id_type="passport", id_number="e1234567", phone="+49 151 2345 6789", birth_year="1985")
    assert client.post("/register", data=data).status_code == 303
    reg = db.session.scalar(select(Registration))
    assert reg.phone == "+4915123456789" and reg.id_number == "E1234567"


def test_hostile_text_is_stored_harmlessly_and_rendered_escaped(client, db, reg_summit, person):
    data = person(name="<script>alert(1)</script>'; DROP TABLE registrations;--", organisation="AB\x07C\u202eD",
                  dietary="=HYPERLINK(\"http://x\")")
    # A NUL byte is refused at the request boundary (PostgreSQL cannot store it), nothing written.
    assert client.post("/register", data=dict(data, organisation="A\x00B")).status_code == 400
    assert db.session.scalar(select(Registration)) is None
    token = token_of(client.post("/register", data=data))
    reg = db.session.scalar(select(Registration))
    assert reg.name == data["name"] and reg.organisation == "ABCD"
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def _answer(response) -> tuple:
    """What a visitor can see of the answer: status, where it goes, and that page."""
    return response.status_code, response.headers.get("Location"), response.headers.get("Set-Cookie")


@pytest.mark.parametrize("same", ["phone", "email", "id_number"])
def test_registering_again_answers_as_a_new_registration_would(client, db, reg_summit, person, same):
    first = person()
    client.post("/register", data=first)
    db.session.execute(update(Registration).values(link_issued_at=dt.datetime(2020, 1, 1)))  # not a double-click
    db.session.commit()
    fresh = client.post("/register", data=person())
    again = client.post("/register", data=person(**{same: first[same]}))
    assert _answer(again) == _answer(fresh) and again.status_code == 303
    assert client.get(again.headers["Location"]).get_data(as_text=True) == \
        client.get(fresh.headers["Location"]).get_data(as_text=True)
    assert count(db) == 2
    # The owner gets a new private link at the address on file, not at the one just typed.
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    assert [m.to_addr for m in mails] == [first["email"], mails[1].to_addr, first["email"]]
    assert "您已报名" in mails[-1].subject and "/r/" in mails[-1].body_text
    token = link_token(first["email"])
    assert first["name"] in client.get(f"/r/{token}").get_data(as_text=True)


def test_a_double_click_creates_one_registration(client, db, reg_summit, person):
    data = person()
    assert client.post("/register", data=data).status_code == 303
    token = link_token()
    assert client.post("/register", data=data).status_code == 303
    assert count(db) == 1
    # The second click sends no new link: the first mail's link keeps working.
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == 1
    assert client.get(f"/r/{token}").status_code == 200


def test_registration_closed(client, db, reg_summit, person):
    reg_summit.registration_closes_at = dt.datetime(2021, 1, 1)
    db.session.commit()
    assert "当前不在报名时间内" in client.get("/register").get_data(as_text=True)
    assert client.post("/register", data=person()).status_code == 403
    assert count(db) == 0


def test_attendee_edits_until_the_deadline(client, db, reg_summit, person):
    token = token_of(client.post("/register", data=person()))
    page = client.get(f"/r/{token}/edit").get_data(as_text=True)
    assert "海尔集团" in page and 'name="name"' not in page  # the name is not theirs to change
    data = {"organisation": "海信集团", "phone": "13700000001", "email": "new@example.com", "gender": "male",
            "overseas": "no", "fields": ["vr"], "programme_parts": ["opening"], "degree": "master", "title": "总监"}
    assert client.post(f"/r/{token}/edit", data=data).status_code == 303
    reg = db.session.scalar(select(Registration))
    assert reg.organisation == "海信集团" and reg.fields == ["vr"] and reg.email == "new@example.com"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edited_by_attendee"))
    assert event.before["organisation"] == "海尔集团" and event.after["organisation"] == "海信集团"
    assert event.actor_label == "attendee link"
    bad = client.post(f"/r/{token}/edit", data={**data, "phone": "abc"})
    assert bad.status_code == 422 and "11位大陆手机号" in bad.get_data(as_text=True)
    reg_summit.edit_deadline = dt.datetime(2021, 1, 1)
    db.session.commit()
    assert client.post(f"/r/{token}/edit", data={**data, "organisation": "歌尔"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Registration.organisation)) == "海信集团"


def test_attendee_edit_cannot_take_someone_elses_phone(client, db, reg_summit, person):
    other = person()
    client.post("/register", data=other)
    token = token_of(client.post("/register", data=person()))
    data = {"organisation": "X", "phone": other["phone"], "email": "mine@example.com", "overseas": "no"}
    assert client.post(f"/r/{token}/edit", data=data).status_code == 409


def test_unknown_token_is_404(client, reg_summit):
    assert client.get("/r/not-a-token").status_code == 404
    assert client.post("/r/not-a-token/cancel").status_code == 404


def test_resend_link_issues_a_new_link_and_the_old_one_stops(client, db, reg_summit, person):
    data = person()
    old = token_of(client.post("/register", data=data))
    response = client.post("/register/link", data={"contact": data["phone"]})
    assert response.status_code == 303
    assert client.get(f"/r/{old}").status_code == 404
    mail = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id.desc())).first()
    assert mail.to_addr == data["email"] and "专属链接" in mail.subject
    new = re.search(r"/r/([A-Za-z0-9_-]+)", mail.body_text).group(1)
    assert client.get(f"/r/{new}").status_code == 200
    # An unknown contact gets the same answer and no mail.
    before = db.session.scalar(select(func.count()).select_from(OutboundMail))
    assert client.post("/register/link", data={"contact": "nobody@example.com"}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == before
    assert client.post("/register/link", data={"contact": ""}).status_code == 422


def test_extra_questions_are_asked_and_checked(client, db, reg_summit, person):
    from summit.registration.models import ExtraQuestion

    q1 = ExtraQuestion(summit_id=reg_summit.id, kind="single", label_zh="对接方向", label_en="Interest", required=True,
                       choices=[{"value": "job", "zh": "岗位", "en": "Job"}, {"value": "project", "zh": "项目", "en": "Project"}])
    q2 = ExtraQuestion(summit_id=reg_summit.id, kind="number", label_zh="团队人数", label_en="Team size")
    q3 = ExtraQuestion(summit_id=reg_summit.id, kind="date", label_zh="抵达日期", label_en="Arrival")
    db.session.add_all([q1, q2, q3])
    db.session.commit()
    page = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Interest" in page and "Project" in page
    missing = client.post("/register", data=person())
    assert missing.status_code == 422 and "此项为必填项" in missing.get_data(as_text=True)
    bad = client.post("/register", data=person(**{f"q_{q1.id}": "hack", f"q_{q2.id}": "many", f"q_{q3.id}": "tomorrow"}))
    assert bad.status_code == 422
    assert count(db) == 0
    ok = client.post("/register", data=person(**{f"q_{q1.id}": "project", f"q_{q2.id}": "5", f"q_{q3.id}": "2030-11-18"}))
    assert ok.status_code == 303
    assert db.session.scalar(select(Registration.answers)) == {str(q1.id): "project", str(q2.id): 5, str(q3.id): "2030-11-18"}


def test_the_edit_deadline_has_a_four_digit_year_in_the_readers_language(client, db, reg_summit, person):
    reg_summit.edit_deadline = dt.datetime(2030, 12, 31, 15, 59)  # UTC: 23:59 in Shanghai
    db.session.commit()
    token = token_of(client.post("/register", data=person()))
    zh = client.get(f"/r/{token}").get_data(as_text=True)
    assert "2030年12月31日 23:59" in zh
    en = client.get(f"/r/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Changes are possible until December 31, 2030" in en and "12/31/30" not in en


def test_the_english_form_expects_a_passport_and_names_one_typed_as_an_id_card(client, db, reg_summit, person):
    page = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="id_type"[^>]*value="passport"', page)
    response = client.post("/register", data=person(id_type="resident_id", id_number="E12345678"),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "This looks like a passport number: choose Passport" in response.get_data(as_text=True)
    response = client.post("/register", data=person(id_type="resident_id", id_number="110101199003078030"))
    assert "最后一位" in response.get_data(as_text=True) or "校验" in response.get_data(as_text=True)
