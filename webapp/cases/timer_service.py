"""The timer jobs: fire the BPMN timers that are due, and keep the overdue flags of tasks fresh.

``fire_due_timers`` takes the running cases whose ``next_timer_at`` has come, one per transaction,
with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: several workers (the in-process scheduler,
``mahalla worker``, Celery workers on other nodes) can run it at once and each case is taken by
exactly one of them; a worker that lost a race skips the locked case and goes on. On SQLite (one
process) the optimistic version check of the case's state still refuses a second write. A case
whose timers fired is saved by the same writer as a task completion (state, task projection,
events) with its new ``next_timer_at``, so running the job again does nothing until the next timer
is due: the job is idempotent. The clock is injectable: pass ``now``, or set the app config
``MAHALLA_CLOCK`` to a callable returning an aware datetime (tests); default: the real clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, update

from engine import Instance
from webapp.cases.incidents import incident_values
from webapp.cases.instances import run_engine
from webapp.cases.models import CaseStatus, PendingTask, ProcessInstance
from webapp.cases.service import (
    Conflict,
    EventLog,
    StepFailed,
    _case_from_row,
    _case_query,
    _write_case,
)
from webapp.cases.timer_data import case_timer_data
from webapp.extensions import db
from webapp.platform.observability.metrics import ENGINE_STEP_ERRORS
from webapp.platform.timeutil import as_utc, local_today, utcnow
from webapp.platform.transaction import end_read, transaction

log = logging.getLogger("mahalla.timers")

RETRY_STUCK_AFTER = dt.timedelta(hours=1)


@dataclass
class TimerRun:
    fired: list[str] = field(default_factory=list)  # appeal numbers whose timers were run
    conflicts: int = 0
    incidents: list[str] = field(default_factory=list)


def clock_now() -> dt.datetime:
    """The app's notion of now: ``MAHALLA_CLOCK`` when configured (tests), else the real time."""
    clock = current_app.config.get("MAHALLA_CLOCK")
    return clock() if callable(clock) else utcnow()


def _next_due_case(now: dt.datetime, done: set[int]) -> tuple[object, ...] | None:
    query = (
        _case_query()
        .where(
            ProcessInstance.next_timer_at <= now,
            ProcessInstance.id.not_in(done),
            ProcessInstance.status == CaseStatus.RUNNING,
            ProcessInstance.is_completed.is_(False),
        )
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=ProcessInstance.__table__)
    )
    row = db.session.execute(query).one_or_none()
    return tuple(row) if row is not None else None


def _fire_one(row: tuple[object, ...], now: dt.datetime) -> str:
    record, appeal, library = _case_from_row(row)
    instance = Instance.restore(library, record.state)
    before = {ready.id for ready in instance.ready_user_tasks()}
    # The deadline may have moved since the timers were set (an extension): set them again first.
    timers = case_timer_data(appeal.id, appeal.deadline, instance.timer_reads())
    run_engine(lambda: instance.set_timer_data(timers, now=now))
    run_engine(lambda: instance.fire_due_timers(now))
    events = EventLog()
    events.add(
        appeal,
        "timers_fired",
        None,
        data={"at": now.isoformat()},
        elements=instance.elements_completed(qualified=True),
    )
    _write_case(record, appeal, instance, before, events, None, now=now, progress=False)
    later = instance.next_timer_due()
    if later is not None and later <= now:
        # A timer the engine did not fire although due: do not spin on it every run.
        log.warning("appeal %s: a timer due at %s did not fire; retrying later", appeal.number, later)
        db.session.execute(
            update(ProcessInstance.__table__)
            .where(ProcessInstance.id == record.id)
            .values(next_timer_at=now + RETRY_STUCK_AFTER)
        )
    events.write()
    return appeal.number


def _record_incident(instance_id: int, failure: StepFailed) -> None:
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id == instance_id)
        .values(
            status=CaseStatus.INCIDENT,
            **incident_values(failure.failure),
            updated_at=utcnow(),
        )
    )


def fire_due_timers(now: dt.datetime | None = None, limit: int = 100) -> TimerRun:
    """Fire the due timers of up to ``limit`` cases, committing after each case."""
    # UTC: SQLite stores datetimes as naive UTC text and compares them as text.
    moment = as_utc(now or clock_now())
    run = TimerRun()
    done: set[int] = set()  # each case at most once per run
    for _attempt in range(limit):
        row = _next_due_case(moment, done)
        if row is None:
            end_read()
            break
        instance_id = int(str(row[1]))
        done.add(instance_id)
        try:
            with transaction():
                run.fired.append(_fire_one(row, moment))
        except Conflict:
            run.conflicts += 1
        except StepFailed as failure:
            log.error("appeal case %s: timer step failed: %s", instance_id, failure)
            with transaction():
                _record_incident(instance_id, failure)
            ENGINE_STEP_ERRORS.inc()
            run.incidents.append(str(failure.failure.element_id))
    return run


def refresh_overdue_flags(today: dt.date | None = None) -> int:
    """Set ``is_overdue`` on pending tasks past their due date and clear it on the others."""
    day = today or local_today(clock_now())
    with transaction():
        changed = db.session.execute(
            update(PendingTask.__table__)
            .where(and_(PendingTask.due_date < day, PendingTask.is_overdue.is_(False)))
            .values(is_overdue=True)
        ).rowcount  # type: ignore[attr-defined]
        changed += db.session.execute(
            update(PendingTask.__table__)
            .where(and_(PendingTask.due_date >= day, PendingTask.is_overdue.is_(True)))
            .values(is_overdue=False)
        ).rowcount  # type: ignore[attr-defined]
    return int(changed)
