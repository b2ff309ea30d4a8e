"""The breakdown by inspector from the rollups against the raw query (case events and pending
tasks), exactly, through the changes that move an appeal between people: tasks completed,
reassigned, unassigned, deleted; events deleted; an inspector's role changed; the appeals
themselves changed and rated. Finally a rebuild gives the rows the triggers kept. Runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import delete, select, update

from tests.conftest import World, make_user
from tests.rollups.test_rollups_exact import COUNTED, DAY, TODAY, _appeals, _filters, _rows
from webapp.analytics.rollups import ddl
from webapp.analytics.rollups import service as rollups
from webapp.analytics.rollups.models import AppealHandler, AppealRollup, TaskRollup
from webapp.analytics.rollups.percentiles import within_tolerance
from webapp.analytics.stats import service as stats
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.versions import current_version
from webapp.casework.appeals.models import Appeal, AppealRating
from webapp.extensions import db
from webapp.platform.auth.models import Role, User


def _assert_inspectors_agree(world: World) -> int:
    """Every scope and period: the breakdown by inspector as served equals the raw query."""
    compared = 0
    for flt in _filters(world):
        served = stats._counts(flt, "inspector", TODAY)
        raw = stats._raw_counts(flt, "inspector", TODAY)
        assert set(served) == set(raw), flt
        for person, exact in raw.items():
            for name in COUNTED:
                assert int(served[person][name] or 0) == int(exact[name] or 0), (flt, person, name)
            assert int(served[person]["rating_total"] or 0) == int(exact["rating_total"] or 0), (flt, person)
            for name in ("median_days", "p90_days"):
                assert within_tolerance(served[person][name], exact.get(name), DAY), (flt, person, name)
            compared += 1
    return compared


def _task(appeal: Appeal, instance: ProcessInstance, assignee: User | None) -> PendingTask:
    task = PendingTask(
        id=str(uuid.uuid4()),
        instance_id=instance.id,
        appeal_id=appeal.id,
        name="check_registration",
        title="Check",
        role=Role.INSPECTOR.value,
        mahalla_id=appeal.mahalla_id,
        district_id=appeal.district_id,
        assignee_id=assignee.id if assignee else None,
        due_date=appeal.deadline,
    )
    db.session.add(task)
    return task


def test_the_breakdown_by_inspector_equals_the_raw_query_through_changes(world: World) -> None:
    rng = random.Random(23)
    appeals = _appeals(world, rng, 120)
    third = make_user("rollup.inspector", Role.INSPECTOR, mahallas=[world.second_mahalla])
    db.session.commit()
    people = [world.inspector, world.inspector2, world.foreign_inspector, third, world.supervisor]
    version_id = current_version().id
    instances = {}
    for appeal in appeals:
        instances[appeal.id] = ProcessInstance(appeal_id=appeal.id, process_version_id=version_id, state="{}")
        db.session.add(instances[appeal.id])
    db.session.flush()
    tasks = []
    for appeal in appeals:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):  # repeated completions by the same person too
            db.session.add(CaseEvent(appeal_id=appeal.id, actor_id=rng.choice(people).id, kind="task_completed"))
        db.session.add(CaseEvent(appeal_id=appeal.id, actor_id=rng.choice(people).id, kind="comment_added"))
        if appeal.is_open:
            tasks.append(_task(appeal, instances[appeal.id], rng.choice((*people, None))))
    db.session.commit()
    assert _assert_inspectors_agree(world) > 30

    # Tasks reassigned (ORM and plain SQL), unassigned, completed (the event added, the task gone).
    for task in tasks[:8]:
        task.assignee_id = rng.choice(people).id
    db.session.execute(update(PendingTask.__table__).where(PendingTask.id == tasks[8].id).values(assignee_id=third.id))
    tasks[9].assignee_id = None
    for task in tasks[10:16]:
        db.session.add(CaseEvent(appeal_id=task.appeal_id, actor_id=task.assignee_id, kind="task_completed"))
        db.session.delete(task)
    db.session.execute(delete(PendingTask.__table__).where(PendingTask.id.in_([t.id for t in tasks[16:19]])))
    # Case events deleted (plain SQL: the ORM refuses) and a task moved to another appeal.
    completed = list(db.session.scalars(select(CaseEvent.id).where(CaseEvent.kind == "task_completed")))
    db.session.execute(delete(CaseEvent.__table__).where(CaseEvent.id.in_(completed[:12])))
    moved = update(PendingTask.__table__).where(PendingTask.id == tasks[20].id)
    db.session.execute(moved.values(appeal_id=appeals[0].id))
    db.session.commit()
    assert _assert_inspectors_agree(world) > 30

    # The appeals change under their people: closed, recategorised, moved, re-dated, rated, unrated.
    linked = [a for a in appeals if a.is_open][:10]
    for appeal in linked[:6]:
        db.session.execute(
            update(Appeal.__table__)
            .where(Appeal.id == appeal.id)
            .values(status="answered", is_open=False, closed_at=dt.datetime(2026, 10, 30, 12, tzinfo=dt.UTC))
        )
    db.session.execute(update(Appeal.__table__).where(Appeal.id.in_([a.id for a in linked[6:]])).values(deadline=TODAY))
    for appeal in appeals[:15]:
        appeal.mahalla_id, appeal.district_id = world.foreign_mahalla.id, world.foreign_mahalla.district_id
    for appeal in appeals[15:20]:
        appeal.registered_on = appeal.registered_on + dt.timedelta(days=33)
    ratings = list(db.session.scalars(select(AppealRating).order_by(AppealRating.id)))
    for rating in ratings[:4]:
        db.session.delete(rating)
    for rating in ratings[4:8]:
        rating.score = 6 - rating.score
    for appeal in appeals[20:25]:
        db.session.add(AppealRating(appeal_id=appeal.id, score=rng.randint(1, 5), resolved=True, comment=""))
    db.session.commit()
    assert _assert_inspectors_agree(world) > 30

    # An inspector who becomes a supervisor leaves the breakdown; the supervisor who becomes one enters.
    db.session.execute(update(User.__table__).where(User.id == third.id).values(role=Role.SUPERVISOR.value))
    db.session.execute(update(User.__table__).where(User.id == world.supervisor.id).values(role=Role.INSPECTOR.value))
    db.session.commit()
    assert _assert_inspectors_agree(world) > 30

    kept = (
        _rows(AppealRollup, ddl.APPEAL_MEASURES),
        _rows(TaskRollup, ("completed",)),
        _rows(AppealHandler, ("n",)),
    )
    assert any(row[3] == ddl.INSPECTOR_DIM for row in kept[0])
    rollups.rebuild()
    db.session.commit()
    rebuilt = (
        _rows(AppealRollup, ddl.APPEAL_MEASURES),
        _rows(TaskRollup, ("completed",)),
        _rows(AppealHandler, ("n",)),
    )
    assert rebuilt == kept
