"""Write and read the audit log. ``record`` adds an entry to the caller's transaction (it does not
commit): the change and its audit entry are committed together, or neither is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry

PAGE_SIZE = 100


def _address() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _plain(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        key: (value.isoformat() if isinstance(value, dt.date | dt.datetime) else value) for key, value in values.items()
    }


def record(
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    actor_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry; only the keys whose values differ are kept when both sides are given."""
    old, new = _plain(before), _plain(after)
    if old is not None and new is not None:
        changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        old = {k: v for k, v in old.items() if k in changed}
        new = {k: v for k, v in new.items() if k in changed}
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80],
        actor_id=actor_id,
        before=old,
        after=new,
        address=_address(),
    )
    db.session.add(entry)
    return entry


def record_now(action: str, object_type: str, object_id: object = "", **kwargs: Any) -> None:
    """Record and commit on its own (sign-in events, which change nothing else)."""
    record(action, object_type, object_id, **kwargs)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor_id: int | None = None

    def query(self) -> Select[tuple[AuditEntry]]:
        query = select(AuditEntry)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.object_type:
            query = query.where(AuditEntry.object_type == self.object_type)
        if self.object_id:
            query = query.where(AuditEntry.object_id == self.object_id)
        if self.actor_id is not None:
            query = query.where(AuditEntry.actor_id == self.actor_id)
        return query.order_by(AuditEntry.id.desc())


def entries(audit_filter: AuditFilter, *, page: int = 1) -> list[AuditEntry]:
    query = audit_filter.query().options(joinedload(AuditEntry.actor))
    return list(db.session.scalars(query.offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)))


def stream(audit_filter: AuditFilter) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in batches (for the export)."""
    query = audit_filter.query().options(joinedload(AuditEntry.actor)).execution_options(yield_per=1000)
    yield from db.session.scalars(query)  # type: ignore[misc]
