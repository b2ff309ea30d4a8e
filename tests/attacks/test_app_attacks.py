"""The corpus against the real app: the validate API answers 4xx with element-level problems
(never 5xx) for every hostile document, and a case whose diagram runs hostile code that the
validator cannot see gets an incident (coded, on its element, the submitted data kept) while the
worker goes on serving."""

from __future__ import annotations

import time
from collections.abc import Callable
from xml.sax.saxutils import escape

import markupsafe
import pytest
from flask import current_app
from flask.testing import FlaskClient

from tests.attacks.conftest import TIME_BOUND
from tests.attacks.corpus import EXPRESSIONS, REPRESENTATIVE, SCRIPTS, Attack
from tests.attacks.diagrams import MORE_POSITIONS, POSITIONS, files_for, form_default_bpmn, script_bpmn, timer_bpmn
from tests.conftest import World
from tests.webapp.cases import answers, pending_names, register, the_task
from tests.webapp.conftest import Api
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.runtime import StepFailed, complete_task
from webapp.extensions import db
from webapp.platform.auth.models import User

pytestmark = [pytest.mark.attack, pytest.mark.usefixtures("attack_limits")]

CASES = [(a, p) for a in EXPRESSIONS for p in POSITIONS] + [(a, "script_body") for a in SCRIPTS]
CASES += [(a, p) for a in REPRESENTATIVE for p in MORE_POSITIONS]
XML = {"Content-Type": "application/xml"}


def _document(attack: Attack, position: str) -> tuple[str, str]:
    if position == "script_body":
        return "attack.bpmn", script_bpmn(attack.code)
    files = files_for(position, attack.code)
    name = "attack.dmn" if position.startswith("dmn") else "attack.bpmn"
    return name, files[name]


@pytest.mark.parametrize(("attack", "position"), CASES, ids=[f"{a.name}-{p}" for a, p in CASES])
def test_the_validate_api_never_answers_5xx(
    world: World, bearer_api: Callable[[User], Api], attack: Attack, position: str
) -> None:
    api = bearer_api(world.methodologist)
    name, document = _document(attack, position)
    started = time.monotonic()
    response = api("POST", f"/processes/validate?process_id={APPEAL_PROCESS}&file={name}", data=document, headers=XML)
    assert time.monotonic() - started < TIME_BOUND
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if attack.static:
        assert response.status_code in (413, 422), response.get_json()
        if response.status_code == 422:
            errors = response.get_json()["errors"]
            assert any(e["element_id"] for e in errors) and all(e["code"] != "engine.unknown" for e in errors), errors


ACCEPTED = "<bpmn:script>outcome = 'accepted'"


@pytest.mark.parametrize("attack", [a for a in SCRIPTS if not a.static], ids=[a.name for a in SCRIPTS if not a.static])
def test_hostile_code_the_validator_cannot_see_becomes_an_incident(world: World, attack: Attack) -> None:
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    source = files["appeal_registration.bpmn"]
    assert ACCEPTED in source
    files["appeal_registration.bpmn"] = source.replace(ACCEPTED, ACCEPTED + "\n" + escape(attack.code), 1)
    publish_files(APPEAL_PROCESS, files, note=f"hostile: {attack.name}")  # the validator lets it through
    db.session.commit()
    appeal = register(world)
    submitted = answers("check_registration")
    started = time.monotonic()
    with pytest.raises(StepFailed):
        complete_task(the_task(appeal, "check_registration"), world.inspector, submitted)
    assert time.monotonic() - started < TIME_BOUND
    db.session.expire_all()
    record = db.session.query(ProcessInstance).filter_by(appeal_id=appeal.id).one()
    assert record.status == "incident"
    assert record.incident_element == "mark_accepted", (record.incident_code, record.incident_params)
    assert record.incident_code.startswith(("sandbox.", "script.", "data.")), record.incident_code
    assert pending_names(appeal) == ["check_registration"]  # nothing half-written: the task still waits
    event = db.session.query(CaseEvent).filter_by(kind="incident", appeal_id=appeal.id).one()
    assert event.data["submitted"]["category"] == submitted["category"]  # the submission is kept
    # the same process goes on serving: the next case's first steps run in a fresh worker
    healthy = register(world)
    assert pending_names(healthy) == ["check_registration"]


RUNTIME_ONLY = [a for a in REPRESENTATIVE if not a.static]


@pytest.mark.parametrize("attack", RUNTIME_ONLY, ids=[a.name for a in RUNTIME_ONLY])
def test_a_hostile_timer_reached_by_a_completion_becomes_an_incident(world: World, attack: Attack) -> None:
    """The completion's step reaches a task whose boundary timer evaluates the payload: stopped
    within the limit, an incident at the timer, the submission kept, the worker serving on."""
    lifecycle = timer_bpmn(attack.code, APPEAL_PROCESS, first_task=True)
    publish_files(APPEAL_PROCESS, {"attack.bpmn": lifecycle}, note=f"hostile timer: {attack.name}")
    db.session.commit()
    appeal = register(world)
    started = time.monotonic()
    with pytest.raises(StepFailed):
        complete_task(the_task(appeal, "first_task"), world.inspector, {"attack_field": "kept"})
    assert time.monotonic() - started < TIME_BOUND
    db.session.expire_all()
    record = db.session.query(ProcessInstance).filter_by(appeal_id=appeal.id).one()
    assert (record.status, record.incident_element) == ("incident", "attack_timer"), record.incident_code
    assert record.incident_code.startswith(("sandbox.", "script.")), record.incident_code
    assert pending_names(appeal) == ["first_task"]
    event = db.session.query(CaseEvent).filter_by(kind="incident", appeal_id=appeal.id).one()
    assert event.data["submitted"] == {"attack_field": "kept"}
    assert pending_names(register(world)) == ["first_task"]  # the next case runs


@pytest.mark.parametrize("attack", REPRESENTATIVE[:3], ids=[a.name for a in REPRESENTATIVE[:3]])
def test_a_hostile_form_default_is_shown_as_text(
    world: World, as_user: Callable[[User], FlaskClient], attack: Attack
) -> None:
    """The task page renders a form whose default value is a payload: as the field's text, at once."""
    publish_files(APPEAL_PROCESS, {"attack.bpmn": form_default_bpmn(attack.code, process_id=APPEAL_PROCESS)})
    db.session.commit()
    appeal = register(world)
    started = time.monotonic()
    page = as_user(world.inspector).get(f"/tasks/{the_task(appeal, 'attack_task').id}")
    assert time.monotonic() - started < TIME_BOUND
    assert page.status_code == 200
    assert f"\n{markupsafe.escape(attack.code)}</textarea>" in page.get_data(as_text=True)  # the text, as written
