"""Bulk reassignment from the console: all or nothing, events, email and in-app notification."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, csrf_token, make_user
from tests.webapp.cases import event_kinds, register, the_task
from webapp.cases.models import CaseEvent, Notification, PendingTask
from webapp.casework.supervision.service import ReassignRefused, bulk_reassign, inspectors_in_scope
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.models import OutboxMessage


def assignees() -> dict[str, int | None]:
    db.session.expire_all()
    return {t.id: t.assignee_id for t in db.session.scalars(select(PendingTask))}


@pytest.fixture
def helper(world: World) -> User:
    """A second inspector serving both mahallas of the district, with an email address."""
    user = make_user(
        "helper", Role.INSPECTOR, mahallas=[world.mahalla, world.second_mahalla], email="helper@example.uz"
    )
    db.session.commit()
    return user


def test_bulk_reassign_moves_every_task_and_tells_the_inspector(world: World, helper: User) -> None:
    first = register(world)
    second = register(world, mahalla=world.second_mahalla, actor=world.inspector2)
    count = bulk_reassign(world.supervisor, [first.number, second.number], helper.id, "Inspector on leave")
    assert count == 2
    task = the_task(first, "check_registration")
    assert task.assignee_id == helper.id and task.assigned_at is not None
    assert the_task(second, "check_registration").assignee_id == helper.id
    assert ("reassigned", "check_registration") in event_kinds(first)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "reassigned", CaseEvent.appeal_id == first.id))
    assert (
        event is not None and event.data["reason"] == "Inspector on leave" and event.data["assignee"] == helper.username
    )
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "helper@example.uz")))
    assert len(mails) == 2
    notes = list(db.session.scalars(select(Notification).where(Notification.user_id == helper.id)))
    # one notification per reassigned task, linking to the task itself (the same notice as on the task page)
    assert sorted(n.link for n in notes) == sorted(
        f"/tasks/{the_task(appeal, 'check_registration').id}" for appeal in (first, second)
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("not_serving", "not_serving"),
        ("foreign_case", "unknown_case"),
        ("no_reason", "no_reason"),
        ("nothing", "no_cases"),
        ("supervisor_target", "unknown_inspector"),
    ],
)
def test_bulk_reassign_is_all_or_nothing(world: World, helper: User, change: str, code: str) -> None:
    first = register(world)
    second = register(world, mahalla=world.second_mahalla, actor=world.inspector2)
    numbers = [first.number, second.number]
    target, reason = helper.id, "Rebalancing"
    if change == "not_serving":
        target = world.inspector.id  # serves M1 only: the M2 case cannot go to them
    elif change == "foreign_case":
        numbers.append(register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector).number)
    elif change == "no_reason":
        reason = "  "
    elif change == "nothing":
        numbers = []
    elif change == "supervisor_target":
        target = world.supervisor.id
    before = assignees()
    events = db.session.scalar(select(func.count()).select_from(CaseEvent))
    notifications = db.session.scalar(select(func.count()).select_from(Notification))
    with pytest.raises(ReassignRefused) as refused:
        bulk_reassign(world.supervisor, numbers, target, reason)
    assert refused.value.code == code
    assert assignees() == before
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notifications


def test_the_select_offers_inspectors_of_the_territory_with_their_mahallas(world: World, helper: User) -> None:
    offered = {user.username: mahallas for user, mahallas in inspectors_in_scope(world.supervisor)}
    assert offered == {
        "inspector1": (world.mahalla.id,),
        "inspector2": (world.second_mahalla.id,),
        "helper": tuple(sorted((world.mahalla.id, world.second_mahalla.id))),
    }


def test_bulk_reassign_from_the_console(world: World, helper: User, as_user: Callable[[User], FlaskClient]) -> None:
    first = register(world)
    client = as_user(world.supervisor)
    page = client.get("/supervision?tab=due_soon&soon=30").get_data(as_text=True)
    assert first.number in page and f'data-mahallas="{world.mahalla.id} {world.second_mahalla.id}"' in page
    token = csrf_token(page)
    missing = client.post(
        "/supervision/reassign", data={"csrf_token": token, "case": [first.number], "inspector": helper.id}
    )
    assert missing.status_code == 302
    assert the_task(first, "check_registration").assignee_id == world.inspector.id  # assigned on creation
    done = client.post(
        "/supervision/reassign",
        data={"csrf_token": token, "case": [first.number], "inspector": helper.id, "reason": "Leave", "next": "/x"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert the_task(first, "check_registration").assignee_id == helper.id
    inspector = as_user(world.inspector)
    inspector_token = csrf_token(inspector.get("/tasks").get_data(as_text=True))
    forbidden = inspector.post(
        "/supervision/reassign",
        data={"csrf_token": inspector_token, "case": [first.number], "inspector": helper.id, "reason": "x"},
    )
    assert forbidden.status_code == 403
