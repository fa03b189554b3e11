"""Seats in a category with a capacity, and the waitlist that fills them.

Whoever decides a seat (a submission, an approval, a cancellation, a larger capacity) runs in
a write transaction (transaction(lock=True)) and locks the category row first, in id order,
so two of them never both take the last seat nor deadlock."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from summit.core import audit, signals
from summit.core.database import for_update, is_postgres
from summit.extensions import db
from summit.registration.mail import queue_status_mail
from summit.registration.models import Category, Registration

SEAT_STATUSES = ("pending", "approved")

_SEATS_TAKEN = select(func.count()).select_from(Registration).where(
    Registration.category_id == bindparam("category_id"), Registration.status.in_(SEAT_STATUSES))
# populate_existing: the row as it is now, under the lock, even if the session had it.
_CATEGORY_ROW = select(Category).where(Category.id == bindparam("category_id"),
                                       Category.summit_id == bindparam("summit_id")) \
    .execution_options(populate_existing=True)
_CATEGORY_ROW_LOCKED = _CATEGORY_ROW.with_for_update()


def seats_taken(category: Category) -> int:
    return db.session.scalar(_SEATS_TAKEN, {"category_id": category.id})


def lock_category(category_id: int, summit_id: int) -> Category | None:
    # What for_update() does, on statements built once: the row lock on PostgreSQL; on SQLite
    # the write transaction already holds the write lock.
    stmt = _CATEGORY_ROW_LOCKED if is_postgres() else _CATEGORY_ROW
    return db.session.scalar(stmt, {"category_id": category_id, "summit_id": summit_id})


def initial_status(category: Category) -> str:
    if category.capacity is not None and seats_taken(category) >= category.capacity:
        return "waitlisted"
    return "pending" if category.needs_approval else "approved"


WITHDRAWN = ("cancelled", "rejected")


def status_signal(reg: Registration, status: str, **extra) -> list:
    """Tell other features of a new status. An approval gets the person a badge; a cancellation
    or a rejection releases what they held elsewhere (meetings, badge, programme parts), and the
    texts of what was released are returned (lazy strings) and kept in the history."""
    if status == "approved":
        signals.registration_approved.send(reg, **extra)
        return []
    if status not in WITHDRAWN:
        return []
    released = [text for _receiver, texts in signals.registration_withdrawn.send(reg, reason=status)
                for text in (texts or [])]
    if released:
        audit.record(reg, "released", after={"released": [str(t) for t in released]}, actor_label="system")
    return released


def promote_waitlist(category: Category) -> list[Registration]:
    """Inside a deciding transaction that holds the category's lock: fill free seats from the waitlist."""
    promoted = []
    while True:
        if category.capacity is not None and seats_taken(category) >= category.capacity:
            break
        nxt = db.session.scalar(for_update(
            select(Registration).where(Registration.category_id == category.id, Registration.status == "waitlisted")
            .order_by(Registration.waitlisted_at, Registration.id).limit(1)))
        if nxt is None:
            break
        nxt.status = "pending" if category.needs_approval else "approved"
        audit.record(nxt, "promoted", {"status": "waitlisted"}, {"status": nxt.status}, actor_label="system")
        status_signal(nxt, nxt.status)
        db.session.flush()
        queue_status_mail(nxt, "promoted")
        promoted.append(nxt)
    return promoted


def counts(summit) -> tuple[dict[int, int], dict[int, int]]:
    """Seats taken and people waiting, by category id, for the settings page."""
    def by_category(condition) -> dict[int, int]:
        return dict(db.session.execute(select(Registration.category_id, func.count()).where(
            Registration.summit_id == summit.id, condition).group_by(Registration.category_id)).all())

    return by_category(Registration.status.in_(SEAT_STATUSES)), by_category(Registration.status == "waitlisted")
