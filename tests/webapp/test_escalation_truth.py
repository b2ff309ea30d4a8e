"""Supervisor's escalations that tell the truth: one open escalation per case, and a task that is
not overdue the moment it appears (its due date runs from its creation and its norm)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from engine.clock import frozen_at
from tests.conftest import World
from tests.webapp.cases import complete, drive_to, pending_names, register, the_task
from webapp.cases.models import Notification
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at
from webapp.extensions import db
from webapp.platform.timeutil import local_today

HOUR = dt.timedelta(hours=1)


def test_a_new_escalation_task_is_not_already_overdue(world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    late = overdue_at(appeal.deadline) + dt.timedelta(days=2)  # the job ran two days after the deadline

    with frozen_at(late):
        fire_due_timers(now=late)

    review = the_task(appeal, "review_overdue_case")
    created = local_today(late)
    assert created > appeal.deadline
    assert review.due_date == created + dt.timedelta(days=1)  # its norm P1D from its creation
    assert review.due_date >= created  # was: the appeal's past deadline, "2 days overdue" at birth
    assert the_task(appeal, "analyse_appeal").due_date <= appeal.deadline  # the inspector's task stays late


def test_one_open_escalation_per_case(world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    fire_due_timers(now=overdue_at(appeal.deadline) + HOUR)
    assert pending_names(appeal) == ["analyse_appeal", "review_overdue_case"]
    escalations_told = db.session.scalar(select(func.count()).where(Notification.kind == "escalation"))

    # The inspector finishes the analysis; the resolution stage is overdue at once and escalates too.
    complete(world, appeal, "analyse_appeal")
    fire_due_timers(now=overdue_at(appeal.deadline) + 2 * HOUR)

    names = pending_names(appeal)
    assert names.count("review_overdue_case") == 1, names
    assert db.session.scalar(select(func.count()).where(Notification.kind == "escalation")) == escalations_told

    # One decision answers every escalation of the case: none is left behind.
    review = the_task(appeal, "review_overdue_case")
    complete_task(review, world.supervisor, {"overdue_decision": "instruct", "overdue_instruction": "Tezlashtiring"})
    db.session.expire_all()
    assert "review_overdue_case" not in pending_names(appeal)
    fire_due_timers(now=overdue_at(appeal.deadline) + 3 * HOUR)
    assert "review_overdue_case" not in pending_names(appeal)
