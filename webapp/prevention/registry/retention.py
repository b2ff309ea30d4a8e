"""Retention: a removed record is anonymised once PREVENTION_RETENTION_DAYS have passed (a job)."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import committed
from webapp.prevention.registry.access import ANONYMISED_NAME
from webapp.prevention.registry.journal import log_access, log_event
from webapp.prevention.registry.models import PersonStatus, SupervisedPerson


def anonymise_expired(today: dt.date | None = None, retention_days: int | None = None) -> int:
    """Anonymise the records removed longer ago than the retention period; idempotent. Returns how many."""
    day = today or local_today()
    days = retention_days if retention_days is not None else int(current_app.config["PREVENTION_RETENTION_DAYS"])
    cutoff = day - dt.timedelta(days=days)

    def write() -> int:
        persons = list(
            db.session.scalars(
                select(SupervisedPerson)
                .where(
                    SupervisedPerson.status == PersonStatus.REMOVED,
                    SupervisedPerson.anonymised_at.is_(None),
                    SupervisedPerson.removed_on <= cutoff,
                )
                .with_for_update(skip_locked=True)
                .limit(500)
            )
        )
        now = utcnow()
        for person in persons:
            person.full_name = ANONYMISED_NAME
            person.passport = None
            person.phone = None
            person.address = ""
            if person.birth_date is not None:
                person.birth_date = dt.date(person.birth_date.year, 1, 1)
            person.anonymised_at = now
            log_event(person.id, "anonymised", None)
            log_access(None, [person.id], "anonymise", ["full_name", "passport", "phone", "address", "birth_date"])
        return len(persons)

    return int(committed(write))
