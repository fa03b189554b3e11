"""Mail through a real SMTP server on loopback: subject, language, link; a server that is
down loses nothing."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from summit.core import mail
from summit.core.models import OutboundMail
from tests.fixtures.registration import link_token
from tests.fixtures.mail import body_html, body_text


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.app_config, "PUBLIC_BASE_URL": "https://summit.example.cn"}


@pytest.fixture
def client(reg_client):
    return reg_client


def _link(message) -> str:
    return re.search(r"https://summit\.example\.cn(/r/[A-Za-z0-9_-]+)", body_text(message)).group(1)


def test_confirmation_mail_in_chinese_with_a_working_link(client, db, reg_summit, person, smtp_server):
    data = person()
    client.post("/register", data=data)
    assert mail.deliver_due() == {"sent": 1, "logged": 0, "deferred": 0}
    [message] = smtp_server.to(data["email"])
    assert message["Subject"] == "【2030千山峰会】报名成功"
    assert message["Content-Language"] == "zh-CN"
    assert "尊敬的" in body_text(message) and "尊敬的" in body_html(message)
    path = _link(message)
    assert path in body_html(message)
    assert data["name"] in client.get(path).get_data(as_text=True)
    assert db.session.scalar(select(OutboundMail.status)) == "sent"


def test_english_mail_for_an_english_registrant(client, db, reg_summit, person, smtp_server):
    data = person("talent")
    client.post("/register", data=data, headers={"Accept-Language": "en-US,en"})
    mail.deliver_due()
    [message] = smtp_server.to(data["email"])
    assert message["Subject"] == "Qianshan Summit 2030: registration received"
    assert message["Content-Language"] == "en"
    assert "The organizers will review it" in body_text(message)
    assert client.get(_link(message)).status_code == 200


def test_a_server_that_is_down_loses_nothing(client, db, reg_summit, person, smtp_server):
    smtp_server.stop()
    data = person()
    assert client.post("/register", data=data).status_code == 303  # the registration does not wait for mail
    assert mail.deliver_due()["deferred"] == 1
    queued = db.session.scalar(select(OutboundMail))
    assert queued.status == "queued" and queued.attempts == 1 and queued.last_error
    assert queued.next_attempt_at > dt.datetime.utcnow()
    assert mail.deliver_due() == {"sent": 0, "logged": 0, "deferred": 0}  # not due yet
    smtp_server.start()
    db.session.execute(update(OutboundMail).values(next_attempt_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    assert mail.deliver_due()["sent"] == 1
    assert len(smtp_server.to(data["email"])) == 1
    assert mail.deliver_due()["sent"] == 0  # sent once only


def _badge_parts(message) -> tuple[str, str]:
    """The QR code's text and the badge PDF's text of a mail, read back from what arrived."""
    import io

    import zxingcpp
    from PIL import Image

    from tests.fixtures.pdfcheck import extracted_text

    # The QR code is inline (multipart/related, shown by its cid), the PDF attached.
    attachments = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    png = attachments["badge-qr.png"].get_content()
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text, extracted_text(attachments["badge.pdf"].get_content())


def test_the_approved_registrations_mail_carries_the_real_badge(client, db, login, reg_summit, person, smtp_server):
    """The badges feature's own receiver, wired by its init_feature: the confirmation of an
    approved registration carries the QR code of the person's badge and the badge PDF."""
    from summit.badges.services import active_badge
    from summit.registration.models import Registration

    at_once = person(name="欧阳䶮")  # a category without approval: approved at once
    vetted = person("talent", name="吉𠮷")  # approval needed: pending first
    client.post("/register", data=at_once)
    client.post("/register", data=vetted)
    mail.deliver_due()
    [confirmed] = smtp_server.to(at_once["email"])
    [received] = smtp_server.to(vetted["email"])
    db.session.rollback()
    first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    code, pdf_text = _badge_parts(confirmed)
    assert code == active_badge(first.id).code and code in body_text(confirmed)
    assert "欧阳䶮" in pdf_text
    assert "cid:" in body_html(confirmed)
    # Pending: no badge yet, so the mail says it was received and carries nothing.
    assert not [part for part in received.walk() if part.get_filename()] and active_badge(second.id) is None

    login("organizer")
    client.post(f"/organizer/registrations/{second.id}/decide", data={"action": "approve"})
    mail.deliver_due()
    approved = smtp_server.to(vetted["email"])[-1]
    db.session.rollback()
    code, pdf_text = _badge_parts(approved)
    assert code == active_badge(second.id).code
    assert "吉𠮷" in pdf_text


