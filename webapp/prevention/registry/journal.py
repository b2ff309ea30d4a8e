"""What the registry writes besides the record: the access log of a record, and its events in the
case runtime's one event log (a person's own events keyed by the person, a plan's by the plan).

Writers add rows within the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from webapp.cases.instances import Subject, events_of, log_subject_event
from webapp.cases.models import PREVENTION_PLAN, SUPERVISED_PERSON, CaseEvent
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today, utcnow
from webapp.prevention.registry.models import AccessLogEntry, PreventionPlan, SupervisedPerson


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
    """Append one event to the person's history: the plan's log if it concerns a plan, else the person's."""
    subject = Subject(PREVENTION_PLAN, plan_id) if plan_id is not None else Subject(SUPERVISED_PERSON, person_id)
    log_subject_event(subject, kind, actor, task_name=task_name, data=data, occurred_at=occurred_at)


def moment_of(day: dt.date) -> dt.datetime:
    """A registry date as a moment for the timeline: now for today, noon for a day in the past."""
    if day >= local_today():
        return utcnow()
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


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


def person_events(person_id: int) -> list[CaseEvent]:
    """The person's own events and those of every plan they had, oldest first."""
    plan_ids = db.session.scalars(select(PreventionPlan.id).where(PreventionPlan.person_id == person_id))
    return events_of(Subject(SUPERVISED_PERSON, person_id), *(Subject(PREVENTION_PLAN, i) for i in plan_ids))


def plan_of_event(event: CaseEvent) -> int | None:
    return event.subject_id if event.subject_kind == PREVENTION_PLAN else None
