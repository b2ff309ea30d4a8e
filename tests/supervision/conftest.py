"""Fixtures for the supervisor console tests: the web harness of tests/webapp, an API caller,
and helpers that age a case (no progress for some days, a deadline in the past)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import World
from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401 - shared web fixtures
from webapp.appeals.models import Appeal
from webapp.auth.models import User
from webapp.auth.service import issue_token
from webapp.extensions import db
from webapp.timeutil import local_today, utcnow
from webapp.workflow.models import PendingTask, ProcessInstance

Api = Callable[..., Any]


@pytest.fixture
def api(client: FlaskClient, world: World) -> Callable[[User], Api]:
    """api(user)(method, path, json=...) with the user's bearer token."""

    def for_user(user: User) -> Api:
        token = issue_token(user, "test")

        def call(method: str, path: str, **kwargs: Any) -> Any:
            # English messages: the assertions read the msgids (the API speaks the caller's language).
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en", **kwargs.pop("headers", {})}
            return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

        return call

    return for_user


def idle_for(appeal: Appeal, days: int) -> None:
    """The case last moved ``days`` days ago (and a few hours more)."""
    moved = utcnow() - dt.timedelta(days=days, hours=3)
    db.session.execute(
        update(ProcessInstance.__table__).where(ProcessInstance.appeal_id == appeal.id).values(last_progress_at=moved)
    )
    db.session.commit()


def due_in(appeal: Appeal, days: int) -> None:
    """The appeal's deadline and its tasks' due dates are ``days`` from today (negative: past)."""
    due = local_today() + dt.timedelta(days=days)
    db.session.execute(update(Appeal.__table__).where(Appeal.id == appeal.id).values(deadline=due))
    db.session.execute(update(PendingTask.__table__).where(PendingTask.appeal_id == appeal.id).values(due_date=due))
    db.session.commit()
