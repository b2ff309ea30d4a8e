"""API bearer tokens: issued with a name, a scope and an optional expiry, shown once (only the
SHA-256 is stored), listed with their last use, revoked by their owner or an admin."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import ApiToken, User
from webapp.platform.timeutil import as_utc, utcnow

TOKEN_PREFIX = "mht_"  # noqa: S105 - a public prefix, not a secret
SCOPES = ("full", "read")
NAME_MAX = 100
# Last use is written at most this often per token (not on every request).
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(
    user: User,
    name: str = "",
    *,
    scope: str = "full",
    expires_at: dt.datetime | None = None,
    actor: User | None = None,
) -> str:
    """Create a token, commit, and return it (the only time it is seen)."""
    name = name.strip()
    if len(name) > NAME_MAX:
        raise TokenRefused("name_too_long", "name")
    if scope not in SCOPES:
        raise TokenRefused("unknown_scope", "scope")
    if expires_at is not None and expires_at <= utcnow():
        raise TokenRefused("expired", "expires_at")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=digest(token),
        name=name,
        scope=scope,
        expires_at=expires_at,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    after = {"user": user.username, "name": name, "scope": scope, "expires_at": expires_at}
    record("token_issued", "api_token", row.id, actor_id=actor.id if actor else None, after=after)
    db.session.commit()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(db.session.scalars(query))


def token_of(user: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def revoke(token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("token_revoked", "api_token", token.id, actor_id=actor.id, after={"user_id": token.user_id})
        db.session.commit()


@dataclass(frozen=True)
class TokenInUse:
    """What a request needs of its bearer token (not the whole row)."""

    id: int
    scope: str
    last_used_at: dt.datetime | None


# Every API request looks its token up: the statement is built once (SQLAlchemy keeps its cache key
# on it), the hash and the time are its parameters; of the token it reads the columns a request uses.
_TOKEN_LOOKUP = (
    select(User, ApiToken.id, ApiToken.scope, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at.is_(None) | (ApiToken.expires_at > bindparam("now", type_=ApiToken.expires_at.type)),
        User.active.is_(True),
    )
)


def token_for(token: str) -> tuple[User, TokenInUse] | None:
    """The active user and the usable token (not revoked, not expired) for a bearer token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = utcnow()
    row = db.session.execute(_TOKEN_LOOKUP, {"token_hash": digest(token), "now": now}).one_or_none()
    if row is None:
        return None
    user, token_id, scope, last_used_at = row
    if last_used_at is None or now - as_utc(last_used_at) > LAST_USE_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return user, TokenInUse(token_id, scope, last_used_at)
