"""Account operations, each one transaction."""
from __future__ import annotations

import functools
import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from summit.auth.models import ROLES, ApiToken, User, hash_token
from summit.core.database import transaction
from summit.core.errors import DomainError
from summit.core.models import utcnow
from summit.extensions import db


class AccountError(DomainError):
    """A refused account or token operation (the command line shows its message)."""


def create_user(email: str, password: str, roles: list[str], name: str = "",
                organisation: str = "", expertise: list[str] | None = None) -> User:
    email = email.strip().lower()
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise AccountError(f"unknown role: {', '.join(bad)} (choose from {', '.join(ROLES)})")
    if len(password) < 8:
        raise AccountError("the password needs at least 8 characters")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise AccountError(f"an account with {email} exists already", status=409)
    with transaction():
        user = User(email=email, name=name or email.split("@")[0], roles=list(roles),
                    organisation=organisation, expertise=expertise or [])
        user.set_password(password)
        db.session.add(user)
    return user


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        # The same work as for an account: the answer's time tells no one which emails exist.
        check_password_hash(_dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    # SQLite cannot turn this read into a write once another request has committed (the
    # "database is locked" 500 of a login among registrations): take the write lock first.
    with transaction(lock=True):
        user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Every session and remember cookie of the account stops working (load_user checks the version)."""
    with transaction(lock=True):
        user.session_version = (user.session_version or 0) + 1


def change_password(user: User, password: str) -> User:
    """A new password; every session opened with the old one ends."""
    if len(password) < 8:
        raise AccountError("the password needs at least 8 characters")
    with transaction(lock=True):
        user.set_password(password)
        user.session_version = (user.session_version or 0) + 1
    return user


def set_active(user: User, active: bool) -> User:
    """An organizer disables (or enables again) an account; disabling ends its sessions."""
    with transaction(lock=True):
        if user.active and not active:
            user.session_version = (user.session_version or 0) + 1
        user.active = active
    return user


def user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))
    if user is None:
        raise AccountError(f"no account {email}", status=404)
    return user


def create_token(role: str, name: str = "") -> tuple[ApiToken, str]:
    """A new device token; the plain token is returned once and never stored."""
    if role not in ROLES:
        raise AccountError(f"unknown role: {role}")
    plain = secrets.token_urlsafe(32)
    with transaction():
        token = ApiToken(role=role, name=name, token_hash=hash_token(plain))
        db.session.add(token)
    return token, plain


def revoke_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise AccountError(f"no token {token_id}", status=404)
    with transaction():
        token.revoked_at = token.revoked_at or utcnow()
    return token
