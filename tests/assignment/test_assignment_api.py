"""POST /api/v1/tasks/<id>/assign, /claim, /unclaim; completing a held task; the inbox's assignee."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.assignment.conftest import Api, assignee_of, assignment_events, fresh
from tests.conftest import World
from tests.webapp.cases import UNKNOWN_TASK_ID, answers, case_state, register, the_task
from webapp.api.schemas import ErrorOut
from webapp.cases.models import PendingTask
from webapp.platform.auth.models import User

ApiFor = Callable[[User], Api]


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    ErrorOut.model_validate(body)
    return dict(body["error"])


def registered_task(world: World) -> PendingTask:
    return the_task(register(world), "check_registration")  # assigned to inspector1


def test_supervisor_assigns_a_task_of_their_territory(api: ApiFor, world: World, colleague: User) -> None:
    task = registered_task(world)

    response = api(world.supervisor)(
        "POST", f"/tasks/{task.id}/assign", json={"user": "inspector1b", "reason": "ish ko'p"}
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {
        "task_id": task.id,
        "assignee": {"username": "inspector1b", "full_name": "Inspector1B"},
    }
    assert assignee_of(task) == "inspector1b"
    assert assignment_events(task.appeal_id)[-1][0] == "reassigned"


def test_assign_by_anyone_but_a_supervisor_is_403_and_other_territory_404(
    api: ApiFor, world: World, colleague: User
) -> None:
    task = registered_task(world)
    body = {"user": "inspector1b", "reason": "ish ko'p"}

    for user in (world.inspector, world.admin, world.methodologist):
        error_of(api(user)("POST", f"/tasks/{task.id}/assign", json=body), 403)
    error_of(api(world.foreign_supervisor)("POST", f"/tasks/{task.id}/assign", json=body), 404)
    error_of(api(world.supervisor)("POST", f"/tasks/{UNKNOWN_TASK_ID}/assign", json=body), 404)
    assert assignee_of(task) == "inspector1"


def test_assign_to_the_wrong_role_or_territory_is_422_naming_it_and_changes_nothing(api: ApiFor, world: World) -> None:
    task = registered_task(world)
    before = case_state(task.appeal)
    call = api(world.supervisor)

    for username, code in (
        ("supervisor", "wrong_role"),
        ("inspector3", "wrong_territory"),  # an inspector of another district
        ("nobody", "unknown_user"),
    ):
        fields = error_of(call("POST", f"/tasks/{task.id}/assign", json={"user": username, "reason": "x"}), 422)[
            "fields"
        ]
        assert [(f["field"], f["code"]) for f in fields] == [("user", code)]
    fields = error_of(call("POST", f"/tasks/{task.id}/assign", json={"user": "inspector1"}), 422)["fields"]
    assert [f["field"] for f in fields] == ["reason"]
    error_of(call("POST", f"/tasks/{task.id}/assign", data="nope", content_type="text/plain"), 400)
    assert case_state(task.appeal) == before
    assert assignee_of(task) == "inspector1"


def test_claim_unclaim_and_claiming_a_held_task_is_409(api: ApiFor, world: World, colleague: User) -> None:
    task = registered_task(world)
    holder, other = api(world.inspector), api(colleague)

    message = error_of(other("POST", f"/tasks/{task.id}/claim"), 409)["message"]
    assert "holds" in message
    assert assignee_of(task) == "inspector1"
    error_of(other("POST", f"/tasks/{task.id}/unclaim"), 409)
    error_of(api(world.inspector2)("POST", f"/tasks/{task.id}/claim"), 404)  # not their mahalla

    assert holder("POST", f"/tasks/{task.id}/unclaim").get_json() == {"task_id": task.id, "assignee": None}
    claimed = other("POST", f"/tasks/{task.id}/claim")
    assert claimed.status_code == 200
    assert claimed.get_json()["assignee"]["username"] == "inspector1b"
    assert fresh(task).assignee_id == colleague.id


def test_completing_a_task_someone_else_holds_is_409_and_changes_nothing(
    api: ApiFor, world: World, colleague: User
) -> None:
    task = registered_task(world)
    before = case_state(task.appeal)

    response = api(colleague)("POST", f"/tasks/{task.id}/complete", json=answers("check_registration"))

    assert "holds" in error_of(response, 409)["message"]
    assert case_state(task.appeal) == before
    assert (
        api(world.inspector)("POST", f"/tasks/{task.id}/complete", json=answers("check_registration")).status_code
        == 200
    )


def test_the_inbox_shows_the_assignee(api: ApiFor, world: World, colleague: User) -> None:
    task = registered_task(world)
    api(world.inspector)("POST", f"/tasks/{task.id}/unclaim")
    second = registered_task(world)

    listed = {t["id"]: t["assignee"] for t in api(colleague)("GET", "/tasks").get_json()["tasks"]}

    assert listed[task.id] is None
    assert listed[second.id] == {"username": assignee_of(second), "full_name": fresh(second).assignee.full_name}


def test_the_openapi_document_describes_the_assignment_endpoints(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert {
        "/api/v1/tasks/{task_id}/assign",
        "/api/v1/tasks/{task_id}/claim",
        "/api/v1/tasks/{task_id}/unclaim",
    } <= set(paths)
    assign = paths["/api/v1/tasks/{task_id}/assign"]["post"]
    assert set(assign["responses"]) == {"200", "400", "403", "404", "422"}
    assert assign["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AssignIn")
