"""The overdue count taken in two disjoint parts equals the count of the one definition
(``overdue_condition``) on every edge: the deadline today, a late task past the deadline (counted
once), a closed case with a task left, another district — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select, text, update

from tests.conftest import World, require_postgres
from tests.webapp.cases import register
from webapp.analytics.stats import service
from webapp.analytics.stats.service import StatsFilter
from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.casework.overdue import overdue_condition, overdue_count
from webapp.extensions import db
from webapp.platform.timeutil import local_today

DAY = dt.timedelta(days=1)


def _appeal(world: World, deadline: dt.date, task_due: dt.date, *, is_open: bool = True, foreign: bool = False) -> int:
    appeal = (
        register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector) if foreign else register(world)
    )
    db.session.execute(update(Appeal).where(Appeal.id == appeal.id).values(deadline=deadline, is_open=is_open))
    db.session.execute(update(PendingTask).where(PendingTask.appeal_id == appeal.id).values(due_date=task_due))
    db.session.commit()
    return int(appeal.id)


def test_the_two_parts_count_what_the_definition_counts(world: World) -> None:
    base = local_today()
    _appeal(world, base - DAY, base + DAY)  # past its deadline, tasks on time
    _appeal(world, base - DAY, base - DAY)  # past its deadline and late: once
    _appeal(world, base, base - DAY)  # due today, a late task
    _appeal(world, base, base)  # due today, its task too: not yet
    _appeal(world, base + 3 * DAY, base + DAY)  # ahead
    _appeal(world, base - 5 * DAY, base - 5 * DAY, is_open=False)  # closed late: not overdue now
    _appeal(world, base - DAY, base - DAY, foreign=True)  # another district's
    territories = {
        "district": StatsFilter(base, base, district_id=world.district.id),
        "region": StatsFilter(base, base, region_id=world.region.id),
        "country": StatsFilter(base, base),
        "mahalla": StatsFilter(base, base, mahalla_id=world.mahalla.id),
        "other district": StatsFilter(base, base, district_id=world.other_district.id),
    }
    seen = {}
    for shift in range(-6, 5):
        today = base + shift * DAY
        for name, flt in territories.items():
            territory = service._territory(flt)
            expected = db.session.scalar(
                select(func.count()).select_from(Appeal).where(*territory, overdue_condition(today))
            )
            assert db.session.scalar(overdue_count(*territory, today=today)) == expected, (name, shift)
            assert service.overdue_now(flt, today) == expected, (name, shift)
            seen[(name, shift)] = expected
    assert seen[("district", 0)] == 3 and seen[("country", 0)] == 4 and seen[("other district", 0)] == 1
    assert seen[("district", 1)] == 4  # the next day both due today are past their deadline
    assert seen[("district", 2)] == 5  # and the one ahead has a late task
    assert seen[("district", -6)] == 0


def test_the_country_count_reads_the_open_appeals_from_the_index(app: Flask, world: World) -> None:
    """The country's count reads the open appeals, and the late tasks, from indexes alone.

    At a million generated appeals the part before the deadline read the row of every open appeal
    not yet due to match it to the late tasks (27 ms; 14 ms from the index). These tables are tiny,
    so the planner would read them whole: sequential and bitmap scans and nested loops are turned
    off to see the plan a large database gets."""
    require_postgres(app)
    _appeal(world, local_today() + DAY, local_today() - DAY)
    compiled = overdue_count(today=local_today()).compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_nestloop = off"))
    db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    db.session.rollback()
    assert plan.count("Index Only Scan using ix_appeals_open_deadline") == 2, plan
    # The late tasks with their appeal from the partial index of the appeals' tasks by due date.
    assert "Index Only Scan using ix_pending_tasks_late" in plan, plan