class TestSentOnCommit:
    """With MAIL_DISPATCH=task the mail goes to the task queue when the request's transaction
    commits (run eagerly here), without `summit send-mail`."""

    @pytest.fixture
    def app_config(self, smtp_server):
        return {**smtp_server.app_config, "MAIL_DISPATCH": "task"}

    def test_mail_goes_out_after_the_request(self, client, db, reg_summit, person, smtp_server):
        data = person()
        response = client.post("/register", data=data)
        response.close()
        assert len(smtp_server.to(data["email"])) == 1
        db.session.rollback()
        assert db.session.scalar(select(OutboundMail.status)) == "sent"


def test_promotion_mail_is_sent(client, db, reg_summit, person, smtp_server):
    tokens = []
    for _ in range(3):
        response = client.post("/register", data=person("media"))
        assert response.status_code == 303
        tokens.append(link_token())
    client.post(f"/r/{tokens[1]}/cancel")
    mail.deliver_due()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert "【2030千山峰会】您已进入候补名单" in subjects and "【2030千山峰会】候补成功" in subjects


def test_every_status_mail_carries_a_working_private_link(client, db, login, reg_summit, person, smtp_server):
    """Approval, rejection, waitlist, promotion and cancellation: each mail holds the link that
    opens the registration now; a link the server could not repeat is replaced, the old one dead."""
    talent = person("talent")
    client.post("/register", data=talent)
    old_path = f"/r/{link_token(talent['email'])}"
    media = [person("media") for _ in range(3)]
    for data in media:
        client.post("/register", data=data)
    login("organizer")
    from summit.registration.models import Registration

    reg_id = db.session.scalar(select(Registration.id).where(Registration.email == talent["email"]))
    client.post(f"/organizer/registrations/{reg_id}/decide", data={"action": "approve"})
    mail.deliver_due()
    approved = smtp_server.to(talent["email"])[-1]
    assert approved["Subject"] == "【2030千山峰会】报名审核通过"
    path = _link(approved)
    assert path != old_path and client.get(old_path).status_code == 404  # the old link is revoked
    assert talent["name"] in client.get(path).get_data(as_text=True)
    client.post(f"/organizer/registrations/{reg_id}/decide", data={"action": "reject", "reason": "资格不符"})
    mail.deliver_due()
    rejected = smtp_server.to(talent["email"])[-1]
    assert "资格不符" in body_text(rejected) and client.get(_link(rejected)).status_code == 200
    # The waitlisted third media registration: its waitlist mail, then the promotion when the
    # organizer cancels the first; the cancelled person's mail opens the cancelled registration.
    waitlisted = smtp_server.to(media[2]["email"])[-1]
    assert waitlisted["Subject"] == "【2030千山峰会】您已进入候补名单" and client.get(_link(waitlisted)).status_code == 200
    first_media = db.session.scalar(select(Registration.id).where(Registration.email == media[0]["email"]))
    client.post(f"/organizer/registrations/{first_media}/cancel")
    mail.deliver_due()
    cancelled = smtp_server.to(media[0]["email"])[-1]
    assert cancelled["Subject"] == "【2030千山峰会】报名已取消"
    assert "已取消" in client.get(_link(cancelled)).get_data(as_text=True)
    promoted = smtp_server.to(media[2]["email"])[-1]
    assert promoted["Subject"] == "【2030千山峰会】候补成功"
    assert media[2]["name"] in client.get(_link(promoted)).get_data(as_text=True)
    assert "/register/link" not in body_text(promoted) and _link(promoted) in body_html(promoted)


def test_an_attendee_who_cancels_keeps_the_link_they_used(client, db, reg_summit, person, smtp_server):
    data = person()
    client.post("/register", data=data)
    path = f"/r/{link_token(data['email'])}"
    client.post(f"{path}/cancel")
    mail.deliver_due()
    cancelled = smtp_server.to(data["email"])[-1]
    assert _link(cancelled) == path and client.get(path).status_code == 200
