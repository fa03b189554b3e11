"""The publication mail travels through a real SMTP server on loopback with its calendar file."""
from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from summit.core import mail
from summit.matchmaking import requests, timetable


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_config(smtp):
    controller, _inbox = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_SENDER": "summit@example.com"}


def test_published_agenda_arrives_with_ics(app, db, mm, smtp):
    _controller, inbox = smtp
    a, b = mm["booths"]
    reg, _token = mm["talents"][0]
    requests.set_requests(reg, mm["session"], [a.id, b.id], [])
    timetable.run_scheduler(mm["session"])
    with app.test_request_context("/"):
        assert timetable.publish(mm["session"]) == 1
    counts = mail.deliver_due()
    assert counts["sent"] == 1
    msg = inbox.messages[0]
    assert msg["To"] == reg.email and "中国海洋大学引才专场对接会" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert "海洋与大气学院" in body and "信息科学与工程学部" in body
    ics = next(part for part in msg.iter_attachments() if part.get_filename() == "agenda.ics")
    events = [c for c in Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), bytes)
                                            else ics.get_content().encode()).walk() if c.name == "VEVENT"]
    assert len(events) == 2
