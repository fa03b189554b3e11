"""The registrant's mails: one per status change, in the registrant's language, each with the
person's private link, and what other features add to a confirmation."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from markupsafe import Markup

from summit import babel_locale
from summit.core import mail, signals
from summit.core.models import OutboundMail, utcnow
from summit.registration.links import manage_url, new_token
from summit.registration.models import Registration

MAIL_KINDS = {
    # kind: (subject, headline); %(summit)s is the edition's name
    "received": (_l("%(summit)s: registration received"),
                 _l("We have received your registration. The organizers will review it and tell you by email.")),
    "confirmed": (_l("%(summit)s: registration confirmed"),
                  _l("Your registration is confirmed. We look forward to welcoming you.")),
    "waitlisted": (_l("%(summit)s: you are on the waitlist"),
                   _l("Your category is full for now, so you are on the waitlist. We will email you as soon as a place is free.")),
    "promoted": (_l("%(summit)s: a place is free for you"),
                 _l("A place has become free and you have moved up from the waitlist.")),
    "approved": (_l("%(summit)s: registration approved"),
                 _l("The organizers have approved your registration. We look forward to welcoming you.")),
    "rejected": (_l("%(summit)s: about your registration"),
                 _l("We are sorry: the organizers could not accept your registration.")),
    "cancelled": (_l("%(summit)s: registration cancelled"),
                  _l("Your registration has been cancelled. If this was a mistake, please register again or contact the organizers.")),
    "link": (_l("%(summit)s: your private registration link"),
             _l("Here is your private link to see, change or cancel your registration. Earlier links no longer work.")),
    "again": (_l("%(summit)s: you are already registered"),
              _l("Someone, probably you, registered again with your phone number, email or identity number. You "
                 "are already registered, so nothing new was created. Here is your private link to see, change or "
                 "cancel your registration; earlier links no longer work. If this was not you, you need do nothing.")),
}
# Mails that carry the badge parts (QR code, badge PDF) once a feature offers them.
CONFIRMATION_KINDS = ("confirmed", "approved", "promoted", "received", "waitlisted")


def queue_status_mail(reg: Registration, kind: str, token: str | None = None, released=()) -> OutboundMail:
    """The mail for `kind` in the registrant's language, with the private link.
    released: what a cancellation or rejection released elsewhere (lazy texts), listed.

    Only the token's hash is stored, so without the caller's token (a decision, a promotion, a
    cancellation by an organizer) a fresh one is issued inside the caller's transaction and the
    old link stops working: the newest mail always holds the one link that opens."""
    subject_msg, headline_msg = MAIL_KINDS[kind]
    replaced = not token
    if replaced:
        token, reg.manage_token_hash = new_token()
        reg.link_issued_at = utcnow()
    link = manage_url(token)
    extra_text, extra_html, attachments = [], [], []
    if kind in CONFIRMATION_KINDS and reg.status == "approved":
        for _receiver, result in signals.confirmation_mail_parts.send(reg):
            if not result:
                continue
            if result.get("text"):
                extra_text.append(result["text"])
            if result.get("html"):
                extra_html.append(Markup(result["html"]))  # receivers escape what they insert
            attachments.extend(result.get("attachments") or [])
    with force_locale(babel_locale(reg.language or "zh_CN")):
        summit_name = reg.summit.name(reg.language)
        subject = str(subject_msg) % {"summit": summit_name}
        context = dict(reg=reg, kind=kind, headline=str(headline_msg), link=link, has_token=True, replaced=replaced and kind != "link",
                       summit_name=summit_name, extra_text=extra_text, extra_html=extra_html,
                       released=[str(t) for t in released],
                       is_en=str(reg.language).startswith("en"))
        # The context processors once for both bodies (render_template() would run them twice).
        current_app.update_template_context(context)
        templates = current_app.jinja_env
        text = templates.get_template("registration/mail/status.txt").render(context)
        html = templates.get_template("registration/mail/status.html").render(context)
    return mail.queue(reg.email, subject, text, html, attachments=attachments, language=reg.language)

