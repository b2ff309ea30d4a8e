"""The month-end story in the web pages: /absences with a substitute, /team taking a task, ending the cover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World, csrf_token
from tests.webapp.cases import register, the_task
from webapp.cases.models import PendingTask, UserAbsence
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def holder(task_id: str) -> str | None:
    db.session.expire_all()
    task = db.session.get(PendingTask, task_id)
    return task.assignee.username if task and task.assignee else None


def test_supervisor_records_a_cover_and_ends_it_in_the_browser_forms(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    client = as_user(world.supervisor)
    page = client.get("/absences").get_data(as_text=True)
    assert "Inspector2 (inspector2)" in page
    today = local_today().isoformat()
    form = {"csrf_token": csrf_token(page), "user": world.inspector.id, "kind": "sick", "starts_on": today}

    bad = client.post("/absences", data={**form, "ends_on": today, "substitute": world.inspector.id})
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    done = client.post(
        "/absences",
        data={
            **form,
            "ends_on": (local_today() + dt.timedelta(days=3)).isoformat(),
            "substitute": world.inspector2.id,
            "return_tasks": "y",
        },
    )
    assert done.status_code == 302
    assert holder(task.id) == "inspector2"
    substitute = as_user(world.inspector2)
    assert substitute.get(f"/tasks/{task.id}").status_code == 200
    assert substitute.get(f"/appeals/{appeal.number}").status_code == 200

    absence = db.session.query(UserAbsence).one()
    listing = client.get("/absences").get_data(as_text=True)
    assert "Inspector2" in listing and f"/absences/{absence.id}/end" in listing
    foreign = as_user(world.foreign_supervisor)
    foreign_token = csrf_token(foreign.get("/absences").get_data(as_text=True))
    assert foreign.post(f"/absences/{absence.id}/end", data={"csrf_token": foreign_token}).status_code == 404
    ended = client.post(f"/absences/{absence.id}/end", data={"csrf_token": csrf_token(listing)})
    assert ended.status_code == 302
    assert holder(task.id) == "inspector1"
    assert substitute.get(f"/tasks/{task.id}").status_code == 404
    assert substitute.get(f"/appeals/{appeal.number}").status_code == 404


def test_the_team_page_lets_the_supervisor_take_an_inspector_task(as_user: AsUser, world: World) -> None:
    task = the_task(register(world), "check_registration")
    client = as_user(world.supervisor)
    page = client.get("/team").get_data(as_text=True)

    taken = client.post(
        "/team",
        data={"csrf_token": csrf_token(page), "tasks": [task.id], "user": world.supervisor.id, "reason": "yo'q"},
    )

    assert taken.status_code == 302
    assert holder(task.id) == "supervisor"
    assert client.get(f"/tasks/{task.id}").status_code == 200


def test_the_team_page_warns_when_the_new_assignee_does_not_serve_the_mahalla(as_user: AsUser, world: World) -> None:
    task = the_task(register(world), "check_registration")
    client = as_user(world.supervisor)
    page = client.get("/team").get_data(as_text=True)

    moved = client.post(
        "/team",
        data={"csrf_token": csrf_token(page), "tasks": [task.id], "user": world.inspector2.id, "reason": "yordam"},
        follow_redirects=True,
    )

    assert holder(task.id) == "inspector2"
    assert "alert-warning" in moved.get_data(as_text=True)
