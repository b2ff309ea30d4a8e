"""Timers with nobody touching the case: reminders, the overdue escalation, next_timer_at, the job.

The clock is injected (``fire_due_timers(now=…)``, the app config ``MAHALLA_CLOCK``): no test waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import World
from tests.webapp.cases import drive_to, pending_tasks, register
from webapp.cases.models import CaseEvent, Notification, PendingTask, ProcessInstance
from webapp.cases.timer_service import fire_due_timers, refresh_overdue_flags
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at, reminded_task, reminder_at, timer_data
from webapp.casework.legal_terms.service import extend_deadline
from webapp.extensions import db
from webapp.platform.jobs.registry import JOBS
from webapp.platform.jobs.scheduler import Scheduler
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.timeutil import as_utc, local_today

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def analysing(world: World) -> Appeal:
    """An appeal waiting in analysis; the inspector and supervisor have e-mail addresses."""
    world.inspector.email = "inspector1@mahalla.uz"
    world.supervisor.email = "rahbar@mahalla.uz"
    db.session.commit()
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    return appeal


def next_timer(appeal: Appeal) -> dt.datetime | None:
    db.session.expire_all()
    value = db.session.scalar(select(ProcessInstance.next_timer_at).where(ProcessInstance.appeal_id == appeal.id))
    return as_utc(value) if value is not None else None


def names(appeal: Appeal) -> list[str]:
    db.session.expire_all()
    return sorted(t.name for t in pending_tasks(appeal))


def kinds(appeal: Appeal, kind: str) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == kind)
        )
        or 0
    )


def notifications(kind: str) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Notification.user_id, Notification.link).where(Notification.kind == kind))
    return sorted((user_id, link) for user_id, link in rows)


def emails(since: int = 0) -> list[str]:
    """Recipients of e-mails queued after message id ``since`` (assignment notices come earlier)."""
    query = select(OutboxMessage.recipient).where(OutboxMessage.channel == "email", OutboxMessage.id > since)
    return sorted(db.session.scalars(query))


def last_message_id() -> int:
    return int(db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0))) or 0)


def test_next_timer_at_is_the_reminder_then_the_deadline(analysing: Appeal) -> None:
    assert next_timer(analysing) == reminder_at(analysing.deadline)

    run = fire_due_timers(now=reminder_at(analysing.deadline) - HOUR)

    assert run.fired == []
    assert next_timer(analysing) == reminder_at(analysing.deadline)


def test_the_reminder_tells_the_inspector_in_app_and_by_email(world: World, analysing: Appeal) -> None:
    since = last_message_id()
    run = fire_due_timers(now=reminder_at(analysing.deadline) + HOUR)

    assert run.fired == [analysing.number]
    assert notifications("reminder") == [(world.inspector.id, f"/appeals/{analysing.number}")]
    assert emails(since) == ["inspector1@mahalla.uz"]
    assert names(analysing) == ["analyse_appeal"]  # non-interrupting: the task stays
    assert kinds(analysing, "reminder_sent") == 1
    assert next_timer(analysing) == overdue_at(analysing.deadline)


def test_the_reminder_goes_to_the_assignee_when_there_is_one(world: World, analysing: Appeal) -> None:
    db.session.execute(
        PendingTask.__table__.update()
        .where(PendingTask.appeal_id == analysing.id)
        .values(assignee_id=world.inspector2.id)
    )
    db.session.commit()

    fire_due_timers(now=reminder_at(analysing.deadline) + HOUR)

    assert notifications("reminder") == [(world.inspector2.id, f"/appeals/{analysing.number}")]


def test_an_overdue_case_is_escalated_with_nobody_touching_it(world: World, analysing: Appeal) -> None:
    version = db.session.scalar(select(ProcessInstance.version).where(ProcessInstance.appeal_id == analysing.id))
    now = overdue_at(analysing.deadline) + dt.timedelta(days=1)
    since = last_message_id()

    run = fire_due_timers(now=now)

    assert run.fired == [analysing.number]
    assert names(analysing) == ["analyse_appeal", "review_overdue_case"]
    review = next(t for t in pending_tasks(analysing) if t.name == "review_overdue_case")
    assert (review.role, review.district_id) == ("supervisor", world.district.id)
    assert review.due_date == max(local_today(), analysing.registered_on) + dt.timedelta(days=1)  # norm P1D
    assert notifications("escalation") == [(world.supervisor.id, f"/appeals/{analysing.number}")]
    # the reminder, overdue since, fires in the same run
    assert emails(since) == ["inspector1@mahalla.uz", "rahbar@mahalla.uz"]
    assert (kinds(analysing, "timers_fired"), kinds(analysing, "case_escalated")) == (1, 1)
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == analysing.id))
    assert record is not None and record.version == version + 1
    assert record.next_timer_at is None

    assert fire_due_timers(now=now + HOUR).fired == []  # idempotent: nothing is due any more
    assert names(analysing) == ["analyse_appeal", "review_overdue_case"]

    complete_task(review, world.supervisor, {"overdue_decision": "instruct", "overdue_instruction": "Ertaga javob"})
    assert names(analysing) == ["analyse_appeal"]


def test_an_extension_moves_the_waiting_escalation(world: World, analysing: Appeal) -> None:
    old_deadline = analysing.deadline
    extend_deadline(
        analysing, world.supervisor, until=old_deadline + dt.timedelta(days=20), reason="Qo'shimcha tekshiruv"
    )
    db.session.expire_all()
    appeal = db.session.get(Appeal, analysing.id)
    assert appeal is not None

    run = fire_due_timers(now=overdue_at(old_deadline) + HOUR)

    assert run.fired == [appeal.number]  # woke up at the old moment, found nothing due
    assert names(appeal) == ["analyse_appeal"]
    assert next_timer(appeal) == reminder_at(appeal.deadline)


@pytest.fixture
def injected_clock(app: Flask) -> Iterator[list[dt.datetime]]:
    moment = [dt.datetime.now(dt.UTC)]
    app.config["MAHALLA_CLOCK"] = lambda: moment[0]
    yield moment
    app.config.pop("MAHALLA_CLOCK", None)


def test_the_in_process_scheduler_escalates_on_the_embedded_default(
    app: Flask, analysing: Appeal, injected_clock: list[dt.datetime]
) -> None:
    injected_clock[0] = overdue_at(analysing.deadline) + HOUR

    ran = Scheduler(app, JOBS, clock=lambda: 1000.0).run_due()

    assert "fire_due_timers" in ran
    assert names(analysing) == ["analyse_appeal", "review_overdue_case"]
    assert db.session.scalar(select(PendingTask.is_overdue).where(PendingTask.name == "analyse_appeal")) is True


def test_overdue_flags_follow_the_due_dates(analysing: Appeal) -> None:
    due = db.session.scalar(select(PendingTask.due_date).where(PendingTask.appeal_id == analysing.id))
    assert due is not None

    assert refresh_overdue_flags(today=due + dt.timedelta(days=1)) == 1
    assert refresh_overdue_flags(today=due + dt.timedelta(days=1)) == 0
    assert db.session.scalar(select(PendingTask.is_overdue)) is True
    assert refresh_overdue_flags(today=due) == 1
    assert db.session.scalar(select(PendingTask.is_overdue)) is False


def test_timer_moments_are_in_tashkent_time() -> None:
    assert timer_data(dt.date(2026, 1, 25)) == {
        "deadline_at": "2026-01-26T00:00:00+05:00",
        "reminder_at": "2026-01-23T09:00:00+05:00",
    }
    assert reminded_task("appeal_analysis:analyse_appeal_reminder") == "analyse_appeal"
    assert reminded_task("appeal_lifecycle:call_analysis_overdue") is None
