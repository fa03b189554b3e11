from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.core.models import Summit, utcnow
from summit.extensions import db

# 参会类别 codes in their display order; names and colours live in Category rows per summit.
CATEGORY_CODES = ("talent", "enterprise", "academic", "government", "media", "guest")
STATUSES = ("pending", "approved", "rejected", "waitlisted", "cancelled")
PROGRAMME_PARTS = ("opening", "contest_final", "recruitment")


class Category(db.Model):
    """参会类别 of one summit: whether it needs approval, its capacity, its badge colour."""

    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    needs_approval: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[Optional[int]]
    color: Mapped[str] = mapped_column(String(9), default="#1f5fa8")
    position: Mapped[int] = mapped_column(default=0)

    summit: Mapped[Summit] = relationship()
    __table_args__ = (UniqueConstraint("summit_id", "code"),)

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class FieldTag(db.Model):
    """研究/产业领域 tags an organizer edits per summit (人工智能, 虚拟现实, ...)."""

    __tablename__ = "field_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    __table_args__ = (UniqueConstraint("summit_id", "code"),)

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class Registration(db.Model):
    """One person at one summit."""

    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    # Derived from name on every write (see _name_keys below): ICU collation keys for 姓氏笔画
    # and pinyin order, and the text searched by pinyin, initials and simplified characters.
    name_sort_stroke: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    name_sort_pinyin: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    name_search: Mapped[str] = mapped_column(Text, default="")
    gender: Mapped[str] = mapped_column(String(10), default="")  # male/female/other/""
    organisation: Mapped[str] = mapped_column(String(200), default="", index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    # Normalised: mainland numbers as 11 digits, international as E.164 (+...).
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(320))
    id_type: Mapped[str] = mapped_column(String(20), default="")  # resident_id/passport/""
    id_number: Mapped[str] = mapped_column(String(40), default="")
    birth_year: Mapped[Optional[int]]
    degree: Mapped[str] = mapped_column(String(20), default="")  # bachelor/master/phd/other
    overseas: Mapped[bool] = mapped_column(default=False)
    fields: Mapped[list] = mapped_column(JSON, default=list)  # FieldTag codes
    programme_parts: Mapped[list] = mapped_column(JSON, default=list)
    dietary: Mapped[str] = mapped_column(String(200), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # extra question id -> answer
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    consent_at: Mapped[Optional[dt.datetime]]
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="online")  # online/import/organizer
    # sha256 of the private management link's token; the token itself is never stored.
    manage_token_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    waitlisted_at: Mapped[Optional[dt.datetime]]
    # The organizer's last decision (approve/reject) and when the private link was last issued.
    reviewed_at: Mapped[Optional[dt.datetime]]
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    link_issued_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()
    category: Mapped[Category] = relationship()

    # One person registers once per summit: the database refuses the second row,
    # so a double click or two concurrent submissions leave exactly one.
    __table_args__ = (
        UniqueConstraint("summit_id", "phone", name="uq_registrations_summit_phone"),
        UniqueConstraint("summit_id", "email", name="uq_registrations_summit_email"),
        # The organizer's list pages by summit, newest first, and counts seats per category.
        db.Index("ix_registrations_summit_created", "summit_id", "created_at"),
        db.Index("ix_registrations_category_status", "category_id", "status"),
        db.Index("ix_registrations_summit_sort_stroke", "summit_id", "name_sort_stroke"),
        db.Index("ix_registrations_summit_sort_pinyin", "summit_id", "name_sort_pinyin"),
        db.Index(
            "uq_registrations_summit_id_number",
            "summit_id",
            "id_type",
            "id_number",
            unique=True,
            sqlite_where=db.text("id_number != ''"),
            postgresql_where=db.text("id_number != ''"),
        ),
    )

    @property
    def id_number_masked(self) -> str:
        from summit.core.audit import mask

        return mask(self.id_number)


def apply_name_keys(registration: Registration) -> None:
    from summit.core import names

    keys = names.sort_keys(registration.name or "")
    registration.name_sort_stroke = keys["stroke"]
    registration.name_sort_pinyin = keys["pinyin"]
    registration.name_search = names.search_key(registration.name or "")


@event.listens_for(Registration, "before_insert")
def _name_keys_on_insert(_mapper, _connection, target: Registration) -> None:
    apply_name_keys(target)


@event.listens_for(Registration, "before_update")
def _name_keys_on_update(_mapper, _connection, target: Registration) -> None:
    # Every path that writes a name (form, edit page, import, API, demo) goes through the ORM.
    if sa_inspect(target).attrs.name.history.has_changes() or target.name_sort_stroke is None:
        apply_name_keys(target)


class ExtraQuestion(db.Model):
    """An organizer's own question on the registration form of one summit."""

    __tablename__ = "extra_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # text/single/multiple/yesno/number/date
    label_zh: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    # [{"value", "zh", "en"}] for single and multiple choice.
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # A retired question keeps its answers but is no longer asked.
    active: Mapped[bool] = mapped_column(default=True, server_default=db.true())

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_zh

    def choice_label(self, value, locale: str) -> str:
        """A chosen value's words in this language (the value itself once its choice is gone)."""
        key = "en" if str(locale).startswith("en") else "zh"
        for choice in self.choices or []:
            if choice.get("value") == value:
                return choice.get(key) or choice.get("zh") or str(value)
        return str(value)
