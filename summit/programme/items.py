"""The programme's items: creating, changing (with the change mails), publishing and listing them."""
from __future__ import annotations

import datetime as dt

from flask_babel import LazyString, force_locale, format_datetime, gettext as _
from sqlalchemy import select

from summit.core import audit, mail
from summit.core.database import transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.programme.common import public_url
from summit.programme.errors import ProgrammeError
from summit.programme.models import ITEM_KINDS, ITEM_PARTS, MAILED_FIELDS, TRACKED_FIELDS, ProgrammeItem
from summit.registration.models import Registration


ITEM_FIELDS = ("kind", "part", "starts_at", "ends_at", "title_zh", "title_en", "room_zh", "room_en",
               "hosts_zh", "hosts_en", "speakers_zh", "speakers_en", "description_zh", "description_en",
               "cancelled")


def _check_item(data: dict) -> dict:
    if data.get("kind") not in ITEM_KINDS:
        raise ProgrammeError(_("Choose a kind of item."), "kind")
    if data.get("part", "") not in ITEM_PARTS:
        raise ProgrammeError(_("Choose a programme part."), "part")
    if not (data.get("title_zh") or "").strip():
        raise ProgrammeError(_("The Chinese title is required."), "title_zh")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise ProgrammeError(_("Give the start and the end."), "starts_at")
    if ends <= starts:
        raise ProgrammeError(_("The end must be after the start."), "ends_at")
    values = {}
    for key, value in data.items():
        if key not in ITEM_FIELDS:
            continue
        if key == "cancelled":
            value = bool(value)
        elif key not in ("starts_at", "ends_at"):
            value = (value or "").strip()
        values[key] = value
    return values


def create_item(summit: Summit, data: dict) -> ProgrammeItem:
    """data: ITEM_FIELDS with starts_at/ends_at in UTC."""
    values = _check_item(data)
    with transaction():
        item = ProgrammeItem(summit_id=summit.id, **values)
        db.session.add(item)
        db.session.flush()
        audit.record(item, "programme_item_created", after=_snapshot(item))
    return item


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _snapshot(item: ProgrammeItem) -> dict:
    return {f: _jsonable(getattr(item, f)) for f in TRACKED_FIELDS}


def previous_value(item: ProgrammeItem, field: str):
    """The value a changed field had when the programme was published (datetimes parsed back)."""
    value = (item.previous or {}).get(field)
    if field in ("starts_at", "ends_at") and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def update_item(item: ProgrammeItem, data: dict) -> list[str]:
    """Changes an item; after publication the published values are kept in `previous` and the
    attendees concerned get a mail when the time, room or cancellation changes.

    Returns the tracked fields this edit changed."""
    values = _check_item({**{f: getattr(item, f) for f in ITEM_FIELDS}, **data})
    before, after = audit.changes(item, ITEM_FIELDS, values)
    if not before:
        return []
    with transaction():
        changed = [f for f in TRACKED_FIELDS if f in before]
        if item.published_at is not None and changed:
            previous = dict(item.previous or {})
            for name in changed:
                previous.setdefault(name, _jsonable(before[name]))
                if previous[name] == _jsonable(after[name]):
                    del previous[name]  # back to what was published: no longer a change
            item.previous = previous
            item.changed_at = utcnow()
            item.sequence += 1
        for name, value in values.items():
            setattr(item, name, value)
        audit.record(item, "programme_item_changed", before={k: _jsonable(v) for k, v in before.items()},
                     after={k: _jsonable(v) for k, v in after.items()})
        if item.published_at is not None and any(f in MAILED_FIELDS for f in changed):
            _mail_change(item, {f: before[f] for f in changed})
    return changed


def delete_item(item: ProgrammeItem) -> None:
    if item.published_at is not None:
        raise ProgrammeError(_("A published item cannot be deleted; cancel it instead."), status=409)
    with transaction():
        audit.record(item, "programme_item_deleted", before=_snapshot(item))
        db.session.delete(item)


def publish_programme(summit: Summit) -> int:
    with transaction():
        items = db.session.scalars(select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id,
                                                               ProgrammeItem.published_at.is_(None))).all()
        now = utcnow()
        for item in items:
            item.published_at = now
            audit.record(item, "programme_item_published")
    return len(items)


def items_of(summit: Summit, published_only: bool = True) -> list[ProgrammeItem]:
    stmt = select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id)
    if published_only:
        stmt = stmt.where(ProgrammeItem.published_at.is_not(None))
    return db.session.scalars(stmt.order_by(ProgrammeItem.starts_at, ProgrammeItem.id)).all()


def concerns(item: ProgrammeItem, registration: Registration) -> bool:
    return not item.part or item.part in (registration.programme_parts or [])


def affected_registrations(item: ProgrammeItem) -> list[Registration]:
    regs = db.session.scalars(select(Registration).where(Registration.summit_id == item.summit_id,
                                                         Registration.status == "approved")
                              .order_by(Registration.id)).all()
    return [r for r in regs if concerns(item, r)]


def _fmt(field: str, value, locale: str) -> str:
    if isinstance(value, dt.datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if field == "cancelled":
        return _("cancelled") if value else _("takes place")
    return value or "—"


def change_lines(item: ProgrammeItem, changes: dict, locale: str) -> list[str]:
    labels = {"starts_at": _("Start"), "ends_at": _("End"), "room_zh": _("Room"), "room_en": _("Room"),
              "cancelled": _("Status"), "title_zh": _("Title"), "title_en": _("Title"),
              "hosts_zh": _("Hosts"), "hosts_en": _("Hosts"), "speakers_zh": _("Speakers"),
              "speakers_en": _("Speakers")}
    en = locale.startswith("en")
    lines = []
    for field, old in changes.items():
        if field.endswith("_zh") and en or field.endswith("_en") and not en:
            continue
        new = getattr(item, field)
        lines.append(f"{labels[field]}: {_fmt(field, old, locale)} → {_fmt(field, new, locale)}")
    return lines


def _mail_change(item: ProgrammeItem, changes: dict) -> int:
    link = public_url("programme.public_programme")
    count = 0
    for reg in affected_registrations(item):
        if not reg.email:
            continue
        locale = "en" if (reg.language or "").startswith("en") else "zh_CN"
        with force_locale(locale):
            title = item.title(locale)
            subject = _("Programme change: %(title)s", title=title)
            lines = change_lines(item, changes, locale) or [_("Details of this item have changed.")]
            body = "\n".join([
                _("Dear %(name)s,", name=reg.name), "",
                _("An item of the programme you registered for has changed:"), "",
                f"{title}", *[f"  {line}" for line in lines], "",
                _("The whole programme: %(link)s", link=link), "",
                _("The organizing committee"),
            ])
        mail.queue(reg.email, subject, body, language=locale)
        count += 1
    return count


def withdraw_registration(registration: Registration, reason: str = "cancelled", **_extra) -> list:
    """Receiver of registration_withdrawn: the person is taken off the programme parts they had
    picked (no more programme mails for them, not counted for those parts). Returns the parts."""
    from summit.programme.labels import ITEM_PART

    parts = [p for p in (registration.programme_parts or []) if p]
    if not parts:
        return []
    registration.programme_parts = []
    audit.record(registration, "programme_parts_withdrawn", before={"programme_parts": parts}, note=reason,
                 actor_label="system")
    return [LazyString(_withdrawn_part, ITEM_PART.get(p, p)) for p in parts]


def _withdrawn_part(label) -> str:
    return _("Programme part: %(part)s", part=str(label))
