"""Case data has a size limit per field and per case (engine.data_limits; production defaults
256 KB and 1 MB, webapp.config), enforced when a task completes and when a script writes data.

A person's oversized answer is refused — in the browser and over the API — with a message at the
field it names, and nothing is written: the case is exactly as before. Data a script writes past
a limit is an incident on the case at the script, naming the field, with the submission kept for
the retry. The diagram is a methodologist's own (its text fields have no maxlength: the form's own
length check would refuse first in the bundled procedures)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import sandbox
from engine.data_limits import DataLimits
from tests.admin.test_people import post_form
from tests.conftest import World
from tests.webapp.cases import CaseState, alerts, case_state, controls, invalid_fields, parse, register, the_task
from webapp.cases.incidents import failed_submission
from webapp.cases.instances import Subject
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.cases.versions import APPEAL_PROCESS, publish_files
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import StepFailed, complete_task
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
FIELD_KB, CASE_KB = 256, 1024  # the production defaults
NOTES = ("note", "note_b", "note_c", "note_d", "note_e")
QUARTER = 250_000  # four answers this long fill the case nearly to its 1 MB; each is under 256 KB


def _field(field_id: str) -> str:
    return f'<camunda:formField id="{field_id}" label="{field_id}" type="string"/>'


def lifecycle(script: str = "copied = len(note)") -> str:
    """write_notes (five free-text fields) → a script → add_note (one more) → end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="definitions_limits"
    targetNamespace="http://mahalla.uz/bpmn/test">
  <bpmn:process id="{APPEAL_PROCESS}" name="Data limits" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_inspector" name="inspector">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>write_notes</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>copy_notes</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>add_note</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="write_notes" name="Write notes" camunda:formKey="write_notes">
      <bpmn:extensionElements>
        <camunda:formData>{"".join(_field(n) for n in NOTES)}</camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="copy_notes" name="Copy notes" scriptFormat="python">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:userTask id="add_note" name="Add a note" camunda:formKey="add_note">
      <bpmn:extensionElements><camunda:formData>{_field("addition")}</camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="write_notes"/>
    <bpmn:sequenceFlow id="f2" sourceRef="write_notes" targetRef="copy_notes"/>
    <bpmn:sequenceFlow id="f3" sourceRef="copy_notes" targetRef="add_note"/>
    <bpmn:sequenceFlow id="f4" sourceRef="add_note" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture(autouse=True)
def production_limits() -> Iterator[None]:
    """The production defaults, whatever another module configured."""
    assert (sandbox.limits().data.field_bytes, sandbox.limits().data.case_bytes) == (FIELD_KB * 1024, CASE_KB * 1024)
    yield


def started(world: World, script: str | None = None) -> Appeal:
    publish_files(APPEAL_PROCESS, {"limits.bpmn": lifecycle(*([script] if script else []))}, note="limits")
    db.session.commit()
    return register(world)


def _near_full(world: World) -> Appeal:
    """A case whose data is a little under its 1 MB: four answers of 250,000 characters."""
    appeal = started(world)
    complete_task(the_task(appeal, "write_notes"), world.inspector, {n: "x" * QUARTER for n in NOTES[:4]})
    return appeal


def _feedback(html: str, field: str) -> str:
    """The inline message under a form control."""
    elements = parse(html)
    control = controls(html)[field]
    after = elements[elements.index(control) :]
    found = next(e for e in after if e.tag == "div" and "invalid-feedback" in e.classes)
    return found.text.strip()


# --- a person's answer -------------------------------------------------------------------------


def test_an_answer_over_the_field_limit_is_refused_in_the_form(world: World, as_user: AsUser) -> None:
    appeal = started(world)
    task = the_task(appeal, "write_notes")
    before = case_state(appeal)
    page = post_form(as_user(world.inspector), f"/tasks/{task.id}", {"note": "x" * 300_000, "note_b": "short"})
    html = page.get_data(as_text=True)  # type: ignore[attr-defined]
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert invalid_fields(html) == {"note"}  # the field it names
    assert str(FIELD_KB) in _feedback(html, "note")  # "… larger than 256 KB", in the user's language
    assert case_state(appeal) == before  # nothing written


def test_an_answer_over_the_field_limit_is_refused_over_the_api(world: World, bearer_api: Any) -> None:
    appeal = started(world)
    task = the_task(appeal, "write_notes")
    before = case_state(appeal)
    refused = bearer_api(world.inspector)("POST", f"/tasks/{task.id}/complete", json={"note": "x" * 300_000})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == [
        {"field": "note", "code": "data.field_too_large", "message": f"This value is larger than {FIELD_KB} KB."}
    ]
    assert case_state(appeal) == before


