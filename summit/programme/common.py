"""What the programme's services share: tokens, Asia/Shanghai times, the summit's fields, public
links and e-mail checks."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import links
from summit.core.models import Summit
from summit.extensions import db
from summit.programme.errors import ProgrammeError
from summit.core import normalise
from summit.registration.identity import normalise_phone
from summit.registration.models import FieldTag

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def local_to_utc(value: dt.datetime) -> dt.datetime:
    """A naive Asia/Shanghai wall-clock time (what a form gives) as naive UTC (what tables keep)."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def utc_to_local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).replace(tzinfo=None)


def field_codes(summit: Summit) -> dict[str, FieldTag]:
    tags = db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id)
                              .order_by(FieldTag.position, FieldTag.id)).all()
    return {t.code: t for t in tags}


def check_fields(summit: Summit, codes: list[str]) -> list[str]:
    known = field_codes(summit)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ProgrammeError(_("Unknown field: %(codes)s.", codes=", ".join(unknown)), "fields")
    return [c for c in known if c in codes]  # the summit's order


def public_url(endpoint: str, **values) -> str:
    """An absolute link, also outside a request (CLI, jobs): see summit.core.links."""
    return links.external_url(endpoint, **values)


def check_email(value: str, field: str) -> str:
    value = (value or "").strip()
    if not EMAIL_RE.fullmatch(value) or len(value) > 320:
        raise ProgrammeError(_("Give a valid email address."), field)
    return value


def contact(value: str) -> str:
    value = (value or "").strip()
    if "@" in normalise.email(value):  # ＠ and 。 typed on a Chinese keyboard
        return check_email(normalise.email(value), "contact").lower()
    phone = normalise_phone(value)
    if phone is None:
        raise ProgrammeError(_("Give a mobile number or an email address."), "contact")
    return phone
