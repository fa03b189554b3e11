"""Outgoing mail. queue() stores the message in the caller's transaction; when that transaction
commits, a task hands the message to the workers (whoever queued it: any feature, a request, a
command or another task), and deliver_due() gives it to the SMTP server, backing off when it
is down, so none is lost. The workers' retry round (every minute) sends what was deferred.

Without SUMMIT_MAIL_SERVER (development) a message is written to the log and kept
in the outbox for organizers to read.
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
import mimetypes
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from summit.core.database import transaction
from summit.core.models import OutboundMail, utcnow
from summit.extensions import db

log = logging.getLogger("summit.mail")
MAX_ATTEMPTS = 12


def queue(to_addr: str, subject: str, body_text: str, body_html: str | None = None,
          attachments: list[dict] | None = None, language: str = "zh_CN") -> OutboundMail:
    """attachments: [{"filename", "mimetype", "path" or "render", "cid" (optional: inline image)}].

    "render": "module:function" with "args": {...} makes the bytes when the mail is sent, so
    that an expensive part (a badge PDF) costs the sender, not the request that queued it.
    """
    mail = OutboundMail(to_addr=to_addr, subject=subject, body_text=body_text, body_html=body_html,
                        attachments=attachments or [], language=language)
    db.session.add(mail)
    return mail


def attachment_bytes(att: dict) -> bytes:
    if att.get("render"):
        module_name, func_name = att["render"].split(":")
        return getattr(importlib.import_module(module_name), func_name)(**att.get("args", {}))
    from summit.core import storage

    return storage.path(att["path"]).read_bytes()  # relative to the storage root


def build_message(mail: OutboundMail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain="qianshan-summit.local")
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
        html_part = msg.get_payload()[-1]
        for att in mail.attachments or []:
            if att.get("cid"):
                maintype, subtype = att["mimetype"].split("/", 1)
                html_part.add_related(attachment_bytes(att), maintype=maintype, subtype=subtype,
                                      cid=f"<{att['cid']}>", filename=att["filename"])
    for att in mail.attachments or []:
        if att.get("cid"):
            continue
        mimetype = att.get("mimetype") or mimetypes.guess_type(att["filename"])[0] or "application/octet-stream"
        maintype, subtype = mimetype.split("/", 1)
        msg.add_attachment(attachment_bytes(att), maintype=maintype, subtype=subtype,
                           filename=att["filename"])
    # After the body: set_content() and add_alternative() drop every Content-* header.
    msg["Content-Language"] = "en" if mail.language.startswith("en") else "zh-CN"
    return msg


# ---------------------------------------------------------------- sending after the commit

TASK_SIZE = 20  # messages per delivery task: one SMTP connection each


@event.listens_for(Session, "after_flush")
def _note_queued(session, _flush_context) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, OutboundMail)]
    if new:
        session.info.setdefault("mail_flushed", []).extend(new)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    flushed = session.info.pop("mail_flushed", None)
    if flushed:
        session.info.setdefault("mail_committed", []).extend(flushed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop("mail_flushed", None)


def dispatch_committed(_exc=None) -> None:
    """At the end of every application context (a request, a command, a task): the mail its
    transactions committed goes to the workers now. Not inside the commit itself, where an
    eagerly run task would use the committing session."""
    session = db.session()
    ids = session.info.pop("mail_committed", None)
    if not ids or dispatch_mode(current_app) == "off":
        return
    from summit.core import queue

    for start in range(0, len(ids), TASK_SIZE):
        queue.send("summit.mail.deliver", ids[start:start + TASK_SIZE])


def dispatch_mode(app: Flask) -> str:
    return app.config.get("MAIL_DISPATCH") or ("off" if app.testing else "task")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(dispatch_committed)


# ---------------------------------------------------------------- delivery (in the workers)

def deliver_due(limit: int = 100, ids: list[int] | None = None) -> dict[str, int]:
    """Try every due message (of `ids`, when given) once; returns counts of sent, logged and deferred."""
    config = current_app.config
    now = utcnow()
    # Every write here is a transaction(lock=True): on SQLite a read transaction that later
    # writes fails at once ("database is locked") when a registration committed meanwhile.
    counts = {"sent": 0, "logged": 0, "deferred": 0}
    due = _claim(limit, now, ids)
    if not due:
        return counts
    if not config.get("MAIL_SERVER"):
        with transaction(lock=True):
            for mail in due:
                log.info("mail (no SMTP server configured)",
                         extra={"fields": {"to": mail.to_addr, "subject": mail.subject, "body": mail.body_text}})
                mail.status = "logged"
                mail.sent_at = now
                counts["logged"] += 1
        return counts
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except (smtplib.SMTPException, OSError) as exc:
        with transaction(lock=True):
            for mail in due:
                _defer(mail, exc)
                counts["deferred"] += 1
        return counts
    with smtp:
        for mail in due:
            try:
                smtp.send_message(build_message(mail, config["MAIL_SENDER"]))
            except (smtplib.SMTPException, OSError) as exc:
                with transaction(lock=True):
                    _defer(mail, exc)
                counts["deferred"] += 1
            else:
                with transaction(lock=True):
                    mail.status = "sent"
                    mail.sent_at = utcnow()
                    mail.attempts += 1
                counts["sent"] += 1
    return counts


def _claim(limit: int, now: dt.datetime, only: list[int] | None = None) -> list[OutboundMail]:
    """Take a lease on the due messages, so that two workers (or a worker and `summit send-mail
    --loop`) never send the same one twice; a sender that dies leaves them due again later.
    The lease's moment is this sender's own (random microseconds): what carries it is ours."""
    lease = (now + dt.timedelta(minutes=5)).replace(microsecond=secrets.randbelow(1_000_000))
    with transaction(lock=True):
        # Only the ids before the lease: the messages (bodies and all) are loaded once, after
        # it, and not at all when another worker took them first.
        due = select(OutboundMail.id).where(OutboundMail.status == "queued", OutboundMail.next_attempt_at <= now)
        if only is not None:
            due = due.where(OutboundMail.id.in_(only))
        ids = db.session.scalars(due.order_by(OutboundMail.id).limit(limit)).all()
        if ids:
            db.session.execute(
                db.update(OutboundMail)
                .where(OutboundMail.id.in_(ids), OutboundMail.status == "queued",
                       OutboundMail.next_attempt_at <= now)
                .values(next_attempt_at=lease)
                .execution_options(synchronize_session=False))
    if not ids:
        return []
    return db.session.scalars(select(OutboundMail).where(OutboundMail.id.in_(ids),
                                                         OutboundMail.next_attempt_at == lease)
                              .order_by(OutboundMail.id)).all()


def _defer(mail: OutboundMail, exc: Exception) -> None:
    mail.attempts += 1
    mail.last_error = str(exc)[:500]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = "failed"
    # Back off: 1, 2, 4 ... minutes, at most an hour.
    mail.next_attempt_at = utcnow() + dt.timedelta(minutes=min(2 ** (mail.attempts - 1), 60))
    log.warning("mail deferred", extra={"fields": {"to": mail.to_addr, "error": mail.last_error}})


OUTBOX_STATUSES = ("queued", "sent", "logged", "failed")
# The outbox's words for them (the filter buttons and each mail's state).
OUTBOX_STATUS_LABELS = {"queued": _l("Waiting"), "sent": _l("Sent"), "logged": _l("Logged only"), "failed": _l("Failed")}


def outbox(status: str, number: int, size: int) -> tuple[list[OutboundMail], int]:
    """One page of the outbox, newest first (of one status, if it is one), and the count."""
    stmt = select(OutboundMail)
    if status in OUTBOX_STATUSES:
        stmt = stmt.where(OutboundMail.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    mails = db.session.scalars(stmt.order_by(OutboundMail.id.desc()).limit(size).offset((number - 1) * size)).all()
    return mails, total
