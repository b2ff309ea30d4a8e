"""An inspector's scopes in their two forms — with the served mahallas as a subquery (lookups by key)
and resolved to ids first (lists, so that the planner sees how few they are) — select exactly the
same tasks and appeals: their own mahalla's, a covered colleague's, a task handed to them in
another district, and nothing else."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.conftest import World
from tests.webapp.cases import pending_tasks, register
from webapp.cases.models import PendingTask, UserAbsence
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.service import appeal_scope, task_scope
from webapp.platform.timeutil import local_today


def _both(user: User) -> tuple[tuple[set[str], set[str]], tuple[set[int], set[int]]]:
    tasks = tuple(
        set(db.session.scalars(select(PendingTask.id).where(task_scope(user, resolved=r)))) for r in (False, True)
    )
    appeals = tuple(
        set(db.session.scalars(select(Appeal.id).where(appeal_scope(user, resolved=r)))) for r in (False, True)
    )
    return (tasks[0], tasks[1]), (appeals[0], appeals[1])


def test_an_inspectors_scopes_select_the_same_rows_resolved_or_not(world: World) -> None:
    own, colleagues, foreign, handed = (
        register(world),
        register(world, mahalla=world.second_mahalla),
        register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector),
        register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector),
    )
    [task_handed] = pending_tasks(handed)
    db.session.execute(
        update(PendingTask.__table__).where(PendingTask.id == task_handed.id).values(assignee_id=world.inspector.id)
    )
    db.session.commit()

    (tasks, resolved_tasks), (appeals, resolved_appeals) = _both(world.inspector)
    assert tasks == resolved_tasks and appeals == resolved_appeals
    assert appeals == {own.id, handed.id}  # not the colleague's (no cover yet), not the foreign one
    assert tasks == {pending_tasks(own)[0].id, task_handed.id}

    today = local_today()
    db.session.add(
        UserAbsence(user_id=world.inspector2.id, starts_on=today, ends_on=today, substitute_id=world.inspector.id)
    )
    db.session.commit()
    (tasks, resolved_tasks), (appeals, resolved_appeals) = _both(world.inspector)
    assert tasks == resolved_tasks and appeals == resolved_appeals
    assert appeals == {own.id, colleagues.id, handed.id}  # the covered colleague's mahalla joins
    assert foreign.id not in appeals and pending_tasks(foreign)[0].id not in tasks
