"""Fixtures for prevention work: the web harness of tests/webapp, a youth adviser, and small
builders of registry people and plans (the registry is another package's; here only rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from tests.conftest import World, make_user
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401 - shared web fixtures
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson


@pytest.fixture
def adviser(world: World) -> User:
    """A youth affairs adviser serving the first mahalla (M1) only."""
    user = make_user("adviser1", Role.YOUTH_ADVISER, mahallas=[world.mahalla])
    db.session.commit()
    return user


def registry_person(mahalla: Mahalla, name: str, inspector: User | None, **fields: Any) -> SupervisedPerson:
    person = SupervisedPerson(
        mahalla_id=mahalla.id,
        district_id=mahalla.district_id,
        full_name=name,
        risk_group=fields.pop("risk_group", "juvenile"),
        registered_on=fields.pop("registered_on", local_today() - dt.timedelta(days=100)),
        responsible_inspector_id=inspector.id if inspector else None,
        **fields,
    )
    db.session.add(person)
    db.session.commit()
    return person


def prevention_plan(
    person: SupervisedPerson, *, starts_on: dt.date, next_due_on: dt.date, status: str = "active"
) -> PreventionPlan:
    plan = PreventionPlan(
        person_id=person.id,
        mahalla_id=person.mahalla_id,
        district_id=person.district_id,
        status=status,
        starts_on=starts_on,
        next_due_on=next_due_on,
    )
    db.session.add(plan)
    db.session.commit()
    return plan


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def xlsx_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    response.close()  # the spooled temporary file
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def english(client: Any) -> Any:
    """Ask for English messages (assertions read the msgids)."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client
