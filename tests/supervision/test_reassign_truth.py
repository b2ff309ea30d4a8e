"""Reassignment reports and notifies only real changes; one rule of who may take a task."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, csrf_token, make_user
from tests.webapp.cases import register, the_task
from webapp.cases.assignment import service as assignment
from webapp.cases.models import CaseEvent, Notification
from webapp.casework.supervision.service import ReassignRefused, bulk_reassign
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.models import OutboxMessage


def counts() -> tuple[int, int, int]:
    return (
        int(db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "reassigned")) or 0),
        int(db.session.scalar(select(func.count()).select_from(Notification)) or 0),
        int(db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0),
    )


@pytest.fixture
def helper(world: World) -> User:
    user = make_user("helper", Role.INSPECTOR, mahallas=[world.mahalla], email="helper@example.uz")
    db.session.commit()
    return user


def test_reassigning_to_the_holder_changes_nothing_and_says_so(world: World) -> None:
    appeal = register(world)
    assert the_task(appeal, "check_registration").assignee_id == world.inspector.id
    before = counts()
    with pytest.raises(ReassignRefused) as refused:
        bulk_reassign(world.supervisor, [appeal.number], world.inspector.id, "Balans")
    assert refused.value.code == "already_holds"
    assert counts() == before  # no "reassigned" event, no bell, no e-mail


def test_only_real_changes_are_counted_and_notified(world: World, helper: User) -> None:
    held = register(world)
    other = register(world)
    the_task(held, "check_registration").assignee_id = helper.id
    the_task(other, "check_registration").assignee_id = world.inspector.id
    db.session.commit()
    before = counts()

    count = bulk_reassign(world.supervisor, [held.number, other.number], helper.id, "Ta'til")

    assert count == 1  # the task helper already held is not "reassigned" again
    events, notes, mails = counts()
    assert (events - before[0], notes - before[1], mails - before[2]) == (1, 1, 1)


def test_team_page_reports_only_real_changes(
    world: World, helper: User, as_user: Callable[[User], FlaskClient]
) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    client = as_user(world.supervisor)
    token = csrf_token(client.get("/team").get_data(as_text=True))
    before = counts()
    page = client.post(
        "/team",
        data={"csrf_token": token, "tasks": [task.id], "user": world.inspector.id, "reason": "Balans"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert counts() == before
    assert "nothing was changed" in page or "hech narsa" in page.lower()


def test_one_rule_decides_who_may_take_a_task(world: World, helper: User) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    eligible = {u.username for u in assignment.eligible_assignees(task.role, task.mahalla_id, task.district_id)}
    assert eligible == {"inspector1", "helper"}
    assert {u.username for u in assignment.candidates(task)} == eligible
    with pytest.raises(ReassignRefused) as refused:
        bulk_reassign(world.supervisor, [appeal.number], world.inspector2.id, "Boshqa mahalla")
    assert refused.value.code == "not_serving"
