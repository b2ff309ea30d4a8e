"""Incidents: an engine step that fails after a task is recorded (the task stays pending, the
user's answers are kept) and retried once fixed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.supervision.conftest import Api
from tests.webapp.cases import answers, browser_form, event_kinds, parse, pending_names, register, the_task
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import StepFailed, complete_task
from webapp.casework.case_control.service import ControlRefused, retry_incident
from webapp.casework.supervision.service import incidents
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.studio.changes.service import migration_plan

ACCEPTED = "<bpmn:script>outcome = 'accepted'"


def publish_failing_version() -> None:
    """A diagram change whose script reads a variable nobody sets (after check_registration)."""
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    source = files["appeal_registration.bpmn"]
    assert ACCEPTED in source
    files["appeal_registration.bpmn"] = source.replace(ACCEPTED, ACCEPTED + "\nassert_ok = needed_value", 1)
    publish_files(APPEAL_PROCESS, files, note="broken script")
    db.session.commit()


def record_of(appeal: Appeal) -> ProcessInstance:
    db.session.expire_all()
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None
    return record


@pytest.fixture
def failed(world: World) -> Appeal:
    publish_failing_version()
    appeal = register(world)
    with pytest.raises(StepFailed):
        complete_task(the_task(appeal, "check_registration"), world.inspector, answers("check_registration"))
    return appeal


def test_failed_step_is_recorded_as_an_incident(world: World, failed: Appeal) -> None:
    record = record_of(failed)
    assert record.status == "incident"
    assert record.incident_element == "mark_accepted"
    assert "needed_value" in record.incident_error
    assert pending_names(failed) == ["check_registration"]  # the task is still waiting
    assert ("incident", "check_registration") in event_kinds(failed)
    assert ("task_completed", "check_registration") not in event_kinds(failed)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "incident"))
    assert event is not None and event.data["submitted"]["category"] == "public_safety"
    assert [line.appeal.number for line in incidents(world.supervisor)] == [failed.number]
    assert incidents(world.foreign_supervisor) == []
    assert [line.appeal.number for line in incidents(world.methodologist)] == [failed.number]


def test_retry_fails_again_without_the_fix_then_succeeds_with_corrected_data(world: World, failed: Appeal) -> None:
    with pytest.raises(StepFailed):
        retry_incident(failed, world.supervisor)
    assert record_of(failed).status == "incident"
    retry_incident(failed, world.admin, {"needed_value": 1})
    record = record_of(failed)
    assert (record.status, record.incident_error, record.incident_element) == ("running", "", None)
    assert pending_names(failed) == ["analyse_appeal"]
    completed = [kind for kind, task in event_kinds(failed) if task == "check_registration"]
    assert completed[-1] == "task_completed"
    # the completion is the original inspector's work
    event = db.session.scalar(
        select(CaseEvent).where(CaseEvent.kind == "task_completed", CaseEvent.appeal_id == failed.id)
    )
    assert event is not None and event.actor_id == world.inspector.id
    with pytest.raises(ControlRefused):
        retry_incident(failed, world.admin)


def test_console_shows_the_incident_and_retries_it(
    world: World, failed: Appeal, as_user: Callable[[User], FlaskClient]
) -> None:
    client = as_user(world.methodologist)
    page = client.get("/supervision").get_data(as_text=True)
    assert failed.number in page and "needed_value" in page and 'name="with_data"' in page
    token = csrf_token(page)
    bad = client.post(f"/supervision/cases/{failed.number}/retry", data={"csrf_token": token, "with_data": "[1]"})
    assert bad.status_code == 302
    assert record_of(failed).status == "incident"
    done = client.post(
        f"/supervision/cases/{failed.number}/retry",
        data={"csrf_token": token, "with_data": '{"needed_value": 2}'},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert record_of(failed).status == "running"
    assert failed.number not in client.get("/supervision").get_data(as_text=True)
    supervisor_page = as_user(world.supervisor).get("/supervision?tab=incidents").get_data(as_text=True)
    assert 'name="with_data"' not in supervisor_page


def test_api_completion_records_the_incident(world: World, api: Callable[[User], Api]) -> None:
    publish_failing_version()
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    response = api(world.inspector)("POST", f"/tasks/{task.id}/complete", json=answers("check_registration"))
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["message"].startswith("The case stopped at an error after this step (mark_accepted)")
    assert error["fields"] == [{"field": "", "code": "engine_step_failed", "message": UNDEFINED_NAME["en"]}]
    assert record_of(appeal).status == "incident"
    assert pending_names(appeal) == ["check_registration"]


# --- the incident as data: rendered in each reader's language -------------------------------------

UNDEFINED_NAME = {
    "ru": "Строка 2: имя needed_value не определено.",
    "en": "Line 2: the name needed_value is not defined.",
}


def _speaking(user: User, language: str) -> User:
    user.language = language
    db.session.commit()
    return user


def test_the_incident_keeps_the_engine_problem_as_code_and_params(failed: Appeal) -> None:
    record = record_of(failed)
    assert (record.incident_code, record.incident_params) == (
        "script.undefined_name",
        {"line": 2, "name": "needed_value"},
    )
    assert record.incident_error == "line 2: the name 'needed_value' is not defined"  # English, for logs
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "incident"))
    assert event is not None and (event.data["code"], event.data["params"]["name"]) == (
        "script.undefined_name",
        "needed_value",
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_console_and_case_page_show_the_incident_in_the_readers_language(
    world: World, failed: Appeal, as_user: Callable[[User], FlaskClient], language: str
) -> None:
    client = as_user(_speaking(world.methodologist, language))
    console = client.get("/supervision?tab=incidents").get_data(as_text=True)
    assert UNDEFINED_NAME[language] in console
    case = as_user(_speaking(world.supervisor, language)).get(f"/appeals/{failed.number}").get_data(as_text=True)
    assert UNDEFINED_NAME[language] in case


def test_a_failed_retry_says_why_in_the_readers_language(
    world: World, failed: Appeal, as_user: Callable[[User], FlaskClient]
) -> None:
    client = as_user(_speaking(world.methodologist, "ru"))
    token = csrf_token(client.get("/supervision?tab=incidents").get_data(as_text=True))
    page = client.post(
        f"/supervision/cases/{failed.number}/retry", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert UNDEFINED_NAME["ru"] in page


def test_an_incident_recorded_before_codes_reads_as_a_generic_problem_with_its_text(
    world: World, failed: Appeal, as_user: Callable[[User], FlaskClient]
) -> None:
    record = record_of(failed)
    record.incident_code, record.incident_params = None, None
    record.incident_error = "NameError: name 'needed_value' is not defined"
    db.session.commit()
    page = as_user(_speaking(world.methodologist, "ru")).get("/supervision?tab=incidents").get_data(as_text=True)
    assert "Движок процессов сообщил: NameError: name &#39;needed_value&#39; is not defined" in page


def test_the_task_page_says_why_the_step_failed_in_the_users_language(
    world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    publish_failing_version()
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    client = as_user(_speaking(world.inspector, "ru"))
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    posted = client.post(
        f"/tasks/{task.id}", data={"csrf_token": csrf_token(page), **browser_form(answers("check_registration"))}
    )
    assert posted.status_code == 302  # to the case page, which shows the incident
    assert posted.headers["Location"].endswith(f"/appeals/{appeal.number}")
    case_page = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert UNDEFINED_NAME["ru"] in case_page
    assert "Дело остановлено на ошибке" in case_page and "mark_accepted" in case_page
    assert record_of(appeal).status == "incident"


def test_an_appeal_in_incident_moves_to_a_corrected_version_and_the_retry_succeeds(
    world: World, failed: Appeal, as_user: Callable[[User], FlaskClient]
) -> None:
    """The way out of an incident caused by the diagram, besides cancelling: the methodologist
    publishes a corrected version, sees the case movable in the dry run, moves it, and the retry
    (with the answers kept, no corrected data) completes the task."""
    broken = record_of(failed)
    with pytest.raises(StepFailed):
        retry_incident(failed, world.supervisor)  # without a fix it fails again
    assert record_of(failed).status == "incident"

    corrected = publish_files(
        APPEAL_PROCESS, read_process_directory(current_app.config["PROCESSES_DIR"]), note="corrected"
    )
    world.methodologist.language = "en"
    db.session.commit()
    assert corrected.id != broken.process_version_id
    dry_run = [p for p in migration_plan(APPEAL_PROCESS, corrected) if p.ref == failed.number]
    assert [p.check.movable for p in dry_run] == [True]
    client = as_user(world.methodologist)
    url = f"/processes/{APPEAL_PROCESS}/migrate?to={corrected.id}"
    html = client.get(url).get_data(as_text=True)
    [row] = [e for e in parse(html) if e.tag == "tr" and e.get("data-appeal") == failed.number]
    assert row.get("data-movable") == "yes"
    assert record_of(failed).process_version_id == broken.process_version_id  # the dry run moved nothing

    moved = client.post(url, data={"csrf_token": csrf_token(html), "case": str(broken.id)}, follow_redirects=True)

    assert moved.status_code == 200 and "1 case(s) moved" in moved.get_data(as_text=True)
    record = record_of(failed)
    assert (record.process_version_id, record.status) == (corrected.id, "incident")  # moved, still to retry
    assert pending_names(failed) == ["check_registration"]
    console = client.get("/supervision?tab=incidents").get_data(as_text=True)
    retried = client.post(
        f"/supervision/cases/{failed.number}/retry", data={"csrf_token": csrf_token(console)}, follow_redirects=True
    )
    assert retried.status_code == 200 and "The case runs again." in retried.get_data(as_text=True)
    record = record_of(failed)
    assert (record.status, record.incident_element, record.process_version_id) == ("running", None, corrected.id)
    assert pending_names(failed) == ["analyse_appeal"]
    completed = db.session.scalar(
        select(CaseEvent).where(CaseEvent.kind == "task_completed", CaseEvent.task_name == "check_registration")
    )
    assert completed is not None and completed.actor_id == world.inspector.id  # the inspector's own answers
    assert completed.data["category"] == "public_safety"
    with pytest.raises(ControlRefused):
        retry_incident(failed, world.admin)
    assert failed.number not in client.get("/supervision?tab=incidents").get_data(as_text=True)
