"""A plan lives for years: 5 years of monthly check-ins and 3 extensions on the real diagram,
the real engine and the real database. Every step has a READY task, the live state stays small,
and the final removal works."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.conftest import World
from tests.prevention.conftest import live_case, step, the_task
from webapp.cases.models import PendingTask
from webapp.casework.appeals.deadlines import add_months
from webapp.extensions import db
from webapp.prevention.registry.journal import person_events
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.plans import open_plan

MAX_STATE_BYTES = 8_000


def test_five_years_of_checkins_and_three_extensions(world: World, person: SupervisedPerson) -> None:
    start = dt.date(2026, 1, 10)
    plan = open_plan(person, world.inspector, today=start)
    step(plan, world, "draft_plan", today=start)
    step(plan, world, "approve_plan", today=start)
    assert plan.status == "active" and plan.starts_on == start

    sizes = []
    extend_at = {4, 8, 12}  # quarters after which the supervisor extends the plan
    for month in range(1, 61):
        day = add_months(start, month)
        task = the_task(plan)
        assert task.name == "monthly_checkin", f"month {month}: the plan waits for {task.name}"
        assert task.due_date == day and plan.next_due_on == day
        step(plan, world, "monthly_checkin", today=day, checkin_date=day.isoformat())
        sizes.append(len(live_case(plan).state.encode("utf-8")))
        if month % 3 == 0:
            quarter = month // 3
            if quarter == 20:
                break
            decision = "extend" if quarter in extend_at else "continue"
            step(plan, world, "evaluate_quarter", today=day, evaluation_decision=decision)
            sizes.append(len(live_case(plan).state.encode("utf-8")))
            assert plan.cycle == quarter + 1

    assert plan.checkins_done == 60
    assert plan.extensions == 3
    assert max(sizes) < MAX_STATE_BYTES, f"the live state grew to {max(sizes)} bytes"
    assert max(sizes) - min(sizes) < 1_500, "the live state grows with the plan's age"

    last = add_months(start, 60)
    step(plan, world, "evaluate_quarter", today=last, evaluation_decision="remove", removal_grounds="Tuzalgan.")
    db.session.expire_all()
    assert plan.status == "completed" and plan.outcome == "removed" and plan.next_due_on is None
    assert person.status == "removed" and person.removed_on == last
    assert db.session.scalar(select(func.count()).select_from(PendingTask)) == 0
    kinds = [event.kind for event in person_events(person.id) if event.kind != "task_completed"]
    assert kinds.count("checkin") == 60 and kinds.count("evaluation") == 20
    assert kinds.count("plan_extended") == 3 and kinds[-1] == "removed"
