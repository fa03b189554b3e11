"""Badge and check-in operations, each one transaction."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
from pathlib import Path

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from summit import babel_locale
from summit.badges import layouts as layout_data
from summit.badges import tokens
from summit.badges.models import Badge, CheckIn, PrintBatch
from summit.core import audit
from summit.core.database import begin_write, for_update
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.printing.pdf import render_pdf
from summit.printing.qr import qr_png, qr_svg
from summit.printing.text import fit_name
from summit.registration.models import Category, Registration


class BadgeError(ValueError):
    """Bad input to a badge operation; the message is translated."""


# ---------------------------------------------------------------- badges and codes

def active_badge(registration_id: int) -> Badge | None:
    return db.session.scalar(select(Badge).where(Badge.registration_id == registration_id,
                                                 Badge.status == "active").order_by(Badge.id.desc()).limit(1))


def _made_in_this_transaction() -> dict[int, Badge]:
    """Badges issue_badge() made in the current transaction, by registration id.

    The approval makes the badge and the confirmation mail asks for it again a moment later:
    the second ask needs no query. Only this transaction's own badges are kept (no other
    transaction can see or revoke them before the commit), and only until it ends.
    """
    transaction = db.session().get_transaction()  # the Session itself: scoped_session has no such method
    memo = g.get("badges_made")
    if memo is None or memo[0] is not transaction:
        memo = g.badges_made = (transaction, {})
    return memo[1]


def issue_badge(registration: Registration, new: bool = False) -> Badge:
    """The registration's active badge, made now if it has none (inside the caller's transaction).

    new: the registration was inserted in this transaction, so it has no badge to look up.
    """
    made = _made_in_this_transaction()
    badge = made.get(registration.id) if registration.id else None
    if badge is not None and badge.status == "active" and badge in db.session:
        return badge
    badge = active_badge(registration.id) if registration.id and not new else None
    if badge is None:
        if registration.id is None:
            db.session.flush()  # the registration's id
        badge = Badge(summit_id=registration.summit_id, registration_id=registration.id, code=tokens.new_code())
        db.session.add(badge)
        db.session.flush()
        made[registration.id] = badge
    return badge


def badge_codes(registration_ids: list[int]) -> dict[int, str]:
    """Active badge codes by registration id (for the registration export's badge code column)."""
    found: dict[int, str] = {}
    for start in range(0, len(registration_ids), 500):
        rows = db.session.execute(select(Badge.registration_id, Badge.code).where(
            Badge.registration_id.in_(registration_ids[start:start + 500]), Badge.status == "active"))
        found.update({rid: code for rid, code in rows})
    return found


def reissue_badge(registration_id: int) -> Badge:
    """A new badge with a new code; the old code scans as revoked from now on."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise BadgeError(_l("No such registration."))
    if registration.status != "approved":
        raise BadgeError(_l("Only approved registrations have badges."))
    old = active_badge(registration.id)
    if old is not None:
        old.status = "revoked"
        old.revoked_at = utcnow()
    badge = Badge(summit_id=registration.summit_id, registration_id=registration.id, code=tokens.new_code())
    db.session.add(badge)
    db.session.flush()
    audit.record(registration, "badge_reissued", {"badge": old.id if old else None}, {"badge": badge.id})
    db.session.commit()
    return badge


def on_registration_approved(registration, new=False, **_extra):
    """Receiver of registration_approved: the approved person gets a badge."""
    issue_badge(registration, new=new)


def export_badge_codes(registrations: list[Registration]) -> list[str]:
    """The registrations export's badge_code column: each one's active badge code, or empty."""
    codes = badge_codes([r.id for r in registrations])
    return [codes.get(r.id, "") for r in registrations]


def checked_in_ids(summit: Summit):
    """The registrations list's "checked in" filter: ids with a standing "ok" scan."""
    return select(CheckIn.registration_id).where(
        CheckIn.summit_id == summit.id, CheckIn.status == "ok", CheckIn.undone_at.is_(None))


def ensure_badges(summit: Summit) -> int:
    """Badges for approved registrations that have none (registrations approved before
    this feature existed, or imported). Returns how many were made."""
    have = select(Badge.registration_id).where(Badge.status == "active")
    missing = db.session.scalars(select(Registration).where(
        Registration.summit_id == summit.id, Registration.status == "approved",
        Registration.id.not_in(have))).all()
    for registration in missing:
        db.session.add(Badge(summit_id=summit.id, registration_id=registration.id, code=tokens.new_code()))
    db.session.commit()
    return len(missing)


# ---------------------------------------------------------------- badge PDFs

def badge_data(registration: Registration, badge: Badge, layout: layout_data.Layout, summit: Summit) -> dict:
    category: Category = registration.category
    name_pt, name_lines = fit_name(registration.name, layout.text_width, layout.name_max_pt,
                                               layout.name_min_pt)
    locale = registration.language or "zh_CN"
    return {
        "name_lines": name_lines,
        "name_pt": name_pt,
        "organisation": registration.organisation,
        "title": registration.title,
        "category": category.name_zh if not locale.startswith("en") else category.name_en,
        "category_en": category.name_en,
        "color": category.color if re.fullmatch(r"#[0-9a-fA-F]{3,8}", category.color or "") else "#1f5fa8",
        # A marker that render_badges_html() replaces with the QR code's SVG: in a batch that
        # work then happens in the render workers, not in the job's own process.
        "qr": f"<!--qr:{badge.code}:{layout.qr_mm}-->" if tokens.looks_like_code(badge.code) else "",
        "summit": summit.name_en if locale.startswith("en") else summit.name_zh,
        "summit_en": summit.name_en,
    }


def badges_html(entries: list[tuple[Registration, Badge]], layout_name: str) -> str:
    layout = get_layout(layout_name)
    cards = []
    for index, (registration, badge) in enumerate(entries):
        page, left, top = layout_data.place(layout, index)
        cards.append({"page": page, "left": left, "top": top,
                      **badge_data(registration, badge, layout, registration.summit)})
    pages = [[c for c in cards if c["page"] == p] for p in range(max((c["page"] for c in cards), default=-1) + 1)]
    # The app's Jinja environment (autoescaping .html) without request context processors,
    # so that jobs and the CLI render too.
    template = current_app.jinja_env.get_template("badges/badges.html")
    marks = "".join(f"M{x1:g} {y1:g}L{x2:g} {y2:g}" for x1, y1, x2, y2 in layout_data.cut_marks(layout))
    return template.render(layout=layout, pages=pages, marks_path=marks)


def get_layout(name: str | None) -> layout_data.Layout:
    layout = layout_data.LAYOUTS.get(name or layout_data.DEFAULT_LAYOUT)
    if layout is None:
        raise BadgeError(_l("Unknown badge layout."))
    return layout


_QR_MARKER = re.compile(r"<!--qr:(QS[A-Z2-7]{26}):([0-9.]+)-->")


def render_badges_html(html: str, batch: bool = False) -> bytes:
    """Badge HTML (with QR markers) to PDF. A plain function of a string, so that a batch
    can run it in worker processes. A batch always subsets its fonts (it uses many slices)."""
    return render_pdf(_QR_MARKER.sub(lambda m: qr_svg(m.group(1), float(m.group(2))), html),
                      whole_slices=False if batch else None)


def render_badges(entries: list[tuple[Registration, Badge]], layout_name: str) -> bytes:
    return render_badges_html(badges_html(entries, layout_name))


def select_for_print(summit: Summit, category: str | None = None, mode: str = "all",
                     registration_id: int | None = None) -> list[tuple[Registration, Badge]]:
    """Approved registrations with their active badge, in category then name order.

    mode: "all", "not_printed" (never printed), "new" (issued since the last batch)."""
    ensure_badges(summit)
    stmt = (select(Registration, Badge).join(Badge, (Badge.registration_id == Registration.id) & (Badge.status == "active"))
            .join(Category, Category.id == Registration.category_id)
            .where(Registration.summit_id == summit.id, Registration.status == "approved"))
    if registration_id is not None:
        stmt = stmt.where(Registration.id == registration_id)
    if category:
        stmt = stmt.where(Category.code == category)
    if mode == "not_printed":
        stmt = stmt.where(Badge.printed_at.is_(None))
    elif mode == "new":
        last = db.session.scalar(select(func.max(PrintBatch.created_at)).where(
            PrintBatch.summit_id == summit.id, PrintBatch.status == "done"))
        if last is not None:
            stmt = stmt.where(Badge.issued_at > last)
    elif mode != "all":
        raise BadgeError(_l("Unknown selection."))
    stmt = stmt.order_by(Category.position, Registration.name, Registration.id)
    return [(r, b) for r, b in db.session.execute(stmt).all()]


def mark_printed(badge_ids: list[int], batch_id: int | None = None) -> None:
    now = utcnow()
    for start in range(0, len(badge_ids), 500):
        db.session.execute(db.update(Badge).where(Badge.id.in_(badge_ids[start:start + 500])).values(
            printed_at=now, print_count=Badge.print_count + 1, last_batch_id=batch_id))
    db.session.commit()


def single_badge_pdf(registration_id: int, layout_name: str | None = None) -> bytes:
    """The reprint at the desk: one person's badge, recorded as printed."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise BadgeError(_l("No such registration."))
    if registration.status != "approved":
        raise BadgeError(_l("Only approved registrations have badges."))
    badge = issue_badge(registration)
    pdf = render_badges([(registration, badge)], layout_name or layout_data.DEFAULT_LAYOUT)
    mark_printed([badge.id])
    return pdf


def start_batch(summit: Summit, layout_name: str, category: str | None, mode: str,
                created_by_id: int | None) -> PrintBatch:
    from summit.core import jobs

    get_layout(layout_name)
    if mode not in ("all", "not_printed", "new"):
        raise BadgeError(_l("Unknown selection."))
    selection = {"category": category or "", "mode": mode}
    batch = PrintBatch(summit_id=summit.id, layout=layout_name, selection=selection, created_by_id=created_by_id)
    db.session.add(batch)
    db.session.commit()
    batch_id = batch.id
    job = jobs.start("badges", "summit.badges.services:run_batch", {"batch_id": batch_id}, created_by_id)
    job_id = job.id
    # End the read transaction jobs.start() left open: on SQLite its snapshot may predate the
    # job's own writes (an inline job), and a stale snapshot cannot write.
    db.session.rollback()
    db.session.execute(db.update(PrintBatch).where(PrintBatch.id == batch_id, PrintBatch.job_id.is_(None))
                       .values(job_id=job_id))
    db.session.commit()
    return db.session.get(PrintBatch, batch_id)


def batch_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "badges"
    path.mkdir(parents=True, exist_ok=True)
    return path


CHUNK = 100  # badges per WeasyPrint document in a batch


def run_batch(job_id: int, params: dict, progress) -> str:
    """The background job: render the batch in chunks of CHUNK badges, several chunks at a time
    in worker processes (WeasyPrint is single-threaded), record progress as chunks finish,
    and join the chunks into one PDF."""
    batch = db.session.get(PrintBatch, params["batch_id"])
    batch.job_id = job_id
    db.session.commit()
    summit = db.session.get(Summit, batch.summit_id)
    entries = select_for_print(summit, batch.selection.get("category") or None, batch.selection.get("mode", "all"))
    path = batch_dir() / f"batch-{batch.id}-{int(time.time())}.pdf"
    write_batch_pdf(entries, batch.layout, path, progress)
    mark_printed([b.id for _, b in entries], batch.id)
    batch = db.session.get(PrintBatch, batch.id)
    batch.count, batch.status, batch.file_path = len(entries), "done", str(path)
    db.session.commit()
    return str(path)


def write_batch_pdf(entries: list[tuple[Registration, Badge]], layout_name: str, path: Path,
                    progress=lambda done, total: None, processes: int | None = None) -> None:
    from pypdf import PdfWriter

    layout = get_layout(layout_name)
    total = len(entries)
    progress(0, total)
    size = max(layout.per_page, (CHUNK // layout.per_page) * layout.per_page)  # whole sheets
    chunks = [entries[i:i + size] for i in range(0, total, size)]
    if not chunks:
        path.write_bytes(render_badges_html(badges_html([], layout_name)))
        progress(0, 0)
        return
    processes = processes or min(len(chunks), current_app.config.get("BADGE_PROCESSES") or os.cpu_count() or 1, 8)
    writer = PdfWriter()
    done = 0
    if processes <= 1:
        for chunk in chunks:
            writer.append(io.BytesIO(render_badges_html(badges_html(chunk, layout_name), True)))
            done += len(chunk)
            progress(done, total)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Fresh interpreters ("spawn"): a fork of a threaded web worker is not safe.
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [(len(chunk), pool.submit(render_badges_html, badges_html(chunk, layout_name), True))
                       for chunk in chunks]
            for count, future in futures:
                writer.append(io.BytesIO(future.result()))
                done += count
                progress(done, total)
    with path.open("wb") as fh:
        writer.write(fh)


# ---------------------------------------------------------------- check-in

def registration_json(registration: Registration | None, locale: str = "zh_CN") -> dict | None:
    if registration is None:
        return None
    category = registration.category
    return {"id": registration.id, "name": registration.name, "organisation": registration.organisation,
            "title": registration.title, "category": category.name(locale) if category else "",
            "category_code": category.code if category else "", "color": category.color if category else "",
            "status": registration.status}


def _standing_ok(registration_id: int) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(
        CheckIn.registration_id == registration_id, CheckIn.status == "ok", CheckIn.undone_at.is_(None)).limit(1))


def check_in(code: str, staff_id: int | None = None, api_token_id: int | None = None, device: str = "",
             registration_id: int | None = None, locale: str = "zh_CN", at: dt.datetime | None = None) -> dict:
    """Decide one scan (or a check-in found by search) and record it, whatever the verdict.

    The decision runs under the write lock (SQLite) or a row lock on the badge's registration
    (PostgreSQL), and a partial unique index keeps a single standing "ok": of concurrent scans
    of one code exactly one wins. `at` is when the scan was made, for a scan sent late by a
    device that was offline (see scans.scan_time); by default, now.
    """
    code = tokens.normalise(code) if registration_id is None else ""
    begin_write()
    badge = None
    if registration_id is None:
        badge = db.session.scalar(select(Badge).where(Badge.code == code)) if code else None
        registration = None
        if badge is not None:
            registration = db.session.scalar(for_update(select(Registration).where(Registration.id == badge.registration_id)))
    else:
        registration = db.session.scalar(for_update(select(Registration).where(Registration.id == registration_id)))
        badge = active_badge(registration_id) if registration is not None else None
    previous = None
    if registration_id is None and badge is None:
        status = "unknown"
    elif registration is None:
        status = "unknown"
    elif badge is not None and badge.status == "revoked" and registration_id is None:
        status = "revoked"
    elif registration.status == "cancelled":
        status = "cancelled"
    elif registration.status != "approved":
        status = "not_approved"
    else:
        previous = _standing_ok(registration.id)
        status = "already_checked_in" if previous else "ok"
    summit_id = registration.summit_id if registration else (badge.summit_id if badge else None)
    if summit_id is None:  # an unknown code was still scanned at this summit's door
        current = Summit.current()
        summit_id = current.id if current else None
    row = CheckIn(summit_id=summit_id, code=code[:80], status=status, method="search" if registration_id else "scan",
                  badge_id=badge.id if badge else None, registration_id=registration.id if registration else None,
                  staff_id=staff_id, api_token_id=api_token_id, device=(device or "")[:200], at=at or utcnow())
    db.session.add(row)
    try:
        db.session.flush()
        # The answer is read before the commit, while everything is loaded: no reloads after.
        if status == "already_checked_in":
            checked_in_at = previous.at
        elif status == "ok":
            checked_in_at = row.at
        else:
            checked_in_at = None
        result = {"status": status, "registration": registration_json(registration, locale),
                  "checked_in_at": _iso(checked_in_at), "checkin_id": row.id}
        db.session.commit()
    except IntegrityError:
        # Another scan of the same person won between our read and our write.
        db.session.rollback()
        return check_in(code, staff_id, api_token_id, device, registration_id, locale, at)
    return result


def _iso(value: dt.datetime | None) -> str | None:
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


def undo_checkin(checkin_id: int, actor_id: int | None) -> CheckIn:
    """Take back a mistaken check-in; the scan stays in the record, marked undone."""
    begin_write()
    row = db.session.scalar(for_update(select(CheckIn).where(CheckIn.id == checkin_id)))
    if row is None:
        raise BadgeError(_l("No such check-in."))
    if row.status != "ok" or row.undone_at is not None:
        raise BadgeError(_l("Only a standing check-in can be undone."))
    row.undone_at = utcnow()
    row.undone_by_id = actor_id
    db.session.commit()
    return row


def search(summit: Summit, query: str, limit: int = 20) -> list[dict]:
    """Approved and other registrations by name or phone, for someone without a badge."""
    query = (query or "").strip()
    if len(query) < 1:
        return []
    digits = re.sub(r"\D", "", query)
    # The query is text, not a pattern: % and _ match themselves.
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions = [Registration.name.ilike(f"%{escaped}%", escape="\\")]
    if len(digits) >= 4:
        conditions.append(Registration.phone.like(f"%{digits}%"))
    rows = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id, or_(*conditions))
                              .order_by(Registration.name).limit(limit)).all()
    ok_ids = set(db.session.scalars(select(CheckIn.registration_id).where(
        CheckIn.registration_id.in_([r.id for r in rows]), CheckIn.status == "ok", CheckIn.undone_at.is_(None))))
    result = []
    for r in rows:
        data = registration_json(r)
        data["phone_tail"] = r.phone[-4:]
        data["checked_in"] = r.id in ok_ids
        result.append(data)
    return result


# ---------------------------------------------------------------- the confirmation mail

def confirmation_mail_parts(registration, **_extra):
    """The QR code (inline image) and the badge PDF for an approved registration's mail."""
    if registration.status != "approved":
        return None
    return mail_parts(registration)


def mail_parts(registration: Registration) -> dict:
    from markupsafe import escape
    from flask_babel import force_locale, gettext

    badge = issue_badge(registration)
    cid = f"badge-qr-{badge.id}@qianshan-summit.local"
    with force_locale(babel_locale(registration.language or "zh_CN")):
        intro = gettext("Show this QR code at the entrance, on your phone or printed. Your badge is attached as a PDF.")
        code_line = gettext("Badge code: %(code)s", code=badge.code)
    html = (f'<p>{escape(intro)}</p><p><img src="cid:{cid}" alt="QR" width="200" height="200"></p>'
            f'<p style="font-family:monospace">{escape(code_line)}</p>')
    # Drawn when the mail goes out, not in the request that approved the registration.
    args = {"badge_id": badge.id}
    return {
        "attachments": [
            {"filename": "badge-qr.png", "mimetype": "image/png", "cid": cid,
             "render": "summit.badges.services:mail_qr_png", "args": args},
            {"filename": "badge.pdf", "mimetype": "application/pdf",
             "render": "summit.badges.services:mail_badge_pdf", "args": args},
        ],
        "html": html,
        "text": f"{intro}\n{code_line}\n",
    }


def mail_qr_png(badge_id: int) -> bytes:
    return qr_png(db.session.get(Badge, badge_id).code)


def mail_badge_pdf(badge_id: int) -> bytes:
    badge = db.session.get(Badge, badge_id)
    return render_badges([(db.session.get(Registration, badge.registration_id), badge)], layout_data.DEFAULT_LAYOUT)
