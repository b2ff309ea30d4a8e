"""Legal-advocacy events (huquqiy targ'ibot tadbirlari): planned, held or cancelled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.transaction import commit
from webapp.prevention.work.models import AdvocacyEvent, EventStatus
from webapp.prevention.work.scope import ListFilters, Query, all_rows, territory_scope


@dataclass(frozen=True)
class EventData:
    topic: str
    event_date: dt.date
    audience: str
    status: str
    planned_attendance: int
    actual_attendance: int | None = None
    partner: str = ""
    venue: str = ""
    notes: str = ""


def save_event(actor: User, mahalla: Mahalla, data: EventData, event: AdvocacyEvent | None = None) -> AdvocacyEvent:
    if event is None:
        event = AdvocacyEvent(created_by_id=actor.id)
        db.session.add(event)
    event.mahalla_id, event.district_id = mahalla.id, mahalla.district_id
    event.topic = data.topic.strip()
    event.event_date = data.event_date
    event.audience = data.audience
    event.status = data.status
    event.planned_attendance = data.planned_attendance
    event.actual_attendance = data.actual_attendance if data.status == EventStatus.HELD else None
    event.partner, event.venue, event.notes = data.partner.strip(), data.venue.strip(), data.notes.strip()
    commit()
    return event


def event_for(user: User, event_id: int) -> AdvocacyEvent | None:
    return db.session.scalar(
        select(AdvocacyEvent).where(
            AdvocacyEvent.id == event_id, territory_scope(user, AdvocacyEvent.mahalla_id, AdvocacyEvent.district_id)
        )
    )


def events_query(user: User, filters: ListFilters, audience: str = "") -> Query:
    query = (
        select(AdvocacyEvent, Mahalla.name)
        .join(Mahalla, Mahalla.id == AdvocacyEvent.mahalla_id)
        .where(
            territory_scope(user, AdvocacyEvent.mahalla_id, AdvocacyEvent.district_id),
            filters.territory(AdvocacyEvent.mahalla_id, AdvocacyEvent.district_id),
            filters.period(AdvocacyEvent.event_date),
            filters.text(AdvocacyEvent.topic, AdvocacyEvent.partner, AdvocacyEvent.venue),
        )
    )
    if filters.status:
        query = query.where(AdvocacyEvent.status == filters.status)
    if audience:
        query = query.where(AdvocacyEvent.audience == audience)
    return query.order_by(AdvocacyEvent.event_date.desc(), AdvocacyEvent.id.desc())


def export_rows(user: User, filters: ListFilters, audience: str, label: Any) -> Iterator[list[Any]]:
    for event, mahalla_name in all_rows(events_query(user, filters, audience)):
        yield [
            event.event_date,
            event.topic,
            mahalla_name,
            label("audience", event.audience),
            event.partner,
            event.venue,
            event.planned_attendance,
            event.actual_attendance,
            label("status", event.status),
            event.notes,
        ]
