"""The append-only history of registry persons and the access log of their records.

Writers add rows within the caller's transaction; ``committed`` runs one action as one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today, utcnow
from webapp.prevention.registry.models import AccessLogEntry, PersonEvent, SupervisedPerson


def log_access(
    user: User | None, person_ids: Iterable[int], action: str, fields: Iterable[str] = (), detail: str = ""
) -> None:
    """Append access-log rows (within the caller's transaction)."""
    now = utcnow()
    rows = [
        {
            "person_id": person_id,
            "user_id": user.id if user else None,
            "occurred_at": now,
            "action": action,
            "fields": sorted(fields),
            "detail": detail[:300],
        }
        for person_id in person_ids
    ]
    if rows:
        db.session.execute(insert(AccessLogEntry.__table__), rows)


def log_event(
    person_id: int,
    kind: str,
    actor: User | None,
    *,
    plan_id: int | None = None,
    task_name: str | None = None,
    data: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> None:
    """Append one entry to the person's history (within the caller's transaction)."""
    db.session.execute(
        insert(PersonEvent.__table__),
        [
            {
                "person_id": person_id,
                "plan_id": plan_id,
                "occurred_at": occurred_at or utcnow(),
                "actor_id": actor.id if actor else None,
                "kind": kind,
                "task_name": task_name,
                "data": dict(data or {}),
            }
        ],
    )


def moment_of(day: dt.date) -> dt.datetime:
    """A registry date as a moment for the timeline: now for today, noon for a day in the past."""
    if day >= local_today():
        return utcnow()
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


def committed(action: Any) -> Any:
    try:
        result = action()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def access_log(person: SupervisedPerson, limit: int = 200) -> list[AccessLogEntry]:
    return list(
        db.session.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.person_id == person.id)
            .options(joinedload(AccessLogEntry.user))
            .order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc())
            .limit(limit)
        )
    )


def person_events(person_id: int) -> list[PersonEvent]:
    return list(
        db.session.scalars(
            select(PersonEvent)
            .where(PersonEvent.person_id == person_id)
            .options(joinedload(PersonEvent.actor))
            .order_by(PersonEvent.occurred_at, PersonEvent.id)
        )
    )
