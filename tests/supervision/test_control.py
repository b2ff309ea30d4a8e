"""Suspend, resume and cancel a case with a reason; a suspended case's tasks cannot be completed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.supervision.conftest import Api
from tests.webapp.cases import answers, appeal_by_number, case_state, event_kinds, register, the_task
from webapp.cases.models import ProcessInstance
from webapp.casework.appeals.runtime import CaseNotRunning, complete_task
from webapp.casework.case_control.service import ControlRefused, change_status
from webapp.extensions import db
from webapp.platform.auth.models import User


def status_of(number: str) -> tuple[str, str]:
    db.session.expire_all()
    appeal = appeal_by_number(number)
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None
    return record.status, record.status_reason


def test_suspend_resume_cancel_through_the_api(world: World, api: Callable[[User], Api]) -> None:
    appeal = register(world)
    call = api(world.supervisor)
    response = call("POST", f"/appeals/{appeal.number}/suspend", json={"reason": "Awaiting the court decision"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["case_status"] == "suspended"
    assert status_of(appeal.number) == ("suspended", "Awaiting the court decision")
    # suspending twice is not a transition
    again = call("POST", f"/appeals/{appeal.number}/suspend", json={"reason": "again"})
    assert again.status_code == 409
    assert call("POST", f"/appeals/{appeal.number}/resume", json={"reason": "Decision received"}).status_code == 200
    assert status_of(appeal.number) == ("running", "Decision received")
    assert call("POST", f"/appeals/{appeal.number}/resume", json={"reason": "x"}).status_code == 409
    cancelled = call("POST", f"/appeals/{appeal.number}/cancel", json={"reason": "Registered twice by mistake"})
    assert cancelled.status_code == 200
    body = cancelled.get_json()
    assert (body["case_status"], body["status"], body["is_open"]) == ("cancelled", "cancelled", False)
    assert case_state(appeal).pending == ()
    kinds = [kind for kind, _task in event_kinds(appeal)]
    assert kinds[-3:] == ["suspended", "resumed", "cancelled"]
    for action in ("suspend", "resume", "cancel"):
        assert call("POST", f"/appeals/{appeal.number}/{action}", json={"reason": "late"}).status_code == 409


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x" * 1001}])
def test_missing_reason_is_422_and_changes_nothing(world: World, api: Callable[[User], Api], body: dict) -> None:
    appeal = register(world)
    before = case_state(appeal)
    response = api(world.supervisor)("POST", f"/appeals/{appeal.number}/suspend", json=body)
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["reason"]
    assert case_state(appeal) == before
    assert status_of(appeal.number)[0] == "running"


def test_control_api_codes_for_other_users(world: World, api: Callable[[User], Api]) -> None:
    appeal = register(world)
    reason = {"reason": "check"}
    assert api(world.inspector)("POST", f"/appeals/{appeal.number}/suspend", json=reason).status_code == 403
    assert api(world.foreign_supervisor)("POST", f"/appeals/{appeal.number}/suspend", json=reason).status_code == 404
    assert api(world.supervisor)("POST", "/appeals/2026-999999/suspend", json=reason).status_code == 404
    assert api(world.region_supervisor)("POST", f"/appeals/{appeal.number}/suspend", json=reason).status_code == 200


def test_completing_a_suspended_cases_task_is_409_and_changes_nothing(world: World, api: Callable[[User], Api]) -> None:
    appeal = register(world)
    change_status(appeal, world.supervisor, "suspend", "Waiting for documents")
    task = the_task(appeal, "check_registration")
    before = case_state(appeal)
    response = api(world.inspector)("POST", f"/tasks/{task.id}/complete", json=answers("check_registration"))
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert message == "This case is suspended: its tasks cannot be completed until a supervisor resumes it."
    assert case_state(appeal) == before
    with pytest.raises(CaseNotRunning):
        complete_task(the_task(appeal, "check_registration"), world.inspector, answers("check_registration"))
    assert case_state(appeal) == before
    change_status(appeal, world.supervisor, "resume", "Documents received")
    complete_task(the_task(appeal, "check_registration"), world.inspector, answers("check_registration"))
    assert case_state(appeal).pending != before.pending


def test_the_task_page_warns_and_refuses_for_a_suspended_case(
    world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    appeal = register(world)
    change_status(appeal, world.supervisor, "suspend", "Waiting for documents")
    task = the_task(appeal, "check_registration")
    client = as_user(world.inspector)
    inbox = client.get("/tasks").get_data(as_text=True)
    assert "task-mark" in inbox
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "case-not-running" in page
    before = case_state(appeal)
    data = {"csrf_token": csrf_token(page), "kind": "ariza", "category": "public_safety", "urgency": "normal"}
    response = client.post(f"/tasks/{task.id}", data={**data, "within_competence": "y"})
    assert response.status_code == 302  # back to the case page, saying why
    assert response.headers["Location"].endswith(f"/appeals/{appeal.number}")
    case_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bu ish toʻxtatib turilgan: rahbar uni davom ettirmaguncha vazifalarini bajarib boʻlmaydi." in case_page
    assert case_state(appeal) == before


def test_case_page_buttons_suspend_and_resume(world: World, as_user: Callable[[User], FlaskClient]) -> None:
    appeal = register(world)
    client = as_user(world.supervisor)
    page = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert f"/supervision/cases/{appeal.number}/suspend" in page
    assert f"/supervision/cases/{appeal.number}/resume" not in page
    token = csrf_token(page)
    empty = client.post(f"/supervision/cases/{appeal.number}/suspend", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 302
    assert status_of(appeal.number)[0] == "running"
    done = client.post(
        f"/supervision/cases/{appeal.number}/suspend", data={"csrf_token": token, "reason": "Court hearing"}
    )
    assert done.status_code == 302
    assert status_of(appeal.number) == ("suspended", "Court hearing")
    page = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert f"/supervision/cases/{appeal.number}/resume" in page and "Court hearing" in page
    # inspectors see the status but get no buttons, and may not post
    inspector = as_user(world.inspector)
    inspector_page = inspector.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert "case-status-suspended" in inspector_page and "/resume" not in inspector_page
    own_token = csrf_token(inspector_page)
    refused = inspector.post(
        f"/supervision/cases/{appeal.number}/resume", data={"csrf_token": own_token, "reason": "x"}
    )
    assert refused.status_code == 403
    foreign = as_user(world.foreign_supervisor)
    foreign_token = csrf_token(foreign.get("/supervision").get_data(as_text=True))
    response = foreign.post(
        f"/supervision/cases/{appeal.number}/resume", data={"csrf_token": foreign_token, "reason": "x"}
    )
    assert response.status_code == 404
    assert status_of(appeal.number)[0] == "suspended"


def test_closed_case_cannot_be_controlled(world: World) -> None:
    appeal = register(world)
    change_status(appeal, world.supervisor, "cancel", "Duplicate")
    with pytest.raises(ControlRefused) as refused:
        change_status(appeal, world.supervisor, "suspend", "late")
    assert refused.value.code == "not_allowed"
