"""The invitation mail reaches a real SMTP server on loopback, with the letter attached."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from summit.core import mail
from summit.registration.models import Registration
from tests.fixtures.pdfcheck import extracted_text


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def test_invitation_mail_carries_the_link_and_the_letter(app, client, db, login, reg_summit, category_ids,
                                                         smtp_server):
    reg = Registration(summit_id=reg_summit.id, category_id=category_ids["talent"], name="严小天",
                       phone="13900000001", email="yan@example.com", status="approved")
    db.session.add(reg)
    db.session.commit()
    login("organizer")
    assert client.post("/travel/invitations/invite", data={"registration_ids": [str(reg.id)]}).status_code == 303
    with app.test_request_context():
        assert mail.deliver_due()["sent"] == 1
    message = smtp_server.messages[-1]
    assert message["To"] == "yan@example.com" and "邀请函" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    token = re.search(r"/travel/i/([A-Za-z0-9_-]+)", body).group(1)
    assert client.get(f"/travel/i/{token}").status_code == 200
    (letter,) = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    text = re.sub(r"\s+", "", extracted_text(letter.get_content()))
    assert "严小天" in text and "QS2030-Y-0001" in text
