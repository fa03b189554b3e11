"""The organizer's pages: list, detail, decisions, reveal, audit trail, settings, outbox."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from summit.core.models import AuditEvent, OutboundMail
from summit.registration.models import Category, ExtraQuestion, FieldTag, Registration
from tests.fixtures.registration import link_token


@pytest.fixture
def client(reg_client):
    return reg_client


ORGANIZER_PAGES = ["/organizer/registrations", "/organizer/registrations/1", "/organizer/registrations/export",
                   "/organizer/registrations/import", "/organizer/registrations/settings", "/organizer/outbox",
                   "/organizer/registrations/import/template.xlsx", "/organizer/registrations/1/edit"]
ORGANIZER_POSTS = ["/organizer/registrations/bulk", "/organizer/registrations/1/reveal", "/organizer/registrations/1/decide",
                   "/organizer/registrations/1/cancel", "/organizer/registrations/1/reissue", "/organizer/registrations/1/edit",
                   "/organizer/registrations/import", "/organizer/registrations/export", "/organizer/registrations/categories",
                   "/organizer/registrations/fields", "/organizer/registrations/questions"]


def test_organizer_pages_need_the_role(client, db, login, reg_summit, person):
    client.post("/register", data=person())
    for path in ORGANIZER_PAGES:
        assert client.get(path).status_code == 302, path  # to the login page
    for path in ORGANIZER_POSTS:
        assert client.post(path, data={"ids": ["1"], "action": "approve"}).status_code == 302, path
    login("judge")
    for path in ORGANIZER_PAGES:
        assert client.get(path).status_code == 403, path
    for path in ORGANIZER_POSTS:
        assert client.post(path, data={"ids": ["1"], "action": "approve"}).status_code == 403, path
    assert db.session.scalar(select(Registration.status)) == "approved"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1  # only the registration itself


def test_resend_page_and_unknown_actions(client, login, reg_summit, person):
    assert "重新获取专属链接" in client.get("/register/link").get_data(as_text=True)
    client.post("/register", data=person())
    login("organizer")
    assert client.post("/organizer/registrations/1/decide", data={"action": "explode"}).status_code == 400
    assert client.get("/organizer/registrations/999").status_code == 404
    assert client.post("/organizer/registrations/999/reveal").status_code == 404


def test_list_search_filter_sort_page(client, db, login, demo_summit):
    login("organizer")
    page = client.get("/organizer/registrations").get_data(as_text=True)
    total = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.summit_id == demo_summit.id))
    assert f"共 {total} 条" in page
    # Newest first, 50 a page: 刘䶮 is on the page his place in that order says.
    liu = db.session.scalar(select(Registration).where(Registration.summit_id == demo_summit.id,
                                                       Registration.name == "刘䶮"))
    newer = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == demo_summit.id,
        (Registration.created_at > liu.created_at)
        | ((Registration.created_at == liu.created_at) & (Registration.id > liu.id))))
    on_page = client.get(f"/organizer/registrations?page={newer // 50 + 1}").get_data(as_text=True)
    assert "刘䶮" in on_page
    found = client.get("/organizer/registrations?q=" + "海信集团").get_data(as_text=True)
    hisense = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.organisation == "海信集团"))
    assert f"共 {hisense} 条" in found
    by_phone = client.get("/organizer/registrations?q=13800000007").get_data(as_text=True)
    assert "共 1 条" in by_phone
    talent = db.session.scalar(select(Category.id).where(Category.code == "talent", Category.summit_id == demo_summit.id))
    pending = client.get(f"/organizer/registrations?category={talent}&status=pending").get_data(as_text=True)
    n = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.category_id == talent, Registration.status == "pending"))
    assert f"共 {n} 条" in pending
    names = db.session.scalars(select(Registration.name).where(Registration.summit_id == demo_summit.id)
                               .order_by(Registration.name.asc(), Registration.id.asc()).limit(3)).all()
    sorted_page = client.get("/organizer/registrations?sort=name&dir=asc").get_data(as_text=True)
    positions = [sorted_page.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    assert client.get("/organizer/registrations?page=999").status_code == 200
    assert client.get("/organizer/registrations?q=%25_%5C'&sort=bogus&status=bogus&category=x").status_code == 200


def test_identity_numbers_are_masked_and_reveal_is_logged(client, db, login, demo_summit):
    login("organizer")
    reg = db.session.scalar(select(Registration).where(Registration.id_type == "resident_id").limit(1))
    for path in ("/organizer/registrations", f"/organizer/registrations/{reg.id}",
                 f"/organizer/registrations?q={reg.phone}"):
        assert reg.id_number not in client.get(path).get_data(as_text=True)
    page = client.post(f"/organizer/registrations/{reg.id}/reveal").get_data(as_text=True)
    assert reg.id_number in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "id_number_revealed"))
    assert event.subject_id == reg.id and event.actor_label.startswith("organizer")
    assert "查看完整证件号码" in client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)


def test_bulk_approve_and_reject(client, db, login, demo_summit):
    login("organizer")
    pending = db.session.scalars(select(Registration.id).where(Registration.status == "pending").limit(3)).all()
    approved = db.session.scalar(select(Registration.id).where(Registration.status == "approved").limit(1))
    ids = [str(i) for i in pending] + [str(approved)]
    mails_before = db.session.scalar(select(func.count()).select_from(OutboundMail))
    # The list's button only asks: how many people will be mailed, and nothing changes yet.
    ask = client.post("/organizer/registrations/bulk", data={"ids": ids, "action": "approve"})
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "通过 3 人？" in page and 'name="confirmed" value="1"' in page
    assert "1 条所选报名不在可操作的状态" in page
    assert set(db.session.scalars(select(Registration.status).where(Registration.id.in_(pending))).all()) == {"pending"}
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == mails_before
    response = client.post("/organizer/registrations/bulk", data={"ids": ids, "action": "approve", "confirmed": "1"})
    assert response.status_code == 303
    assert set(db.session.scalars(select(Registration.status).where(Registration.id.in_(pending))).all()) == {"approved"}
    emails = db.session.scalars(select(Registration.email).where(Registration.id.in_(pending + [approved]))).all()
    to = db.session.scalars(select(OutboundMail.to_addr).where(OutboundMail.to_addr.in_(emails))).all()
    assert len(to) == 3  # the already approved one was left alone and got no mail
    response = client.post("/organizer/registrations/bulk", data={"ids": [str(pending[0])], "action": "reject",
                                                                  "reason": "名额已满", "confirmed": "1"})
    reg = db.session.get(Registration, pending[0])
    assert reg.status == "rejected" and reg.status_reason == "名额已满" and reg.reviewed_by_id is not None
    assert client.post("/organizer/registrations/bulk", data={"ids": ["1"], "action": "delete"}).status_code == 400


def test_bulk_reject_needs_a_reason_and_a_confirmation(client, db, login, demo_summit):
    login("organizer")
    pending = db.session.scalars(select(Registration.id).where(Registration.status == "pending").limit(2)).all()
    ids = [str(i) for i in pending]
    mails_before = db.session.scalar(select(func.count()).select_from(OutboundMail))
    ask = client.post("/organizer/registrations/bulk", data={"ids": ids, "action": "reject"})
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "不通过 2 人？" in page and 'name="reason"' in page
    # Confirmed without a reason: refused next to the field, nothing changed, nobody mailed.
    bare = client.post("/organizer/registrations/bulk", data={"ids": ids, "action": "reject", "confirmed": "1",
                                                              "reason": "  "})
    assert bare.status_code == 422 and "请填写不通过的原因" in bare.get_data(as_text=True)
    assert set(db.session.scalars(select(Registration.status).where(Registration.id.in_(pending))).all()) == {"pending"}
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == mails_before
    done = client.post("/organizer/registrations/bulk", data={"ids": ids, "action": "reject", "confirmed": "1",
                                                              "reason": "本届名额已满"})
    assert done.status_code == 303
    emails = db.session.scalars(select(Registration.email).where(Registration.id.in_(pending))).all()
    bodies = db.session.scalars(select(OutboundMail.body_text).where(OutboundMail.id > mails_before,
                                                                      OutboundMail.to_addr.in_(emails))).all()
    assert len(bodies) == 2 and all("本届名额已满" in b for b in bodies)


def test_rejecting_frees_a_seat_for_the_waitlist(client, db, login, reg_summit, person):
    for _ in range(3):
        client.post("/register", data=person("media"))
    login("organizer")
    first, _second, third = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert third.status == "waitlisted"
    client.post(f"/organizer/registrations/{first.id}/decide", data={"action": "reject", "reason": "不符合条件"})
    db.session.expire_all()
    assert first.status == "rejected" and third.status == "approved"


def test_detail_edit_and_audit_trail(client, db, login, reg_summit, person):
    client.post("/register", data=person("talent"))
    login("organizer")
    reg = db.session.scalar(select(Registration))
    page = client.get(f"/organizer/registrations/{reg.id}/edit").get_data(as_text=True)
    assert reg.id_number not in page
    form = {"name": "李四", "category_id": str(reg.category_id), "organisation": "青岛大学", "phone": reg.phone,
            "email": reg.email, "id_type": "", "id_number": "", "birth_year": "1988", "overseas": "yes",
            "gender": "male", "fields": ["ai", "vr"], "programme_parts": ["opening"]}
    assert client.post(f"/organizer/registrations/{reg.id}/edit", data=form).status_code == 303
    db.session.expire_all()
    assert reg.name == "李四" and reg.organisation == "青岛大学" and reg.id_number  # kept
    bad = client.post(f"/organizer/registrations/{reg.id}/edit", data={**form, "email": "nope"})
    assert bad.status_code == 422
    client.post(f"/organizer/registrations/{reg.id}/decide", data={"action": "approve"})
    page = client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)
    assert "组委会修改" in page and "青岛大学" in page and "已通过" in page and "提交报名" in page
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == reg.id)).all()
    assert {"created", "edited", "approved"} <= set(events)


def test_reissue_makes_the_old_link_stop_working(client, db, login, reg_summit, person):
    import re

    assert client.post("/register", data=person()).status_code == 303
    old = link_token()
    login("organizer")
    reg = db.session.scalar(select(Registration))
    assert client.post(f"/organizer/registrations/{reg.id}/reissue").status_code == 303
    assert client.get(f"/r/{old}").status_code == 404
    mail = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id.desc())).first()
    new = re.search(r"/r/([\w-]+)", mail.body_text).group(1)
    assert new != old and client.get(f"/r/{new}").status_code == 200


def test_settings_categories_fields_questions(client, db, login, reg_summit, person):
    login("organizer")
    tokens = [client.post("/register", data=person("media")).headers["Location"] for _ in range(4)]
    assert len(tokens) == 4
    media = db.session.scalar(select(Category).where(Category.code == "media"))
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.status == "waitlisted")) == 2
    response = client.post(f"/organizer/registrations/categories/{media.id}",
                           data={"name_zh": "媒体", "name_en": "Media", "capacity": "3", "color": "#d68910"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.status == "waitlisted")) == 1
    bad = client.post(f"/organizer/registrations/categories/{media.id}", data={"name_zh": "媒体", "name_en": "Media", "capacity": "-1"})
    assert bad.status_code == 303 and db.session.get(Category, media.id).capacity == 3
    client.post("/organizer/registrations/categories", data={"code": "students", "name_zh": "学生", "name_en": "Students",
                                                            "needs_approval": "1"})
    assert db.session.scalar(select(Category).where(Category.code == "students")).needs_approval
    client.post("/organizer/registrations/fields", data={"code": "marine_bio", "name_zh": "海洋生物医药", "name_en": "Marine biomedicine"})
    assert db.session.scalar(select(FieldTag).where(FieldTag.code == "marine_bio")) is not None
    client.post("/organizer/registrations/questions", data={"kind": "multiple", "label_zh": "感兴趣的专场", "label_en": "Sessions",
                                                           "choices": "ouc | 中国海洋大学 | Ocean University\nqdu | 青岛大学 | Qingdao University",
                                                           "required": "1"})
    q = db.session.scalar(select(ExtraQuestion))
    assert q.required and [c["value"] for c in q.choices] == ["ouc", "qdu"]
    page = client.get("/register").get_data(as_text=True)
    assert "感兴趣的专场" in page and "海洋生物医药" in page and "学生" in page
    client.post(f"/organizer/registrations/questions/{q.id}", data={"label_zh": "x", "label_en": "x", "retire": "1"})
    assert "感兴趣的专场" not in client.get("/register").get_data(as_text=True)
    settings = client.get("/organizer/registrations/settings").get_data(as_text=True)
    assert "已停用" in settings


def _audit(db, subject_type: str) -> list[tuple[str, dict | None, dict | None]]:
    db.session.rollback()  # a fresh snapshot: the requests wrote since
    return [(e.action, e.before, e.after) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == subject_type).order_by(AuditEvent.id))]


def test_settings_edits_are_audited(client, db, login, reg_summit):
    """Categories, field tags and questions change through services that record who changed what."""
    organizer = login("organizer")
    added = client.post("/organizer/registrations/categories", data={
        "code": "students", "name_zh": "学生", "name_en": "Students", "capacity": "20", "color": "#112233"})
    assert added.status_code == 303
    students = db.session.scalar(select(Category).where(Category.code == "students"))
    client.post(f"/organizer/registrations/categories/{students.id}", data={
        "name_zh": "学生代表", "name_en": "Students", "capacity": "30", "color": "#112233"})
    assert _audit(db, "categories") == [
        ("created", None, {"code": "students", "name_zh": "学生", "name_en": "Students", "needs_approval": False,
                           "capacity": 20, "color": "#112233"}),
        ("edited", {"name_zh": "学生", "capacity": 20}, {"name_zh": "学生代表", "capacity": 30})]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "categories")).all()
    assert {e.subject_id for e in events} == {students.id}
    assert {e.actor_id for e in events} == {organizer}

    client.post("/organizer/registrations/fields", data={"code": "marine_bio", "name_zh": "海洋生物", "name_en": "Marine"})
    tag_id = db.session.scalar(select(FieldTag.id).where(FieldTag.code == "marine_bio"))
    client.post(f"/organizer/registrations/fields/{tag_id}", data={"name_zh": "海洋生物医药", "name_en": "Marine"})
    client.post(f"/organizer/registrations/fields/{tag_id}", data={"name_zh": "x", "name_en": "x", "delete": "1"})
    assert [a for a, _b, _a in _audit(db, "field_tags")] == ["created", "edited", "deleted"]
    assert _audit(db, "field_tags")[1][1:] == ({"name_zh": "海洋生物"}, {"name_zh": "海洋生物医药"})
    assert db.session.get(FieldTag, tag_id) is None

    client.post("/organizer/registrations/questions", data={"kind": "yesno", "label_zh": "需要接站吗", "label_en": "Pickup?"})
    q_id = db.session.scalar(select(ExtraQuestion.id))
    client.post(f"/organizer/registrations/questions/{q_id}", data={"label_zh": "需要接站吗", "label_en": "Pickup?",
                                                                   "required": "1"})
    client.post(f"/organizer/registrations/questions/{q_id}", data={"retire": "1"})
    client.post(f"/organizer/registrations/questions/{q_id}", data={"retire": "1"})
    assert [(a, b, c) for a, b, c in _audit(db, "extra_questions")] == [
        ("created", None, {"kind": "yesno", "label_zh": "需要接站吗", "label_en": "Pickup?", "required": False}),
        ("edited", {"required": False}, {"required": True}),
        ("retired", {"active": True}, {"active": False}),
        ("reinstated", {"active": False}, {"active": True})]


def test_refused_settings_edits_go_back_to_the_settings_page(client, db, login, reg_summit):
    login("organizer")
    for url, data in [("/organizer/registrations/categories", {"code": "enterprise", "name_zh": "重复", "name_en": "Again"}),
                      ("/organizer/registrations/fields", {"code": "Bad Code", "name_zh": "x", "name_en": "x"}),
                      ("/organizer/registrations/questions", {"kind": "single", "label_zh": "x", "label_en": "x",
                                                              "choices": "only one"})]:
        response = client.post(url, data=data)
        assert response.status_code == 303, url
        assert response.headers["Location"].endswith("/organizer/registrations/settings"), url
    page = client.get("/organizer/registrations/settings").get_data(as_text=True)
    assert "该代码已被使用。" in page, re.findall(r"alert[^>]*>([^<]*)", page)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.subject_type.in_(("categories", "field_tags", "extra_questions")))) == 0
    assert db.session.scalar(select(func.count()).select_from(ExtraQuestion)) == 0


def test_outbox_shows_mail_without_smtp(client, db, login, reg_summit, person):
    data = person()
    client.post("/register", data=data)
    login("organizer")
    mail = db.session.scalar(select(OutboundMail))
    page = client.get(f"/organizer/outbox?show={mail.id}").get_data(as_text=True)
    assert "未配置邮件服务器" in page and data["email"] in page and "/r/" in page


def test_dashboard_figures(app, db, demo_summit):
    from summit.registration import dashboard

    with app.test_request_context("/"):
        [section] = dashboard.figures(demo_summit)
    assert section["title"] == "报名"
    total = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.summit_id == demo_summit.id))
    assert section["key"] == "registration" and section["stats"][0]["value"] == total
    under_40 = section["stats"][4]["value"]
    assert under_40.endswith("%") and 55 <= int(under_40[:-1]) <= 85  # the demo's ~71%
    line = section["charts"][0]
    assert line["kind"] == "line" and line["points"][-1][1] == total
    assert sum(p[1] for p in section["charts"][1]["points"]) == section["stats"][1]["value"]
    assert all(row[0] for row in section["tables"][0]["rows"])


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_history_and_answers_read_as_words(client, db, login, reg_summit, person, language):
    """The audit trail, the outbox and the extra questions' answers: words, no codes."""
    from summit.core.database import transaction

    with transaction():
        job = ExtraQuestion(summit_id=reg_summit.id, kind="single", label_zh="您的来意", label_en="Why you come",
                            choices=[{"value": "job", "zh": "求职", "en": "Looking for a job"},
                                     {"value": "project", "zh": "项目合作", "en": "Project partners"}])
        db.session.add(job)
    qid = job.id
    from tests.fixtures.registration import link_token

    data = {**person("talent"), f"q_{qid}": "job"}
    client.post("/register", data=data)
    token_path = f"/r/{link_token(data['email'])}"
    assert "求职" in client.get(token_path).get_data(as_text=True)
    client.post(f"{token_path}/edit", data={**person("talent", organisation="青岛大学"), f"q_{qid}": "project"})
    login("organizer")
    client.post("/lang/" + language)
    reg = db.session.scalar(select(Registration))
    client.post(f"/organizer/registrations/{reg.id}/decide", data={"action": "approve"})
    page = client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)
    history = page[page.index("audit-list"):]
    for code in ("approved", "edited_by_attendee", "pending", "anonymous", "attendee link", "created",
                 "organisation", "<code>"):
        assert code not in history, code
    outbox = client.get("/organizer/outbox").get_data(as_text=True)
    assert not re.search(r'<td class="small">(logged|queued|sent)\b', outbox)
    if language == "en":
        assert "Approved" in history and "Changed by the attendee" in history and "Awaiting approval" in history
        assert "Project partners" in page and "Logged only" in outbox
    else:
        assert "参会人修改" in history and "待审核" in history and "项目合作" in page and "仅记录" in outbox