def test_answers_over_the_case_limit_together_are_refused(world: World, bearer_api: Any) -> None:
    """Five answers each under the field limit, over the case limit together: the field where the
    case crosses its limit is named."""
    appeal = started(world)
    task = the_task(appeal, "write_notes")
    before = case_state(appeal)
    answers = {n: "x" * QUARTER for n in NOTES[:4]}
    answers["note_e"] = "ў" * (QUARTER // 2)  # two bytes a letter: 250 KB, the fifth quarter
    refused = bearer_api(world.inspector)("POST", f"/tasks/{task.id}/complete", json=answers)
    assert refused.status_code == 422
    (error,) = refused.get_json()["error"]["fields"]
    assert error == {
        "field": "note_e",
        "code": "data.too_large",
        "message": f"The case data would be larger than {CASE_KB} KB.",
    }
    assert case_state(appeal) == before


def test_an_answer_that_would_take_the_case_over_its_limit_is_refused_in_the_form(
    world: World, as_user: AsUser
) -> None:
    """The case already holds nearly 1 MB; 100,000 more characters (under the field limit) would
    take it over: a refusal at the field, not an incident."""
    appeal = _near_full(world)
    task = the_task(appeal, "add_note")
    before = case_state(appeal)
    page = post_form(as_user(world.inspector), f"/tasks/{task.id}", {"addition": "y" * 100_000})
    html = page.get_data(as_text=True)  # type: ignore[attr-defined]
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert invalid_fields(html) == {"addition"}
    assert str(CASE_KB) in _feedback(html, "addition")
    assert case_state(appeal) == before
    assert db.session.scalar(select(ProcessInstance.status).where(ProcessInstance.appeal_id == appeal.id)) != "incident"


def test_an_answer_that_would_take_the_case_over_its_limit_is_refused_over_the_api(
    world: World, bearer_api: Any
) -> None:
    appeal = _near_full(world)
    task = the_task(appeal, "add_note")
    before = case_state(appeal)
    refused = bearer_api(world.inspector)("POST", f"/tasks/{task.id}/complete", json={"addition": "y" * 100_000})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["fields"] == [
        {"field": "addition", "code": "data.too_large", "message": f"The case data would be larger than {CASE_KB} KB."}
    ]
    assert case_state(appeal) == before
    done = bearer_api(world.inspector)("POST", f"/tasks/{task.id}/complete", json={"addition": "y" * 1_000})
    assert done.status_code == 200  # what fits still goes through


# --- what a script writes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "code", "field"),
    [
        ("big = [note, note]", "data.field_too_large", "big"),  # 2 x 150,000 characters in one field
        ("c1 = note\nc2 = note\nc3 = note\nc4 = note\nc5 = note\nc6 = note", "data.too_large", None),
    ],
    ids=["field", "case"],
)
def test_data_a_script_writes_over_a_limit_is_an_incident_keeping_the_submission(
    world: World, script: str, code: str, field: str | None
) -> None:
    appeal = started(world, script)
    task = the_task(appeal, "write_notes")
    before = case_state(appeal)
    submitted = {"note": "z" * 150_000, "note_b": "kept"}
    with pytest.raises(StepFailed) as info:
        complete_task(task, world.inspector, submitted)
    failure = info.value.failure
    assert (failure.element_id, failure.code) == ("copy_notes", code)
    assert field is None or failure.params["field"] == field
    assert "field" in failure.params  # the message names where the data broke the limit
    after = case_state(appeal)
    assert after.status == before.status and after.pending == before.pending  # the task waits again
    assert after.instance_state == before.instance_state  # no half-written case
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None and (record.status, record.incident_element, record.incident_code) == (
        "incident",
        "copy_notes",
        code,
    )
    pending, kept, submitter = failed_submission(Subject("appeal", appeal.id))
    assert pending.id == task.id and submitter is not None and submitter.id == world.inspector.id
    assert kept["note"] == submitted["note"] and kept["note_b"] == "kept"  # the retry resubmits it
    incident = db.session.scalar(
        select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "incident")
    )
    assert incident is not None and incident.data["code"] == code


def test_an_unchanged_state_compares_equal(world: World) -> None:
    """case_state() sees a completion (the comparisons above cannot pass by reading nothing)."""
    appeal = started(world)
    before: CaseState = case_state(appeal)
    complete_task(the_task(appeal, "write_notes"), world.inspector, {"note": "short"})
    assert case_state(appeal) != before


def test_a_case_already_over_a_lowered_limit_names_its_own_field_above_the_form(world: World, as_user: AsUser) -> None:
    """The administrator lowered the case limit below what a running case holds: a completion is
    refused, and the message above the form names the case's field where the limit is passed."""
    appeal = _near_full(world)
    task = the_task(appeal, "add_note")
    before = case_state(appeal)
    previous = sandbox.limits()
    sandbox.configure(previous, data=DataLimits(field_bytes=FIELD_KB * 1024, case_bytes=512 * 1024))
    try:
        page = post_form(as_user(world.inspector), f"/tasks/{task.id}", {"addition": "short"})
    finally:
        sandbox.configure(previous)
    html = page.get_data(as_text=True)  # type: ignore[attr-defined]
    assert page.status_code == 200  # type: ignore[attr-defined]
    (message,) = alerts(html, "danger")
    assert "512" in message and "note_c" in message  # 3 x 250,000 passes 512 KB at the third note
    assert invalid_fields(html) == set()
    assert case_state(appeal) == before
