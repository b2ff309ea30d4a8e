"""The inbox filters and orders, the task page's assignment box, team tasks, absences, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.assignment.conftest import assignee_of, fresh
from tests.conftest import World, csrf_token
from tests.webapp.cases import answers, browser_form, case_state, register, the_task
from webapp.cases.assignment import service
from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def task_links(html: str) -> list[str]:
    """Task ids linked from the inbox table, in order (the phone list repeats them)."""
    ids: list[str] = []
    for part in html.split('href="/tasks/')[1:]:
        task_id = part.split('"', 1)[0]
        if task_id not in ids and len(task_id) == 36:
            ids.append(task_id)
    return ids


def three_tasks(world: World, colleague: User) -> tuple[PendingTask, PendingTask, PendingTask]:
    """Mine (inspector1), the colleague's, and an unassigned one, all in M1."""
    tasks = [the_task(register(world), "check_registration") for _ in range(3)]
    for task in tasks:
        holder = db.session.get(User, fresh(task).assignee_id)
        if holder is not None:
            service.unclaim(holder, fresh(task))
    service.claim(world.inspector, fresh(tasks[0]))
    service.claim(colleague, fresh(tasks[1]))
    return tasks[0], tasks[1], tasks[2]


def test_inbox_filters_mine_unassigned_and_all(as_user: AsUser, world: World, colleague: User) -> None:
    mine, theirs, free = three_tasks(world, colleague)
    client = as_user(world.inspector)

    assert task_links(client.get("/tasks?show=mine").get_data(as_text=True)) == [mine.id]
    assert task_links(client.get("/tasks?show=unassigned").get_data(as_text=True)) == [free.id]
    page = client.get("/tasks?show=all").get_data(as_text=True)
    assert sorted(task_links(page)) == sorted([mine.id, theirs.id, free.id])
    assert "Inspector1B" in page  # the colleague's name is shown as assignee
    assert sorted(task_links(client.get("/tasks").get_data(as_text=True))) == sorted(task_links(page))
    assert client.get("/tasks?show=bogus").status_code == 400


def test_inbox_sorts_by_follow_up_date(as_user: AsUser, world: World, colleague: User) -> None:
    first, second, third = (the_task(register(world), "check_registration") for _ in range(3))
    for task in (first, second, third):
        holder = db.session.get(User, fresh(task).assignee_id)
        if holder is not None and holder.id != world.inspector.id:
            service.unclaim(holder, fresh(task))
            service.claim(world.inspector, fresh(task))
    today = local_today()
    service.set_follow_up(world.inspector, fresh(first), today + dt.timedelta(days=9))
    service.set_follow_up(world.inspector, fresh(third), today + dt.timedelta(days=2))

    html = as_user(world.inspector).get("/tasks?show=mine&sort=follow_up").get_data(as_text=True)

    assert task_links(html) == [third.id, first.id, second.id]


def test_task_page_claim_and_hand_back_with_csrf(as_user: AsUser, world: World, colleague: User) -> None:
    _mine, _theirs, free = three_tasks(world, colleague)
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{free.id}").get_data(as_text=True)
    assert "Claim" in page or "Olish" in page or f"/tasks/{free.id}/claim" in page

    assert client.post(f"/tasks/{free.id}/claim").status_code == 400  # no CSRF token
    assert assignee_of(free) is None
    response = client.post(f"/tasks/{free.id}/claim", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert assignee_of(free) == "inspector1"

    page = client.get(f"/tasks/{free.id}").get_data(as_text=True)
    assert f"/tasks/{free.id}/unclaim" in page
    client.post(f"/tasks/{free.id}/unclaim", data={"csrf_token": csrf_token(page)})
    assert assignee_of(free) is None


def test_completing_a_held_task_on_the_page_is_refused_with_a_warning(
    as_user: AsUser, world: World, colleague: User
) -> None:
    _mine, theirs, _free = three_tasks(world, colleague)
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{theirs.id}").get_data(as_text=True)
    assert "held-warning" in page
    before = case_state(theirs.appeal)

    data = {"csrf_token": csrf_token(page), **browser_form(answers("check_registration"))}
    response = client.post(f"/tasks/{theirs.id}", data=data, follow_redirects=True)

    assert response.status_code == 200
    assert "alert-warning" in response.get_data(as_text=True)
    assert case_state(theirs.appeal) == before


def test_delegate_and_follow_up_on_the_task_page(as_user: AsUser, world: World, colleague: User) -> None:
    mine, _theirs, _free = three_tasks(world, colleague)
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{mine.id}").get_data(as_text=True)

    response = client.post(
        f"/tasks/{mine.id}/follow-up",
        data={"follow-csrf_token": csrf_token(page), "follow-follow_up": "2026-12-01"},
    )
    assert response.status_code == 302
    assert fresh(mine).follow_up_date == dt.date(2026, 12, 1)

    page = client.get(f"/tasks/{mine.id}").get_data(as_text=True)
    assert 'name="delegate-user"' in page and "Inspector1B" in page
    client.post(
        f"/tasks/{mine.id}/delegate", data={"delegate-csrf_token": csrf_token(page), "delegate-user": colleague.id}
    )
    assert assignee_of(mine) == "inspector1b"


def test_supervisor_bulk_reassigns_on_the_team_page(as_user: AsUser, world: World, colleague: User) -> None:
    mine, theirs, free = three_tasks(world, colleague)
    client = as_user(world.supervisor)
    page = client.get("/team").get_data(as_text=True)
    assert all(t.id in page for t in (mine, theirs, free))
    token = csrf_token(page)

    refused = client.post(
        "/team", data={"csrf_token": token, "tasks": [mine.id, free.id], "user": world.supervisor.id, "reason": ""}
    )
    assert refused.status_code == 200
    assert "is-invalid" in refused.get_data(as_text=True)
    assert (assignee_of(mine), assignee_of(free)) == ("inspector1", None)

    done = client.post(
        "/team", data={"csrf_token": token, "tasks": [mine.id, free.id], "user": colleague.id, "reason": "ta'til"}
    )
    assert done.status_code == 302
    assert (assignee_of(mine), assignee_of(free)) == ("inspector1b", "inspector1b")
    assert as_user(world.inspector).get("/team").status_code == 403


def test_absences_page_records_an_absence_and_flags_tasks(as_user: AsUser, world: World, colleague: User) -> None:
    mine, _theirs, _free = three_tasks(world, colleague)
    client = as_user(world.supervisor)
    page = client.get("/absences").get_data(as_text=True)
    today = local_today().isoformat()

    bad = client.post(
        "/absences",
        data={"csrf_token": csrf_token(page), "user": world.inspector.id, "starts_on": today, "ends_on": "2000-01-01"},
    )
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    assert fresh(mine).needs_reassignment is False

    good = client.post(
        "/absences",
        data={
            "csrf_token": csrf_token(page),
            "user": world.inspector.id,
            "starts_on": today,
            "ends_on": today,
            "reason": "ta'til",
        },
    )
    assert good.status_code == 302
    assert fresh(mine).needs_reassignment is True
    assert "Inspector1" in client.get("/absences").get_data(as_text=True)


def test_the_bell_counts_unread_notifications_and_the_page_marks_them_read(
    as_user: AsUser, world: World, colleague: User
) -> None:
    register(world)
    register(world)  # one each, balanced between the two inspectors of M1
    client = as_user(colleague)

    assert 'notification-count">1<' in client.get("/tasks").get_data(as_text=True)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("notification-unread") == 1
    assert "notification-count" not in client.get("/tasks").get_data(as_text=True)
    assert client.get("/notifications").get_data(as_text=True).count("notification-unread") == 0
