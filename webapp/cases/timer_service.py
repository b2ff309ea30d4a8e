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
from sqlalchemy import ColumnElement, and_, select, update

from engine import Instance
from webapp.cases.incidents import incident_values
from webapp.cases.instances import Conflict, StepFailed, instance_by_id, log_subject_event, run_engine, save_state
from webapp.cases.models import CaseStatus, PendingTask, ProcessInstance
from webapp.cases.subjects import reference, subject_kind
from webapp.cases.versions import library_by_hash
from webapp.extensions import db
from webapp.platform.observability.metrics import ENGINE_STEP_ERRORS
from webapp.platform.timeutil import as_utc, local_today, utcnow
from webapp.platform.transaction import end_read, transaction

log = logging.getLogger("mahalla.timers")

RETRY_STUCK_AFTER = dt.timedelta(hours=1)


@dataclass
class TimerRun:
    fired: list[str] = field(default_factory=list)  # references of the cases whose timers were run
    conflicts: int = 0
    incidents: list[str] = field(default_factory=list)


def clock_now() -> dt.datetime:
    """The app's notion of now: ``MAHALLA_CLOCK`` when configured (tests), else the real time."""
    clock = current_app.config.get("MAHALLA_CLOCK")
    return clock() if callable(clock) else utcnow()


def _due_condition(now: dt.datetime, done: set[int]) -> tuple[ColumnElement[bool], ...]:
    return (
        ProcessInstance.next_timer_at <= now,
        ProcessInstance.id.not_in(done),
        ProcessInstance.status == CaseStatus.RUNNING,
        ProcessInstance.is_completed.is_(False),
    )


def _next_due(now: dt.datetime, done: set[int]) -> tuple[int, str] | None:
    """The next due case of any subject kind (its row id and kind), locked for this worker."""
    query = (
        select(ProcessInstance.id, ProcessInstance.subject_kind)
        .where(*_due_condition(now, done))
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = db.session.execute(query).one_or_none()
    return (int(row[0]), str(row[1])) if row is not None else None


def not_again_at_once(instance_id: int, instance: Instance, now: dt.datetime, ref: str) -> None:
    later = instance.next_timer_due()
    if later is not None and later <= now:
        # A timer the engine did not fire although due: do not spin on it every run.
        log.warning("case %s: a timer due at %s did not fire; retrying later", ref, later)
        db.session.execute(
            update(ProcessInstance.__table__)
            .where(ProcessInstance.id == instance_id)
            .values(next_timer_at=now + RETRY_STUCK_AFTER)
        )


def _fire(instance_id: int, kind_name: str, now: dt.datetime) -> str:
    """Fire the due timers of one case: by its kind's own ``fire_timers`` (an appeal's), or written
    like a task completion: the guarded state, the event, and the subject's tasks and rows (its
    kind's ``advanced``)."""
    known = subject_kind(kind_name)
    if known is not None and known.fire_timers is not None:
        return known.fire_timers(instance_id, now)
    found = instance_by_id(instance_id)
    if found is None:
        raise Conflict("the case no longer exists")
    record, subject, digest = found
    instance = Instance.restore(library_by_hash(digest, record.process_version_id), record.state)
    before = {ready.id for ready in instance.ready_user_tasks()}
    run_engine(lambda: instance.fire_due_timers(now))
    elements = instance.elements_completed(qualified=True)
    log_subject_event(subject, "timers_fired", None, data={"at": now.isoformat()}, elements=elements)
    save_state(record, instance, progress=False)  # Conflict if a completion won
    kind = subject_kind(subject.kind)
    if kind is not None and kind.advanced is not None:
        kind.advanced(subject.id, record.id, instance, before)
    ref = reference(subject.kind, subject.id)
    not_again_at_once(record.id, instance, now, ref)
    return ref


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
    """Fire the due timers of up to ``limit`` cases of every subject kind, committing after each case."""
    # UTC: SQLite stores datetimes as naive UTC text and compares them as text.
    moment = as_utc(now or clock_now())
    run = TimerRun()
    done: set[int] = set()  # each case at most once per run
    for _attempt in range(limit):
        due = _next_due(moment, done)
        if due is None:
            end_read()
            break
        instance_id, kind_name = due
        done.add(instance_id)
        try:
            with transaction():
                run.fired.append(_fire(instance_id, kind_name, moment))
        except Conflict:
            run.conflicts += 1
        except StepFailed as failure:
            log.error("case %s: timer step failed: %s", instance_id, failure)
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
