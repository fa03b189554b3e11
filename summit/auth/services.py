"""Account operations, each one transaction."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

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


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    # SQLite cannot turn this read into a write once another request has committed (the
    # "database is locked" 500 of a login among registrations): take the write lock first.
    with transaction(lock=True):
        user.last_login_at = utcnow()
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
