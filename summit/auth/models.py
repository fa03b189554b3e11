from __future__ import annotations

import datetime as dt
import hashlib
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from summit.core.models import utcnow
from summit.extensions import db

ROLES = ("organizer", "checkin", "judge", "host")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    # A user may hold several roles (an organizer who also scans at the door).
    roles: Mapped[list] = mapped_column(JSON, default=list)
    # Judges' expertise and hosts' organisation, used by the contest and the sessions.
    expertise: Mapped[list] = mapped_column(JSON, default=list)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[Optional[str]] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[dt.datetime]]
    # Part of the id every session and remember cookie carries (get_id): raising it (logout,
    # a new password, a disabled account) makes every earlier session of the account invalid.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:  # Flask-Login
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        from flask import current_app, has_app_context

        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return any(r in (self.roles or []) for r in roles)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    """A device's bearer token (a door scanner, a badge-printing service). Only its hash is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[dt.datetime]]
    revoked_at: Mapped[Optional[dt.datetime]]

    @property
    def roles(self) -> list[str]:
        return [self.role]

    def has_role(self, *roles: str) -> bool:
        return self.role in roles
