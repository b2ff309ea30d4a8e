"""Open311 clients (API keys), the mahallas offered to clients, and the service requests they filed.

Only the SHA-256 of a client's key is stored; the key itself is printed once when it is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.intake.open311.models import Open311Client
from webapp.platform.audit.service import record
from webapp.platform.territory.models import Mahalla, UnitStatus
from webapp.platform.timeutil import as_utc, utcnow

KEY_PREFIX = "o311_"
MAX_RESULTS = 1000
DEFAULT_SPAN = dt.timedelta(days=90)
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)  # last use is written at most this often


class ClientError(Exception):
    """A key could not be issued or revoked (the message says why)."""


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_client(name: str, expires_at: dt.datetime | None = None, actor_id: int | None = None) -> str:
    """Register a client, commit, and return its API key (shown only this once)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ClientError("the name must be 1 to 100 characters")
    if db.session.scalar(select(Open311Client.id).where(Open311Client.name == name)) is not None:
        raise ClientError(f"a client named {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_hash=key_digest(key), expires_at=expires_at)
    db.session.add(client)
    db.session.flush()
    record(
        "open311_key_issued",
        "open311_client",
        client.id,
        actor_id=actor_id,
        after={"name": name, "expires_at": expires_at},
    )
    db.session.commit()
    return key


def revoke_client(name: str, actor_id: int | None = None) -> Open311Client:
    client = db.session.scalar(select(Open311Client).where(Open311Client.name == name))
    if client is None:
        raise ClientError(f"no client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        record("open311_key_revoked", "open311_client", client.id, actor_id=actor_id)
        db.session.commit()
    return client


def list_clients() -> list[Open311Client]:
    return list(db.session.scalars(select(Open311Client).order_by(Open311Client.name)))


def client_for_key(key: str) -> Open311Client | None:
    """The active client holding this key; None for an unknown or revoked key."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    now = utcnow()
    client = db.session.scalar(
        select(Open311Client).where(
            Open311Client.key_hash == key_digest(key),
            Open311Client.revoked_at.is_(None),
            Open311Client.expires_at.is_(None) | (Open311Client.expires_at > now),
        )
    )
    if client is not None and (client.last_used_at is None or now - as_utc(client.last_used_at) > LAST_USE_RESOLUTION):
        db.session.execute(update(Open311Client).where(Open311Client.id == client.id).values(last_used_at=now))
        db.session.commit()
    return client


def all_mahallas() -> list[Mahalla]:
    """The mahallas a request may name: the active ones (a merged, renamed or abolished one takes no new appeals)."""
    query = select(Mahalla).where(Mahalla.status == UnitStatus.ACTIVE)
    return list(db.session.scalars(query.order_by(Mahalla.name, Mahalla.code)))


def mahalla_with_code(code: str) -> Mahalla | None:
    """The active mahalla of that code (None for an unknown or retired one)."""
    return db.session.scalar(select(Mahalla).where(Mahalla.code == code, Mahalla.status == UnitStatus.ACTIVE))


def file_request(new: NewAppeal) -> Appeal:
    """Register the appeal a client filed (no user registers it: the registering actor is empty)."""
    return register_appeal(new, None)


@dataclass(frozen=True)
class RequestQuery:
    """Filters of GET requests; ``numbers`` wins over the others, as the spec says."""

    numbers: Sequence[str] = ()
    service_code: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    is_open: bool | None = None


def _published() -> Select[Any]:
    return select(Appeal).where(Appeal.open311_client_id.is_not(None)).options(joinedload(Appeal.mahalla))


def find_requests(query: RequestQuery) -> list[Appeal]:
    """Requests filed through Open311 matching the filters, newest first, at most MAX_RESULTS."""
    statement = _published()
    if query.numbers:
        statement = statement.where(Appeal.number.in_(list(query.numbers)[:MAX_RESULTS]))
    else:
        start = query.start or (query.end or utcnow()) - DEFAULT_SPAN
        statement = statement.where(Appeal.received_at >= start)
        if query.end is not None:
            statement = statement.where(Appeal.received_at <= query.end)
        if query.service_code is not None:
            statement = statement.where(Appeal.category == query.service_code)
        if query.is_open is not None:
            statement = statement.where(Appeal.is_open.is_(query.is_open))
    return list(db.session.scalars(statement.order_by(Appeal.received_at.desc(), Appeal.id.desc()).limit(MAX_RESULTS)))


def find_request(number: str) -> Appeal | None:
    if len(number) > 20:
        return None
    return db.session.scalar(_published().where(Appeal.number == number))
