"""The organizers' list of registrations: search, filters, sort and pages."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from summit.core.features import features
from summit.core.models import Summit
from summit.extensions import db
from summit.registration.models import Registration

SORTS = {
    "created": Registration.created_at,
    "name": Registration.name,
    # 姓氏笔画 and pinyin order: ICU collation keys stored on write (summit.core.names).
    "stroke": Registration.name_sort_stroke,
    "pinyin": Registration.name_sort_pinyin,
    "organisation": Registration.organisation,
    "category": Registration.category_id,
    "status": Registration.status,
}
PAGE_SIZE = 50


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_query(summit: Summit, *, q: str = "", category_id: int | None = None, status: str = "",
               checked_in: str = "", sort: str = "created", direction: str = "desc"):
    stmt = select(Registration).where(Registration.summit_id == summit.id)
    q = (q or "").strip()[:100]
    if q:
        from summit.registration.identity import normalise_phone

        pattern = _like(q.lower())
        conditions = [func.lower(Registration.name).like(pattern, escape="\\"),
                      *name_conditions(q),
                      func.lower(Registration.organisation).like(pattern, escape="\\"),
                      func.lower(Registration.email).like(pattern, escape="\\"),
                      Registration.phone.like(_like(q.replace(" ", "")), escape="\\")]
        phone = normalise_phone(q)
        if phone:
            conditions.append(Registration.phone == phone)
        if q.isdigit() and len(q) < 10:
            conditions.append(Registration.id == int(q))
        stmt = stmt.where(or_(*conditions))
    if category_id:
        stmt = stmt.where(Registration.category_id == category_id)
    if status:
        stmt = stmt.where(Registration.status == status)
    checked_in_source = features().checked_in_source
    if checked_in in ("yes", "no") and checked_in_source is not None:
        ids = checked_in_source(summit)
        stmt = stmt.where(Registration.id.in_(ids) if checked_in == "yes" else Registration.id.not_in(ids))
    column = SORTS.get(sort, Registration.created_at)
    order = column.asc() if direction == "asc" else column.desc()
    return stmt.order_by(order, Registration.id.desc() if direction != "asc" else Registration.id.asc())


def name_conditions(q: str) -> list:
    """A name by its pinyin, initials or characters (traditional ones too): the stored search key."""
    from summit.core import names

    return [Registration.name_search.like(_like(form), escape="\\") for form in names.query_forms(q)]


def page(stmt, number: int, size: int = PAGE_SIZE) -> tuple[list[Registration], int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, number)
    rows = db.session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return rows, total


def status_counts(summit: Summit) -> dict[str, int]:
    return dict(db.session.execute(select(Registration.status, func.count()).where(
        Registration.summit_id == summit.id).group_by(Registration.status)).all())
