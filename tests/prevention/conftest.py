"""Fixtures for the prevention tests: the web harness of tests/webapp, a person on the registry,
valid answers for every task of the prevention plan diagram, a youth adviser, small builders of
registry people and plans (rows only), and readers of the registers' CSV and XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from tests.conftest import World, make_user
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401 - shared web fixtures
from webapp.cases.instances import CaseRow, Subject, instance_row
from webapp.cases.models import PREVENTION_PLAN, PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson
from webapp.prevention.registry.plans import PlanStep, complete_plan_task, tasks_of_plan
from webapp.prevention.registry.service import PersonInput, register_person

PLAN_ANSWERS: dict[str, dict[str, Any]] = {
    "draft_plan": {
        "measure_talk": True,
        "measure_employment": True,
        "plan_goals": "Ishga joylashtirish va har oy profilaktik suhbat o'tkazish.",
        "plan_months": 12,
    },
    "approve_plan": {"plan_approved": True, "supervisor_comment": ""},
    "monthly_checkin": {
        "checkin_date": "2026-01-15",
        "work_done": "Profilaktik suhbat o'tkazildi, ish joyi bilan tanishildi.",
        "person_situation": "improving",
        "situation_note": "",
        "next_steps": "Keyingi oy yana uchrashish.",
    },
    "evaluate_quarter": {
        "evaluation_summary": "Chorak davomida ijobiy o'zgarishlar bor.",
        "evaluation_decision": "continue",
    },
}


def person_input(world: World, **changes: Any) -> PersonInput:
    values: dict[str, Any] = {
        "full_name": "Karimov Jasur Botirovich",
        "birth_date": dt.date(1999, 4, 12),
        "passport": "AB1234567",
        "phone": "+998 90 123 45 67",
        "address": "Bunyodkor ko'chasi, 12-uy",
        "mahalla": world.mahalla,
        "risk_group": "administrative_offences",
        "grounds": "Ikki marta ma'muriy huquqbuzarlik sodir etgan.",
        "responsible_inspector_id": world.inspector.id,
        "registered_on": dt.date(2026, 1, 5),
    }
    values.update(changes)
    return PersonInput(**values)


@pytest.fixture
def person(world: World) -> SupervisedPerson:
    return register_person(person_input(world), world.inspector)


def live_case(plan: PreventionPlan) -> CaseRow:
    """The plan's process instance in the one case runtime (state, lock version, status)."""
    found = instance_row(Subject(PREVENTION_PLAN, plan.id))
    assert found is not None
    return found[0]


def the_task(plan: PreventionPlan) -> PendingTask:
    tasks = tasks_of_plan(plan.id)
    assert len(tasks) == 1, f"expected one READY task, found {[t.name for t in tasks]}"
    return tasks[0]


def step(plan: PreventionPlan, world: World, name: str, *, today: dt.date | None = None, **answers: Any) -> PlanStep:
    """Complete the plan's only task, which must be ``name``, with valid answers (overridden by ``answers``)."""
    task = the_task(plan)
    assert task.name == name, f"expected {name}, the plan waits for {task.name}"
    actor: User = world.inspector if task.role == "inspector" else world.supervisor
    return complete_plan_task(task, actor, {**PLAN_ANSWERS[name], **answers}, today=today)


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
