"""Badge PDFs: one badge at the desk, or a batch of a thousand rendered by the task queue's
workers in chunks, several at a time, with progress (the job: batches.py); sheet layouts are
data (layouts.py)."""
from __future__ import annotations

import dataclasses
import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.badges import layouts as layout_data
from summit.badges import tokens
from summit.badges.models import Badge, PrintBatch
from summit.badges.services import BadgeError, approved_registration, ensure_badges, issue_badge
from summit.core import names
from summit.core.database import transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.printing.pdf import render_pdf
from summit.printing.qr import qr_svg
from summit.printing.text import fit_name
from summit.registration.models import Category, Registration


def badge_data(registration: Registration, badge: Badge, layout: layout_data.Layout, summit: Summit) -> dict:
    category: Category = registration.category
    name_pt, name_lines = fit_name(registration.name, layout.text_width, layout.name_max_pt, layout.name_min_pt)
    locale = registration.language or "zh_CN"
    return {
        "name_lines": name_lines,
        "name_pt": name_pt,
        "pinyin": names.romanised(registration.name) if layout.name_pinyin else "",
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


def badges_html(entries: list[tuple[Registration, Badge]], layout_name: str, pinyin: bool | None = None) -> str:
    layout = get_layout(layout_name, pinyin)
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


def get_layout(name: str | None, pinyin: bool | None = None) -> layout_data.Layout:
    """A layout by name; pinyin (when given) turns the pinyin line on or off for this print."""
    layout = layout_data.LAYOUTS.get(name or layout_data.DEFAULT_LAYOUT)
    if layout is None:
        raise BadgeError(_("Unknown badge layout."))
    if pinyin is not None and pinyin != layout.name_pinyin:
        layout = dataclasses.replace(layout, name_pinyin=pinyin)
    return layout


_QR_MARKER = re.compile(r"<!--qr:(QS[A-Z2-7]{26}):([0-9.]+)-->")


def render_badges_html(html: str, batch: bool = False) -> bytes:
    """Badge HTML (with QR markers) to PDF. A plain function of a string, so that a batch
    can run it in worker processes. A batch always subsets its fonts (it uses many slices)."""
    return render_pdf(_QR_MARKER.sub(lambda m: qr_svg(m.group(1), float(m.group(2))), html),
                      whole_slices=False if batch else None)


def render_badges(entries: list[tuple[Registration, Badge]], layout_name: str, pinyin: bool | None = None) -> bytes:
    return render_badges_html(badges_html(entries, layout_name, pinyin))


# Badges are handed out by category, in 姓氏笔画 order inside each as is usual; or by pinyin.
PRINT_ORDERS = ("stroke", "pinyin", "name")


def select_for_print(summit: Summit, category: str | None = None, mode: str = "all",
                     registration_id: int | None = None, order: str = "stroke") -> list[tuple[Registration, Badge]]:
    """Approved registrations with their active badge, by category, then in the order asked
    (stroke: 姓氏笔画, pinyin, or name as stored).

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
        raise BadgeError(_("Unknown selection."))
    key = {"stroke": Registration.name_sort_stroke, "pinyin": Registration.name_sort_pinyin}.get(order, Registration.name)
    stmt = stmt.order_by(Category.position, key, Registration.id)
    return [(r, b) for r, b in db.session.execute(stmt).all()]


def overview(summit: Summit) -> dict:
    """The printing page's figures: approved people, badges printed, the last ten batches."""
    approved = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == summit.id, Registration.status == "approved"))
    printed = db.session.scalar(select(func.count()).select_from(Badge).join(Registration).where(
        Badge.summit_id == summit.id, Badge.status == "active", Badge.printed_at.is_not(None),
        Registration.status == "approved"))
    batches = db.session.scalars(select(PrintBatch).where(PrintBatch.summit_id == summit.id)
                                 .order_by(PrintBatch.id.desc()).limit(10)).all()
    return {"approved": approved, "printed": printed, "batches": batches}


def mark_printed(badge_ids: list[int], batch_id: int | None = None) -> None:
    now = utcnow()
    with transaction():
        for start in range(0, len(badge_ids), 500):
            db.session.execute(db.update(Badge).where(Badge.id.in_(badge_ids[start:start + 500])).values(
                printed_at=now, print_count=Badge.print_count + 1, last_batch_id=batch_id))


def single_badge_pdf(registration_id: int, layout_name: str | None = None) -> bytes:
    """The reprint at the desk: one person's badge, recorded as printed."""
    registration = approved_registration(registration_id)
    badge = issue_badge(registration)
    pdf = render_badges([(registration, badge)], layout_name or layout_data.DEFAULT_LAYOUT)
    mark_printed([badge.id])
    return pdf


def start_batch(summit: Summit, layout_name: str, category: str | None, mode: str,
                created_by_id: int | None, order: str = "stroke", pinyin: bool | None = None) -> PrintBatch:
    """Record the batch and its job, then hand the job to the task queue's workers
    (summit.badges.batches: chunks rendered by several workers, then joined)."""
    from summit.core import jobs
    from summit.core.models import Job

    get_layout(layout_name)
    if mode not in ("all", "not_printed", "new"):
        raise BadgeError(_("Unknown selection."))
    if order not in PRINT_ORDERS:
        raise BadgeError(_("Unknown order."))
    selection = {"category": category or "", "mode": mode, "order": order}
    if pinyin is not None:
        selection["pinyin"] = bool(pinyin)
    with transaction():
        batch = PrintBatch(summit_id=summit.id, layout=layout_name, selection=selection, created_by_id=created_by_id)
        db.session.add(batch)
        db.session.flush()
        job = Job(kind="badges", params={"batch_id": batch.id, "_target": "summit.badges.batches:WORK"},
                  created_by_id=created_by_id)
        db.session.add(job)
        db.session.flush()
        batch.job_id = job.id
    batch_id = batch.id
    jobs.send(job.id)
    return db.session.get(PrintBatch, batch_id)
