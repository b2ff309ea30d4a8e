"""The month-end story over the API: inspector1 is away, inspector2 covers, then the cover ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from tests.conftest import World
from tests.webapp.cases import answers, register, the_task
from tests.webapp.conftest import Api
from webapp.cases.cover.service import run_covers
from webapp.cases.models import CaseEvent, PendingTask
from webapp.extensions import db
from webapp.platform.statements import built_for_users_count, forget_built
from webapp.platform.timeutil import local_today

ApiFor = Callable[..., Api]


def body(user: str = "inspector1", substitute: str = "inspector2", **extra: Any) -> dict[str, Any]:
    return {
        "user": user,
        "from": local_today().isoformat(),
        "to": (local_today() + dt.timedelta(days=6)).isoformat(),
        "substitute": substitute,
        "reason": "ta'til",
        **extra,
    }


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return [f["field"] for f in response.get_json()["error"]["fields"]]


def holder(task_id: str) -> str | None:
    db.session.expire_all()
    task = db.session.get(PendingTask, task_id)
    return task.assignee.username if task and task.assignee else None


def test_month_end_story(api: ApiFor, world: World) -> None:
    first, second = register(world), register(world)
    task1, task2 = the_task(first, "check_registration"), the_task(second, "check_registration")
    assert holder(task1.id) == "inspector1"
    inspector2 = api(world.inspector2)
    assert inspector2("GET", f"/appeals/{first.number}").status_code == 404

    created = api(world.supervisor)("POST", "/absences", json=body())

    assert created.status_code == 201, created.get_data(as_text=True)
    out = created.get_json()
    assert out["user"] == "inspector1" and out["substitute"] == "inspector2" and out["tasks_moved"] == 2
    assert {holder(task1.id), holder(task2.id)} == {"inspector2"}
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == task1.id, CaseEvent.kind == "reassigned"))
    assert event is not None and event.data["reason"].startswith("cover:") and event.data["previous"] == "inspector1"
    # The substitute sees the case and completes a task of it.
    assert inspector2("GET", f"/appeals/{first.number}").status_code == 200
    done = inspector2("POST", f"/tasks/{task1.id}/complete", json=answers("check_registration"))
    assert done.status_code == 200, done.get_data(as_text=True)
    # A new appeal of the absent inspector's mahalla goes to the substitute.
    third = register(world, actor=world.supervisor)
    assert holder(the_task(third, "check_registration").id) == "inspector2"
    listed = api(world.supervisor)("GET", "/absences?district=D1").get_json()["absences"]
    assert [a["id"] for a in listed] == [out["id"]]

    ended = api(world.supervisor)("DELETE", f"/absences/{out['id']}")

    assert ended.status_code == 200 and ended.get_json()["tasks_returned"] >= 2
    assert holder(task2.id) == "inspector1"
    assert holder(the_task(third, "check_registration").id) == "inspector1"
    for appeal in (first, second, third):
        assert inspector2("GET", f"/appeals/{appeal.number}").status_code == 404
    assert api(world.supervisor)("DELETE", f"/absences/{out['id']}").status_code == 409


def test_refusals_name_the_field(api: ApiFor, world: World) -> None:
    supervisor = api(world.supervisor)
    assert fields_of(supervisor("POST", "/absences", json=body(user="nobody"))) == ["user"]
    assert fields_of(supervisor("POST", "/absences", json=body(user="inspector3"))) == ["user"]
    assert fields_of(supervisor("POST", "/absences", json=body(substitute="inspector3"))) == ["substitute"]
    assert fields_of(supervisor("POST", "/absences", json=body(substitute="supervisor"))) == ["substitute"]
    assert fields_of(supervisor("POST", "/absences", json=body(user="supervisor"))) == ["user"]
    before = (local_today() - dt.timedelta(days=1)).isoformat()
    assert fields_of(supervisor("POST", "/absences", json=body(to=before))) == ["to"]
    assert fields_of(supervisor("POST", "/absences", json=body(**{"from": "2026-13-01"}))) == ["from"]
    assert supervisor("POST", "/absences", json=body()).status_code == 201
    assert fields_of(supervisor("POST", "/absences", json=body())) == ["from"]
    for user in (world.inspector, world.methodologist):
        assert api(user)("POST", "/absences", json=body()).status_code == 403
    assert api(world.foreign_supervisor)("GET", "/absences").get_json() == {"absences": []}


def test_a_future_cover_moves_tasks_when_it_starts_and_gives_them_back_after(api: ApiFor, world: World) -> None:
    task = the_task(register(world), "check_registration")
    start = local_today() + dt.timedelta(days=2)
    created = api(world.supervisor)(
        "POST", "/absences", json=body(**{"from": start.isoformat(), "to": (start + dt.timedelta(days=1)).isoformat()})
    )
    assert created.get_json()["tasks_moved"] == 0
    assert holder(task.id) == "inspector1"

    assert run_covers(start) == {"moved": 1, "returned": 0}
    assert holder(task.id) == "inspector2"
    assert run_covers(start) == {"moved": 0, "returned": 0}  # idempotent

    assert run_covers(start + dt.timedelta(days=2)) == {"moved": 0, "returned": 1}
    assert holder(task.id) == "inspector1"


def test_a_task_reassigned_during_the_cover_stays_where_the_supervisor_put_it(api: ApiFor, world: World) -> None:
    task = the_task(register(world), "check_registration")
    absence = api(world.supervisor)("POST", "/absences", json=body()).get_json()
    supervisor = api(world.supervisor)
    # The supervisor takes the inspector task themself (with a reason), sees it in their inbox...
    assert fields_of(supervisor("POST", f"/tasks/{task.id}/take", json={"reason": ""})) == ["reason"]
    taken = supervisor("POST", f"/tasks/{task.id}/take", json={"reason": "o'zim"})
    assert taken.status_code == 200 and holder(task.id) == "supervisor"
    assert task.id in [t["id"] for t in supervisor("GET", "/tasks").get_json()["tasks"]]
    assert api(world.foreign_supervisor)("POST", f"/tasks/{task.id}/take", json={"reason": "x"}).status_code == 404
    assert api(world.inspector2)("POST", f"/tasks/{task.id}/take", json={"reason": "x"}).status_code == 403
    # ...but cannot hand an inspector task to another supervisor.
    other = supervisor("POST", f"/tasks/{task.id}/assign", json={"user": "cityhead", "reason": "siz"})
    assert fields_of(other) == ["user"]
    supervisor("POST", f"/tasks/{task.id}/assign", json={"user": "inspector1", "reason": "qaytdi"})

    returned = api(world.supervisor)("DELETE", f"/absences/{absence['id']}").get_json()

    assert returned == {"tasks_returned": 0}
    assert holder(task.id) == "inspector1"


def test_bulk_reassignment_offers_any_inspector_of_the_district_with_a_warning(api: ApiFor, world: World) -> None:
    task = the_task(register(world), "check_registration")

    given = api(world.supervisor)("POST", f"/tasks/{task.id}/assign", json={"user": "inspector2", "reason": "yordam"})

    assert given.status_code == 200 and holder(task.id) == "inspector2"
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == task.id, CaseEvent.kind == "reassigned"))
    assert event is not None and event.data["warning"] == "not_serving" and event.data["reason"] == "yordam"
    # inspector2 does not serve M1 but works the task given to them (and its case).
    assert api(world.inspector2)("GET", f"/appeals/{task.appeal.number}").status_code == 200


def test_a_users_hot_statements_are_built_once_and_follow_the_covers_as_they_change(api: ApiFor, world: World) -> None:
    """The statements of a case's tasks (the API's next step, asked after every completion) and of
    a completion's lookup are kept per user and day; the covers and mahallas in them are read when
    they run, not when they were built."""
    first, second = register(world), register(world)
    task, other = the_task(first, "check_registration"), the_task(second, "check_registration")
    inspector2 = api(world.inspector2)

    def listed(number: str) -> list[str]:
        response = inspector2("GET", f"/tasks?appeal={number}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [t["id"] for t in response.get_json()["tasks"]]

    def completed(task_id: str) -> int:
        return inspector2("POST", f"/tasks/{task_id}/complete", json=answers("check_registration")).status_code

    forget_built()
    before = built_for_users_count()
    assert listed(first.number) == []
    assert built_for_users_count() == before + 1  # built once …
    assert listed(second.number) == [] and built_for_users_count() == before + 1  # … and used for every case
    assert completed(other.id) == 404
    built = built_for_users_count()
    assert built == before + 2

    created = api(world.supervisor)("POST", "/absences", json=body())
    assert created.status_code == 201, created.get_data(as_text=True)
    assert listed(first.number) == [task.id]  # the cover counts from the moment it runs
    assert completed(other.id) == 200
    assert built_for_users_count() == built

    assert api(world.supervisor)("DELETE", f"/absences/{created.get_json()['id']}").status_code == 200
    assert listed(first.number) == []
    assert completed(task.id) == 404
    assert api(world.inspector)("GET", f"/tasks?appeal={first.number}").get_json()["tasks"][0]["id"] == task.id
