"""Badge codes, badge PDFs, printing and the confirmation mail's parts."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from summit.badges import services, sheets
from summit.badges.models import Badge, PrintBatch
from summit.core import mail, signals
from summit.registration.models import Registration
from tests.fixtures.pdfcheck import extracted_text, glyph_problems


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_approval_issues_a_badge_code_without_personal_data(db, make_registration, badge_code):
    rid = make_registration("刘䶮", phone="13912345678")
    code = badge_code(rid)
    assert code.startswith("QS") and len(code) == 28
    for personal in ("刘䶮", "13912345678", str(rid)):
        assert personal not in code
    # Approving again keeps the code.
    registration = db.session.get(Registration, rid)
    signals.registration_approved.send(registration)
    db.session.commit()
    assert badge_code(rid) == code
    assert db.session.scalar(select(func.count()).select_from(Badge)) == 1


def test_pending_registrations_have_no_badge(db, make_registration):
    rid = make_registration("严小天", status="pending")
    assert services.active_badge(rid) is None
    with pytest.raises(services.BadgeError):
        sheets.single_badge_pdf(rid)
    with pytest.raises(services.BadgeError):
        services.reissue_badge(rid)


def test_reissue_revokes_the_old_code(db, make_registration, badge_code):
    rid = make_registration("王㛃")
    pending = make_registration("严小天", status="pending")
    old = badge_code(rid)
    assert services.badge_codes([rid, pending]) == {rid: old}
    services.reissue_badge(rid)
    new = badge_code(rid)
    assert new != old and services.badge_codes([rid]) == {rid: new}
    assert db.session.scalar(select(Badge).where(Badge.code == old)).status == "revoked"


@pytest.mark.parametrize("layout", ["a6", "lanyard", "card"])
def test_one_badge_reads_back_with_real_glyphs(db, make_registration, layout):
    rid = make_registration("吉𠮷", organisation="中国科学院青岛生物能源与过程研究所", title="研究员")
    data = sheets.single_badge_pdf(rid, layout)
    assert pages(data) == 1
    text = extracted_text(data)
    assert "吉𠮷" in text and "中国科学院青岛生物能源与过程研究所" in text and "高层次人才" in text
    assert "2024千山峰会" in text
    assert glyph_problems(data) == []
    badge = services.active_badge(rid)
    db.session.refresh(badge)
    assert badge.printed_at is not None and badge.print_count == 1


def test_english_badge_in_english(db, make_registration):
    rid = make_registration("Maximilian Alexander von Hohenberg-Schwarzenstein", language="en",
                            organisation="Technische Universität München", title="Professor")
    text = extracted_text(sheets.single_badge_pdf(rid))
    assert "Maximilian Alexander von" in text and "Hohenberg-Schwarzenstein" in text
    assert "High-level talent" in text and "Qianshan Summit 2024" in text


def test_attendee_input_is_escaped(db, make_registration, tmp_path):
    secret = tmp_path / "s.txt"
    secret.write_text("TOPSECRET")
    rid = make_registration(f'<img src="file://{secret}">李<b>四</b>',
                            organisation=f'<link rel=stylesheet href="file://{secret}">&amp;')
    data = sheets.single_badge_pdf(rid)
    text = extracted_text(data)
    assert "<b>四</b>" in text and "<img" in text and "&amp;" in text
    assert b"TOPSECRET" not in data
    assert glyph_problems(data) == []


def test_sheets_with_cut_marks(db, make_registration):
    ids = [make_registration(n) for n in ("刘䶮", "王㛃", "吉𠮷", "龑明", "欧阳䶮")]
    summit = db.session.get(Registration, ids[0]).summit
    entries = sheets.select_for_print(summit)
    # By surname strokes (姓氏笔画) by default, as badges are handed out.
    from summit.core import names

    assert [r.name for r, _ in entries] == names.sorted_by([r.name for r, _ in entries], "stroke")
    assert [r.name for r, _ in entries] != sorted(r.name for r, _ in entries)
    data = sheets.render_badges(entries, "a4-4up")
    assert pages(data) == 2
    assert pages(sheets.render_badges(entries, "a4-8up")) == 1
    text = extracted_text(data)
    for name in ("刘䶮", "王㛃", "吉𠮷", "龑明", "欧阳䶮"):
        assert name in text
    assert glyph_problems(data) == []
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 210 and round(float(box.height) * 25.4 / 72) == 297


def test_selection_by_category_printed_state_and_new_since_last_batch(db, make_registration, small_summit):
    a = make_registration("张学莹", category="enterprise")
    b = make_registration("刘䶮")
    make_registration("严小天", status="pending")
    make_registration("万志波", status="cancelled")
    assert {r.id for r, _ in sheets.select_for_print(small_summit)} == {a, b}
    assert {r.id for r, _ in sheets.select_for_print(small_summit, "enterprise")} == {a}
    assert {r.id for r, _ in sheets.select_for_print(small_summit, registration_id=b)} == {b}
    sheets.single_badge_pdf(a)
    assert {r.id for r, _ in sheets.select_for_print(small_summit, mode="not_printed")} == {b}
    with pytest.raises(services.BadgeError):
        sheets.select_for_print(small_summit, mode="bogus")


def test_batch_job_from_the_page(client, login, db, make_registration, small_summit):
    ids = [make_registration(f"参会人{i}") for i in range(6)]
    login("organizer")
    response = client.post("/badges/print", data={"layout": "a4-4up", "category": "", "mode": "all"})
    assert response.status_code == 303
    db.session.rollback()  # a fresh snapshot: the batch was written by the request
    batch = db.session.scalar(select(PrintBatch))
    assert batch.status == "done" and batch.count == 6 and batch.job_id
    job = client.get(f"/jobs/{batch.job_id}").json
    assert job["status"] == "done" and job["done"] == job["total"] == 6 and job["percent"] == 100
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/badges/batches/{batch.id}/download" in page
    pdf = client.get(f"/badges/batches/{batch.id}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pages(pdf.data) == 2
    assert glyph_problems(pdf.data) == []
    db.session.rollback()
    assert all(services.active_badge(i).printed_at for i in ids)
    # New since the last batch: only those approved after it.
    later = make_registration("龑明")
    client.post("/badges/print", data={"layout": "a6", "category": "", "mode": "new"})
    db.session.rollback()
    newest = db.session.scalar(select(PrintBatch).order_by(PrintBatch.id.desc()))
    assert newest.count == 1
    assert services.active_badge(later).last_batch_id == newest.id


def test_batch_form_refuses_bad_input(client, login, db, small_summit):
    login("organizer")
    response = client.post("/badges/print", data={"layout": "poster", "category": "", "mode": "all"})
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PrintBatch)) == 0
    assert client.get("/badges/batches/999/download").status_code == 404


def test_badge_pages_need_an_organizer(client, login, small_summit):
    assert client.get("/badges").status_code == 302
    login("checkin")
    assert client.get("/badges").status_code == 403
    assert client.post("/badges/print", data={"layout": "a6", "mode": "all"}).status_code == 403


def test_badges_page_search_and_reissue(client, login, db, make_registration, badge_code):
    rid = make_registration("欧阳䶮", phone="13911112222")
    old = badge_code(rid)
    login("organizer")
    page = client.get("/badges?q=2222").get_data(as_text=True)
    assert "欧阳䶮" in page and f"/api/v1/registrations/{rid}/badge.pdf" in page
    assert client.post(f"/badges/registrations/{rid}/reissue").status_code == 303
    assert badge_code(rid) != old


def test_badge_pdf_api(client, login, db, make_registration, app):
    rid = make_registration("刘䶮")
    pending = make_registration("严小天", status="pending")
    from summit.auth import services as auth

    with app.app_context():
        _, organizer_token = auth.create_token("organizer", "badge printer")
        _, checkin_token = auth.create_token("checkin", "door")
    url = f"/api/v1/registrations/{rid}/badge.pdf"
    assert client.get(url, headers={"Authorization": f"Bearer {organizer_token}"}).mimetype == "application/pdf"
    assert client.get(url, headers={"Authorization": f"Bearer {checkin_token}"}).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get(url).status_code in (302, 401)
    login("organizer")
    response = client.get(url + "?layout=card")
    assert response.status_code == 200 and "刘䶮" in extracted_text(response.data)
    assert client.get(url + "?layout=poster").status_code == 422
    assert client.get(f"/api/v1/registrations/{pending}/badge.pdf").status_code == 422
    assert client.get("/api/v1/registrations/999999/badge.pdf").status_code == 404


def test_cli_writes_a_pdf(app, db, make_registration, tmp_path):
    make_registration("刘䶮")
    make_registration("张学莹", category="enterprise")
    out = tmp_path / "b.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["badges", "-o", str(out), "--layout", "a4-8up"])
    assert result.exit_code == 0, result.output
    assert pages(out.read_bytes()) == 1
    result = runner.invoke(args=["badges", "-o", str(out), "--category", "enterprise"])
    assert result.exit_code == 0 and "1 badge" in result.output
    assert "张学莹" in extracted_text(out.read_bytes())
    result = runner.invoke(args=["badges", "-o", str(out), "--registration", "999"])
    assert result.exit_code != 0


def test_confirmation_mail_parts(db, make_registration):
    rid = make_registration("王㛃")
    registration = db.session.get(Registration, rid)
    answers = [parts for _, parts in signals.confirmation_mail_parts.send(registration) if parts]
    assert len(answers) == 1
    parts = answers[0]
    qr, badge_pdf = parts["attachments"]
    assert qr["mimetype"] == "image/png" and qr["cid"] and f"cid:{qr['cid']}" in parts["html"]
    # Both are drawn when the mail is sent, not when it is queued.
    assert "path" not in qr and "path" not in badge_pdf
    png = mail.attachment_bytes(qr)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "王㛃" in extracted_text(mail.attachment_bytes(badge_pdf))
    code = services.active_badge(rid).code
    assert code in parts["text"]
    import zxingcpp
    from PIL import Image

    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text == code
    pending = db.session.get(Registration, make_registration("严小天", status="pending"))
    assert not any(parts for _, parts in signals.confirmation_mail_parts.send(pending))


def test_printed_qr_code_scans_back(db, make_registration, tmp_path):
    import subprocess

    import zxingcpp
    from PIL import Image

    rid = make_registration("龑明")
    path = tmp_path / "b.pdf"
    path.write_bytes(sheets.single_badge_pdf(rid, "card"))
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(path), str(tmp_path / "p")], check=True)
    found = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("p*.png"))))
    assert [b.text for b in found] == [services.active_badge(rid).code]


def test_demo_part_is_idempotent(db, demo_summit):
    from summit.badges import demo
    from summit.badges.models import CheckIn

    first = list(demo.load(demo_summit))
    approved = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == demo_summit.id, Registration.status == "approved"))
    assert db.session.scalar(select(func.count()).select_from(Badge)) == approved
    checkins = db.session.scalar(select(func.count()).select_from(CheckIn))
    assert 0 < checkins < approved
    second = list(demo.load(demo_summit))
    assert second == ["0 badges issued"] and first != second
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == checkins


def test_a_new_registration_gets_one_badge_and_its_code_in_the_mail(db, small_summit):
    from summit.core.models import OutboundMail
    from summit.registration import attendee
    from summit.registration.models import Category

    enterprise = db.session.scalar(select(Category).where(Category.code == "enterprise"))
    reg, _token = attendee.submit(small_summit, {
        "name": "王㛃", "organisation": "中国海洋大学", "phone": "13912340001", "email": "wang@example.com",
        "category_id": enterprise.id, "language": "zh_CN"})
    badges = db.session.scalars(select(Badge).where(Badge.registration_id == reg.id)).all()
    assert len(badges) == 1 and badges[0].status == "active"
    sent = db.session.scalar(select(OutboundMail).where(OutboundMail.to_addr == "wang@example.com"))
    assert badges[0].code in sent.body_text
    assert {a["args"]["badge_id"] for a in sent.attachments} == {badges[0].id}


def test_a_badge_made_in_this_transaction_is_reused_until_revoked(db, make_registration, badge_code):
    """The approval makes the badge and the confirmation mail asks again: the same badge, with no
    second one; one revoked meanwhile is not handed out; a later transaction looks again."""
    rid = make_registration("严小天", status="pending")
    registration = db.session.get(Registration, rid)
    made = services.issue_badge(registration)
    assert services.issue_badge(registration) is made
    made.status = "revoked"
    again = services.issue_badge(registration)
    assert again is not made and again.status == "active"
    db.session.commit()
    # Another worker reissues: this transaction's answer comes from the database.
    db.session.execute(db.update(Badge).where(Badge.id == again.id).values(status="revoked"))
    db.session.execute(db.insert(Badge).values(summit_id=registration.summit_id, registration_id=rid,
                                               code="QS-REISSUED-ELSEWHERE"))
    db.session.commit()
    assert services.issue_badge(registration).code == "QS-REISSUED-ELSEWHERE" == badge_code(rid)
