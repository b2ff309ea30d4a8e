"""Youth work: the register of non-organised youth, referrals to work or study, activity logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.platform.transaction import commit
from webapp.prevention.work.models import YoungPerson, YouthActivity, YouthReferral, YouthStatus
from webapp.prevention.work.scope import ListFilters, Query, all_rows, territory_scope

# A placement changes what the young person does.
PLACED_STATUS = {
    "employment": YouthStatus.WORKING,
    "education": YouthStatus.STUDYING,
    "vocational": YouthStatus.STUDYING,
}


@dataclass(frozen=True)
class YoungPersonData:
    full_name: str
    birth_date: dt.date
    phone: str = ""
    address: str = ""
    status: str = YouthStatus.NEITHER
    notes: str = ""


def save_person(actor: User, mahalla: Mahalla, data: YoungPersonData, person: YoungPerson | None = None) -> YoungPerson:
    """Create (``person`` None) or update a register entry; commit."""
    if person is None:
        person = YoungPerson(created_by_id=actor.id)
        db.session.add(person)
    person.mahalla_id, person.district_id = mahalla.id, mahalla.district_id
    person.full_name = data.full_name.strip()
    person.birth_date = data.birth_date
    person.phone = data.phone.strip()
    person.address = data.address.strip()
    person.status = data.status
    person.notes = data.notes.strip()
    commit()
    return person


def person_for(user: User, person_id: int) -> YoungPerson | None:
    return db.session.scalar(
        select(YoungPerson).where(
            YoungPerson.id == person_id, territory_scope(user, YoungPerson.mahalla_id, YoungPerson.district_id)
        )
    )


def _last_referral() -> Any:
    return (
        select(YouthReferral.person_id, func.max(YouthReferral.referred_on).label("last_referral"))
        .group_by(YouthReferral.person_id)
        .subquery()
    )


def people_query(user: User, filters: ListFilters) -> Query:
    """Register entries of the territory with their mahalla name and latest referral date.

    The period filters on the date the person was entered in the register."""
    last = _last_referral()
    query = (
        select(YoungPerson, Mahalla.name, last.c.last_referral)
        .join(Mahalla, Mahalla.id == YoungPerson.mahalla_id)
        .outerjoin(last, last.c.person_id == YoungPerson.id)
        .where(
            territory_scope(user, YoungPerson.mahalla_id, YoungPerson.district_id),
            filters.territory(YoungPerson.mahalla_id, YoungPerson.district_id),
            filters.text(YoungPerson.full_name, YoungPerson.address, YoungPerson.phone),
            filters.period_of_timestamp(YoungPerson.created_at),
        )
    )
    if filters.status:
        query = query.where(YoungPerson.status == filters.status)
    return query.order_by(Mahalla.name, YoungPerson.full_name, YoungPerson.id)


def export_rows(user: User, filters: ListFilters, label: Any) -> Iterator[list[Any]]:
    for person, mahalla_name, last_referral in all_rows(people_query(user, filters)):
        yield [
            person.full_name,
            person.birth_date,
            person.phone,
            person.address,
            mahalla_name,
            label(person.status),
            last_referral,
            person.notes,
        ]


def referrals_of(person: YoungPerson) -> list[YouthReferral]:
    return list(
        db.session.scalars(
            select(YouthReferral)
            .where(YouthReferral.person_id == person.id)
            .order_by(YouthReferral.referred_on.desc(), YouthReferral.id.desc())
        )
    )


def activities_of(person: YoungPerson) -> list[YouthActivity]:
    return list(
        db.session.scalars(
            select(YouthActivity)
            .where(YouthActivity.person_id == person.id)
            .order_by(YouthActivity.occurred_on.desc(), YouthActivity.id.desc())
        )
    )


def add_referral(
    actor: User, person: YoungPerson, *, kind: str, referred_to: str, referred_on: dt.date, note: str = ""
) -> YouthReferral:
    referral = YouthReferral(
        person_id=person.id,
        kind=kind,
        referred_to=referred_to.strip(),
        referred_on=referred_on,
        note=note.strip(),
        created_by_id=actor.id,
    )
    db.session.add(referral)
    commit()
    return referral


def referral_for(person: YoungPerson, referral_id: int) -> YouthReferral | None:
    return db.session.scalar(
        select(YouthReferral).where(YouthReferral.id == referral_id, YouthReferral.person_id == person.id)
    )


def record_outcome(referral: YouthReferral, outcome: str, outcome_on: dt.date | None) -> None:
    """Record how a referral turned out; "placed" moves the person to working or studying."""
    referral.outcome = outcome
    referral.outcome_on = None if outcome == "pending" else (outcome_on or local_today())
    if outcome == "placed":
        referral.person.status = PLACED_STATUS[referral.kind]
    commit()


def add_activity(actor: User, person: YoungPerson, *, kind: str, occurred_on: dt.date, note: str) -> YouthActivity:
    activity = YouthActivity(
        person_id=person.id, kind=kind, occurred_on=occurred_on, note=note.strip(), author_id=actor.id
    )
    db.session.add(activity)
    commit()
    return activity
