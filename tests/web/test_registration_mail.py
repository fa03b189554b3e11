"""Mail through a real SMTP server on loopback: subject, language, link; a server that is
down loses nothing."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from summit.core import mail
from summit.core.models import OutboundMail
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


def test_attachments_from_the_badges_hook_reach_the_mail(client, db, reg_summit, person, smtp_server, tmp_path):
    from summit.core import signals

    qr = tmp_path / "qr.png"
    qr.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)

    def parts(registration, **_):
        return {"attachments": [{"filename": "badge-qr.png", "mimetype": "image/png", "path": str(qr)}]}

    signals.confirmation_mail_parts.connect(parts)
    try:
        client.post("/register", data=person())
    finally:
        signals.confirmation_mail_parts.disconnect(parts)
    mail.deliver_due()
    [message] = smtp_server.messages
    # The badges feature's own receiver adds the real QR code and badge PDF beside this one.
    attachments = {a.get_filename(): a for a in message.iter_attachments()}
    assert attachments["badge-qr.png"].get_content().startswith(b"\x89PNG")


class TestPumpAfterRequest:
    """With MAIL_PUMP=inline the mail goes out after the response, without `summit send-mail`."""

    @pytest.fixture
    def app_config(self, smtp_server):
        return {**smtp_server.app_config, "MAIL_PUMP": "inline"}

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
        tokens.append(re.search(r"/r/([A-Za-z0-9_-]+)", response.headers["Location"]).group(1))
    client.post(f"/r/{tokens[1]}/cancel")
    mail.deliver_due()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert "【2030千山峰会】您已进入候补名单" in subjects and "【2030千山峰会】候补成功" in subjects
