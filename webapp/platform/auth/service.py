"""Authentication: passwords for the web UI, hashed bearer tokens for the API."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.platform.auth.models import ApiToken, User

TOKEN_PREFIX = "mht_"  # noqa: S105 - a public prefix, not a secret
# Verifying a password for an unknown user costs the same as for a known one.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def authenticate(username: str, password: str) -> User | None:
    user = user_by_username(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str = "") -> str:
    """Create a token for the user, store only its hash, commit, and return the token once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token), name=name))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return db.session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_(None), User.active.is_(True))
    )


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.commit()
