"""Fixtures for the supervisor console tests: the web harness of tests/webapp, an API caller,
and helpers that age a case (no progress for some days, a deadline in the past)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import update

from tests.webapp.conftest import (  # noqa: F401 - shared web fixtures
    Api,
    as_user,
    bearer_api,
    fresh_g_per_request,
)
from webapp.cases.models import PendingTask, ProcessInstance
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today, utcnow


@pytest.fixture
def api(bearer_api: Callable[[User], Api]) -> Callable[[User], Api]:  # noqa: F811 - the shared fixture
    return bearer_api


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
