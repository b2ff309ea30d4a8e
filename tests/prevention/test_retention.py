"""Retention: records removed longer ago than PREVENTION_RETENTION_DAYS are anonymised by a job;
nothing else is touched, a second run changes nothing, and the anonymisation is logged."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from tests.conftest import World
from tests.prevention.conftest import person_input
from webapp.config import from_environment
from webapp.extensions import db
from webapp.platform.jobs.registry import JOBS
from webapp.prevention.registry.access import ANONYMISED_NAME
from webapp.prevention.registry.journal import person_events
from webapp.prevention.registry.models import AccessLogEntry, SupervisedPerson
from webapp.prevention.registry.retention import anonymise_expired
from webapp.prevention.registry.service import register_person, remove_person

TODAY = dt.date(2031, 6, 1)


def test_the_default_period_is_five_years_and_configurable() -> None:
    assert from_environment({})["PREVENTION_RETENTION_DAYS"] == 5 * 365 + 1
    assert from_environment({"PREVENTION_RETENTION_DAYS": "30"})["PREVENTION_RETENTION_DAYS"] == 30
    assert "anonymise_prevention_records" in {job.name for job in JOBS}


def test_only_records_past_the_period_are_anonymised(app: Flask, world: World) -> None:
    days = app.config["PREVENTION_RETENTION_DAYS"]
    expired = register_person(person_input(world, full_name="Olimov Aziz Rustamovich"), world.inspector)
    recent = register_person(person_input(world, full_name="Sodiqov Bobur Anvarovich"), world.inspector)
    active = register_person(person_input(world, full_name="Qodirov Jahongir Erkinovich"), world.inspector)
    remove_person(expired, world.inspector, TODAY - dt.timedelta(days=days), "Tuzalgan, ishga joylashgan.")
    remove_person(recent, world.inspector, TODAY - dt.timedelta(days=days - 1), "Tuzalgan, ishga joylashgan.")

    assert anonymise_expired(today=TODAY) == 1
    assert anonymise_expired(today=TODAY) == 0  # idempotent

    db.session.expire_all()
    gone = db.session.get(SupervisedPerson, expired.id)
    assert gone is not None and gone.anonymised_at is not None
    assert (gone.full_name, gone.passport, gone.phone, gone.address) == (ANONYMISED_NAME, None, None, "")
    assert gone.birth_date == dt.date(1999, 1, 1)  # the year only
    assert gone.risk_group == "administrative_offences"  # statistics keep working
    for kept in (recent, active):
        row = db.session.get(SupervisedPerson, kept.id)
        assert row is not None and row.anonymised_at is None and row.passport == "AB1234567"

    log = db.session.scalar(
        select(AccessLogEntry).where(AccessLogEntry.person_id == expired.id, AccessLogEntry.action == "anonymise")
    )
    assert log is not None and log.user_id is None and "passport" in log.fields
    assert "anonymised" in [event.kind for event in person_events(expired.id)]
