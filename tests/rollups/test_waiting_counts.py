"""The tasks waiting now, as the bottleneck page reads them (the counts the triggers keep per
version, district and task) against the pending tasks themselves, exactly, through every change
that moves a task: created, completed by the runtime (the write batch), deleted by the ORM and by
plain SQL, moved to another district, renamed, moved to another case, and whole cases moved to a
new process version. Finally a rebuild gives the rows the triggers kept. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from sqlalchemy import delete, func, select, update

from tests.conftest import World
from tests.rollups.test_rollups_exact import _appeals
from tests.webapp.cases import drive_to, register
from webapp.analytics.bottlenecks import service as bottlenecks
from webapp.analytics.rollups import service as rollups
from webapp.analytics.rollups.models import WaitingTaskCount
from webapp.cases.models import PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.versions import current_version
from webapp.extensions import db
from webapp.platform.auth.models import Role

NAMES = ("check_registration", "analyse_appeal", "take_measures")


def _kept() -> dict[tuple[int, int, str], int]:
    rows = db.session.execute(select(WaitingTaskCount).where(WaitingTaskCount.n != 0)).scalars()
    return {(r.process_version_id, r.district_id, r.task_name): r.n for r in rows}


def _counted() -> dict[tuple[int, int, str], int]:
    rows = db.session.execute(
        select(ProcessInstance.process_version_id, PendingTask.district_id, PendingTask.name, func.count())
        .join(ProcessInstance, ProcessInstance.id == PendingTask.instance_id)
        .group_by(ProcessInstance.process_version_id, PendingTask.district_id, PendingTask.name)
    )
    return {(version, district_id, name): n for version, district_id, name, n in rows}


def _assert_agree(world: World, versions: list[ProcessVersion]) -> None:
    assert _kept() == _counted()
    for version in versions:
        for territory, user in (
            (bottlenecks.Territory(), world.methodologist),
            (bottlenecks.Territory(region=world.region), world.methodologist),
            (bottlenecks.Territory(district=world.district), world.methodologist),
            (bottlenecks.Territory(), world.supervisor),  # the supervisor's own district
        ):
            query = bottlenecks.Query(version, territory, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
            served = bottlenecks._waiting(user, query)
            mahalla = bottlenecks.Territory(mahalla=world.mahalla)  # counted from the tasks themselves
            exact = _waiting_raw(user, query)
            assert served == exact, (version.id, territory, user.username)
            assert bottlenecks._waiting(user, bottlenecks.Query(version, mahalla, query.date_from, query.date_to)) == (
                _waiting_raw(user, bottlenecks.Query(version, mahalla, query.date_from, query.date_to))
            )


def _waiting_raw(user: Any, query: bottlenecks.Query) -> dict[str, int]:
    rows = db.session.execute(
        select(PendingTask.name, func.count())
        .join(ProcessInstance, ProcessInstance.id == PendingTask.instance_id)
        .where(
            ProcessInstance.process_version_id == query.version.id,
            bottlenecks.scope_condition(user, PendingTask.district_id),
            query.territory.condition(PendingTask.district_id, PendingTask.mahalla_id),
        )
        .group_by(PendingTask.name)
    )
    return {name: int(n) for name, n in rows}


def _task(instance: ProcessInstance, appeal: Any, rng: random.Random) -> PendingTask:
    task = PendingTask(
        id=str(uuid.uuid4()),
        instance_id=instance.id,
        appeal_id=appeal.id,
        name=rng.choice(NAMES),
        title="Task",
        role=Role.INSPECTOR.value,
        mahalla_id=appeal.mahalla_id,
        district_id=appeal.district_id,
        due_date=appeal.deadline,
    )
    db.session.add(task)
    return task


def test_the_waiting_counts_equal_the_pending_tasks_through_changes(world: World) -> None:
    rng = random.Random(29)
    first = current_version()
    appeals = _appeals(world, rng, 40)
    for appeal in appeals:  # numbered apart from the cases registered below
        appeal.year, appeal.number = 2025, f"2025-{appeal.sequence}"
    db.session.flush()
    instances = [ProcessInstance(appeal_id=a.id, process_version_id=first.id, state="{}") for a in appeals]
    db.session.add_all(instances)
    db.session.flush()
    tasks = [_task(instance, appeal, rng) for instance, appeal in zip(instances, appeals, strict=True) for _ in "ab"]
    db.session.commit()
    _assert_agree(world, [first])

    # Real cases through the runtime: registered, then steps completed (the completion's batched write).
    real = [register(world) for _ in range(3)]
    drive_to(world, real[0], "take_measures")
    drive_to(world, real[1], "analyse_appeal")
    _assert_agree(world, [first])

    # Tasks deleted (ORM and plain SQL), moved to another district, renamed, moved to another case.
    for task in tasks[:5]:
        db.session.delete(task)
    db.session.execute(delete(PendingTask.__table__).where(PendingTask.id.in_([t.id for t in tasks[5:9]])))
    db.session.execute(
        update(PendingTask.__table__)
        .where(PendingTask.id.in_([t.id for t in tasks[9:14]]))
        .values(district_id=world.foreign_mahalla.district_id)
    )
    tasks[14].name = "evaluate_effectiveness"
    tasks[15].district_id = world.district.id
    tasks[16].instance_id = instances[-1].id
    db.session.commit()
    _assert_agree(world, [first])

    # Cases moved to a new version take their waiting tasks along (ORM and plain SQL).
    second = ProcessVersion(
        process_id=first.process_id, content_hash="0" * 64, number=(first.number or 0) + 1, files={}
    )
    db.session.add(second)
    db.session.flush()
    for instance in instances[:6]:
        instance.process_version_id = second.id
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id.in_([i.id for i in instances[6:10]]))
        .values(process_version_id=second.id)
    )
    db.session.commit()
    assert {version for version, _d, _n in _kept()} == {first.id, second.id}
    _assert_agree(world, [first, second])

    kept = _kept()
    rollups.rebuild()
    db.session.commit()
    assert _kept() == kept
