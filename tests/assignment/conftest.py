"""Fixtures for the assignment tests: the web harness of tests/webapp, an API caller, a second
inspector of mahalla M1 and helpers to read assignments back from the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import World, make_user
from tests.webapp.conftest import (  # noqa: F401 - shared web fixtures
    Api,
    as_user,
    bearer_api,
    fresh_g_per_request,
)
from webapp.cases.models import CaseEvent, Notification, PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.models import OutboxMessage


@pytest.fixture
def api(bearer_api: Callable[[User], Api]) -> Callable[[User], Api]:  # noqa: F811 - the shared fixture
    return bearer_api


@pytest.fixture
def colleague(world: World) -> User:
    """A second inspector serving M1 (with an e-mail address)."""
    user = make_user("inspector1b", Role.INSPECTOR, mahallas=[world.mahalla], email="b@mahalla.uz")
    db.session.commit()
    return user


def fresh(task: PendingTask) -> PendingTask:
    db.session.expire_all()
    row = db.session.get(PendingTask, task.id)
    assert row is not None
    return row


def assignee_of(task: PendingTask) -> str | None:
    row = fresh(task)
    return row.assignee.username if row.assignee is not None else None


def assignment_events(appeal_id: int) -> list[tuple[str, str | None, dict[str, Any]]]:
    kinds = ("assigned", "claimed", "unclaimed", "delegated", "reassigned")
    query = (
        select(CaseEvent)
        .where(CaseEvent.appeal_id == appeal_id, CaseEvent.kind.in_(kinds))
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    return [(e.kind, e.task_name, dict(e.data)) for e in db.session.scalars(query)]


def notifications_of(user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def emails_to(address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == address, OutboxMessage.channel == "email")
    return list(db.session.scalars(query))
