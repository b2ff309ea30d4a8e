"""A registry person's timeline: everything about them in order, from a list of sources.

A source is a function person → entries. The registry's own history (registration, changes,
plan steps, check-ins, evaluations, extensions, removal) and the linked appeals are sources here;
another package adds one more (patrol reports, say) with ``@timeline_source``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from webapp.platform.timeutil import as_utc
from webapp.prevention.registry.journal import person_events, plan_of_event
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.service import linked_appeals


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: dt.datetime
    kind: str
    actor: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    task_name: str | None = None
    plan_id: int | None = None
    # An appeal number that the entry points to (the template links it).
    ref: str = ""
    # Any other page the entry points to (a patrol report, say).
    url: str = ""


# What the case runtime logs for every subject (the plan's own events tell the same story in words).
RUNTIME_KINDS = frozenset({"task_completed"})

Source = Callable[[SupervisedPerson], list[TimelineEntry]]
SOURCES: list[Source] = []


def timeline_source(source: Source) -> Source:
    """Register a source of timeline entries."""
    SOURCES.append(source)
    return source


@timeline_source
def registry_history(person: SupervisedPerson) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            occurred_at=as_utc(event.occurred_at),
            kind=event.kind,
            actor=event.actor.full_name if event.actor else "",
            data=dict(event.data or {}),
            task_name=event.task_name,
            plan_id=plan_of_event(event),
            ref=str((event.data or {}).get("appeal", "")),
        )
        for event in person_events(person.id)
        if event.kind not in RUNTIME_KINDS
    ]


@timeline_source
def appeals_concerning(person: SupervisedPerson) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            occurred_at=as_utc(appeal.received_at),
            kind="appeal",
            data={"kind": appeal.kind, "category": appeal.category, "status": appeal.status},
            ref=appeal.number,
        )
        for appeal, _linked_at in linked_appeals(person.id)
    ]


def timeline(person: SupervisedPerson) -> list[TimelineEntry]:
    """Every source's entries, oldest first."""
    entries = [entry for source in SOURCES for entry in source(person)]
    return sorted(entries, key=lambda entry: entry.occurred_at)
