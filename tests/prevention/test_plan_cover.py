"""Absences with a substitute for prevention plans: the cover moves the absent inspector's plan tasks
to the substitute, gives a plan task born during the cover to the substitute too, lets the substitute
open them (the task page and the plan) only while covering, and gives them back when it ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import PLAN_ANSWERS, person_input, step, the_task
from tests.webapp.cases import browser_form
from webapp.cases.cover.service import run_covers
from webapp.cases.models import CaseEvent, PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson
from webapp.prevention.registry.plans import open_plan
from webapp.prevention.registry.service import register_person

Api = Callable[..., Any]
AsUser = Callable[[User], FlaskClient]


def holder(task_id: str) -> str | None:
    db.session.expire_all()
    task = db.session.get(PendingTask, task_id)
    return task.assignee.username if task and task.assignee else None


def absence(start: dt.date, days: int = 6) -> dict[str, Any]:
    return {
        "user": "inspector1",
        "from": start.isoformat(),
        "to": (start + dt.timedelta(days=days)).isoformat(),
        "substitute": "inspector2",
        "reason": "ta'til",
    }


def second_plan(world: World) -> PreventionPlan:
    other = register_person(
        person_input(world, full_name="Toshev Anvar Ilhomovich", passport="AC7654321"), world.inspector
    )
    return open_plan(other, world.inspector)


def submit_page(client: FlaskClient, task: PendingTask, answers: dict[str, Any]) -> Any:
    url = f"/prevention/tasks/{task.id}"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **browser_form(answers)})


def test_a_cover_moves_plan_tasks_to_the_substitute_and_gives_them_back(
    world: World, person: SupervisedPerson, bearer_api: Callable[[User], Api], as_user: AsUser
) -> None:
    waiting = open_plan(person, world.inspector)  # its draft waits through the whole cover
    worked = second_plan(world)  # the substitute drafts it, the supervisor approves: a check-in is born
    draft, other_draft = the_task(waiting), the_task(worked)
    substitute, absent = as_user(world.inspector2), as_user(world.inspector)
    assert substitute.get(f"/prevention/tasks/{draft.id}").status_code == 404
    assert substitute.get(f"/prevention/plans/{waiting.id}").status_code == 404

    created = bearer_api(world.supervisor)("POST", "/absences", json=absence(local_today()))

    assert created.status_code == 201, created.get_data(as_text=True)
    cover = created.get_json()
    assert cover["tasks_moved"] == 2
    assert {holder(draft.id), holder(other_draft.id)} == {"inspector2"}
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == draft.id, CaseEvent.kind == "reassigned"))
    assert event is not None and (event.subject_kind, event.subject_id) == ("prevention_plan", waiting.id)
    assert event.data["reason"].startswith("cover:") and event.data["previous"] == "inspector1"
    # The substitute sees the plan tasks in the inbox, opens them and the plan, and drafts one.
    inbox = bearer_api(world.inspector2)("GET", "/tasks").get_json()["tasks"]
    assert {draft.id, other_draft.id} <= {t["id"] for t in inbox}
    assert substitute.get(f"/prevention/tasks/{draft.id}").status_code == 200
    assert substitute.get(f"/prevention/plans/{waiting.id}").status_code == 200
    assert absent.get(f"/prevention/tasks/{draft.id}").status_code == 404  # not theirs while away
    drafted = submit_page(substitute, other_draft, PLAN_ANSWERS["draft_plan"])
    assert drafted.status_code == 302, drafted.get_data(as_text=True)
    completed = db.session.scalar(
        select(CaseEvent).where(CaseEvent.task_id == other_draft.id, CaseEvent.kind == "task_completed")
    )
    assert completed is not None and completed.actor_id == world.inspector2.id
    step(worked, world, "approve_plan")
    checkin = the_task(worked)
    assert checkin.name == "monthly_checkin"
    assert holder(checkin.id) == "inspector2"  # born during the cover: the substitute's, not the absent's

    ended = bearer_api(world.supervisor)("DELETE", f"/absences/{cover['id']}")

    assert ended.status_code == 200 and ended.get_json() == {"tasks_returned": 2}
    assert holder(draft.id) == "inspector1" and holder(checkin.id) == "inspector1"
    for task in (draft, checkin):
        assert substitute.get(f"/prevention/tasks/{task.id}").status_code == 404
    assert substitute.get(f"/prevention/plans/{waiting.id}").status_code == 404
    assert absent.get(f"/prevention/tasks/{draft.id}").status_code == 200


def test_a_future_cover_moves_plan_tasks_on_its_first_day_and_back_after_its_last(
    world: World, person: SupervisedPerson, bearer_api: Callable[[User], Api]
) -> None:
    task = the_task(open_plan(person, world.inspector))
    start = local_today() + dt.timedelta(days=2)
    created = bearer_api(world.supervisor)("POST", "/absences", json=absence(start, days=1))
    assert created.get_json()["tasks_moved"] == 0 and holder(task.id) == "inspector1"

    assert run_covers(start) == {"moved": 1, "returned": 0}
    assert holder(task.id) == "inspector2"
    assert run_covers(start + dt.timedelta(days=2)) == {"moved": 0, "returned": 1}
    assert holder(task.id) == "inspector1"
