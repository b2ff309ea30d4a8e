"""Running appeal cases on the engine: one function per user action, one transaction each.

The flow of every action: load the instance → restore it against its own process version →
let the engine act → write the new state, the pending-task projection and the event log →
commit together. A concurrent change of the same instance is detected by the optimistic
version counter and reported as a conflict; nothing half-done is ever committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from engine import (
    EngineStepFailed,
    FormDefinition,
    Instance,
    ProcessLibrary,
    ReadyTask,
    TaskNotReady,
)
from webapp.cases.events import EventLog, log_event
from webapp.cases.hooks import TaskCompletion, run_hooks
from webapp.cases.incidents import BLOCKED, INCIDENT, clear_incident, incident_data, json_safe, mark_incident
from webapp.cases.instances import (
    CaseNotRunning,
    CaseRow,
    Conflict,
    StepFailed,
    run_engine,
    save_state,
)
from webapp.cases.models import APPEAL, CaseEvent, PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.signal_queue import MAX_ROUNDS, queue_signals
from webapp.cases.timer_service import not_again_at_once
from webapp.cases.timings import record_timing
from webapp.cases.versions import APPEAL_PROCESS, current_version, library_by_hash, library_for
from webapp.casework.appeals.deadlines import DEFAULT_TERM
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.projection import case_changes, complete_sibling_escalations, project_tasks
from webapp.casework.appeals.reminders import react_to_timers
from webapp.casework.appeals.timer_data import case_timer_data
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.observability.metrics import TASK_COMPLETIONS
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import rolled_back_on_error, transaction
from webapp.platform.write_batch import batched_writes, update_row


class FileSource(Protocol):
    """The files a submission sent for the task's file fields: checks them against the task's form
    and stores them in the completion's transaction; answers their references per field (or
    raises engine.FormInvalid)."""

    def __call__(self, appeal: Appeal, task_name: str, form: FormDefinition, actor: User) -> dict[str, Any]: ...


@dataclass(frozen=True)
class CompletedTask:
    appeal: Appeal
    task_name: str
    data: dict[str, Any]


def start_case(appeal: Appeal, actor: User | None) -> ProcessInstance:
    """Start the appeal lifecycle for a freshly registered appeal (caller commits)."""
    version = current_version(APPEAL_PROCESS)
    library = library_for(version)
    start_data = {
        "kind": appeal.kind,
        "category": appeal.category,
        "urgency": appeal.urgency,
        "anonymous": appeal.anonymous,
        # A representative without a power of attorney is left unconsidered like an anonymous appeal (Art. 29).
        "representative_without_poa": bool(appeal.representative_name) and not appeal.power_of_attorney,
        "channel": appeal.channel,
        "mahalla": appeal.mahalla.code,
        "appeal_number": appeal.number,
        # Anchors of the forms' date ranges (date_min / date_max in the diagrams).
        "received_on": local_today(appeal.received_at).isoformat(),
        "registered_on": appeal.registered_on.isoformat(),
        "deadline_term": DEFAULT_TERM,
        **case_timer_data(appeal.id, appeal.deadline),
    }
    instance = run_engine(lambda: Instance.start(library, start_data))
    for name, value in case_changes(appeal, instance).items():
        setattr(appeal, name, value)
    timers = case_timer_data(appeal.id, appeal.deadline, instance.timer_reads())
    run_engine(lambda: instance.set_timer_data(timers))
    record = ProcessInstance(
        subject_kind=APPEAL,
        subject_id=appeal.id,
        appeal_id=appeal.id,
        process_version_id=version.id,
        version=1,
        state=instance.serialize(),
        is_completed=instance.is_completed,
        next_timer_at=instance.next_timer_due(),
    )
    db.session.add(record)
    db.session.flush()
    events = EventLog()
    events.add(
        appeal,
        "process_started",
        actor,
        data={"process_version": version.id},
        elements=instance.elements_completed(qualified=True),
    )
    project_tasks(record.id, appeal, instance, set(), False, events)
    queue_signals(record.id, appeal.district_id, instance.thrown, actor.id if actor else None)
    events.write()
    return record


def _case_query() -> Any:
    """The live state, the appeal (with its mahalla) and the version's hash of a case, in one query."""
    return (
        select(
            Appeal,
            ProcessInstance.id,
            ProcessInstance.state,
            ProcessInstance.version,
            ProcessInstance.process_version_id,
            ProcessVersion.content_hash,
            ProcessInstance.status,
        )
        .join(Appeal, Appeal.id == ProcessInstance.appeal_id)
        .join(Appeal.mahalla)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .options(contains_eager(Appeal.mahalla))
    )


def _case_from_row(row: Any) -> tuple[CaseRow, Appeal, ProcessLibrary]:
    appeal, record_id, state, version, version_id, digest, status = row
    return CaseRow(record_id, state, version, version_id, status), appeal, library_by_hash(digest, version_id)


def _load_case(instance_id: int) -> tuple[CaseRow, Appeal, ProcessLibrary]:
    row = db.session.execute(_case_query().where(ProcessInstance.id == instance_id)).one_or_none()
    if row is None:
        raise Conflict("the case no longer exists")
    return _case_from_row(row)


def ready_task_view(pending: PendingTask) -> ReadyTask:
    """The live form definition and prefilled values of a pending task."""
    try:
        record, _appeal, library = _load_case(pending.instance_id)
    except Conflict:
        raise TaskNotReady(pending.id) from None
    for task in Instance.restore(library, record.state).ready_user_tasks():
        if task.id == pending.id:
            return task
    raise TaskNotReady(pending.id)


def _write_case(
    record: CaseRow,
    appeal: Appeal,
    instance: Instance,
    before: set[str],
    events: EventLog,
    actor: User | None,
    extra: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
    progress: bool = True,
    signal_rounds: int = MAX_ROUNDS,
) -> None:
    """Write what the engine did to a case: the state (guarded by its version), the appeal's
    changed columns, the task projection, the resulting events (added to ``events``) and the
    signals it threw, queued for the other cases of its district (webapp.cases.signals).

    Plain statements, no ORM unit of work; the appeal object is updated to show the result.
    ``now`` is the time the case's timers see (the timer job's injected clock; default: real);
    ``progress`` False when only timers acted (last_progress_at stays); ``signal_rounds`` how many
    more times signals may set off signals (a case reached by a signal passes them on with one less).
    """
    changes = {**case_changes(appeal, instance), **(extra or {})}
    moved = {name: (getattr(appeal, name), changes[name]) for name in ("status", "stage") if name in changes}
    timers = case_timer_data(appeal.id, changes.get("deadline", appeal.deadline), instance.timer_reads())
    run_engine(lambda: instance.set_timer_data(timers, now=now))
    save_state(record, instance, progress=progress, queue_thrown_signals=False)  # queued below, by district
    if changes:
        changes["updated_at"] = utcnow()
        update_row(Appeal.__table__, appeal.id, changes)
        for name, value in changes.items():
            set_committed_value(appeal, name, value)
    if moved:
        # The public history, the API timeline and the webhooks read status and stage moves from here.
        events.add(
            appeal,
            "status_changed",
            actor,
            data={f"{edge}_{name}": pair[i] for name, pair in moved.items() for i, edge in enumerate(("from", "to"))},
        )
    created_tasks = project_tasks(record.id, appeal, instance, before, "deadline" in changes, events)
    react_to_timers(appeal, instance.elements_completed(qualified=True), created_tasks, events, local_today(now))
    if instance.is_completed:
        events.add(appeal, "case_closed", actor, data={"status": appeal.status})
    queue_signals(record.id, appeal.district_id, instance.thrown, actor.id if actor else None, rounds=signal_rounds)


def complete_task(
    pending: PendingTask,
    actor: User,
    submitted: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    extra_data: Mapping[str, Any] | None = None,
    files: FileSource | None = None,
) -> CompletedTask:
    """Complete one task for the actor and commit, or raise without changing anything.

    Raises engine.FormInvalid (bad data), Conflict (completed or changed meanwhile) or
    StepFailed (the diagram failed after the task; the case is marked as an incident). The caller
    has checked role and territory. ``extra_data``: case data a retry supplies besides the form;
    ``files``: the files sent for the form's file fields (stored in this transaction, so a failed
    completion leaves none behind).
    """
    with rolled_back_on_error():
        case = _load_case(pending.instance_id)
    task = _TaskRef(pending.id, pending.name, pending.title, pending.created_at)
    return _complete(task, case, actor, submitted, expected_version, extra_data, files)


def task_case_lookup(scope: Any) -> Any:
    """The statement complete_task_in_scope reads a task and its case with: the tasks of ``scope``
    (a condition on PendingTask), the task's id given when it runs."""
    return (
        _case_query()
        .add_columns(PendingTask.name, PendingTask.title, PendingTask.created_at)
        .join(PendingTask, PendingTask.instance_id == ProcessInstance.id)
        .where(PendingTask.id == bindparam("lookup_task_id"), scope)
    )


def complete_task_in_scope(
    actor: User, task_id: str, submitted: Mapping[str, Any], lookup: Any, files: FileSource | None = None
) -> CompletedTask | None:
    """Like complete_task, for a task id the actor may work on; None when there is none.

    The task, its case and its version are read in one query (``lookup``, a task_case_lookup of the
    actor's scope): the API's hot path.
    """
    if len(task_id) > 36:
        return None
    with rolled_back_on_error():
        row = db.session.execute(lookup, {"lookup_task_id": task_id}).one_or_none()
    if row is None:
        return None
    *case_columns, name, title, ready_at = row
    task = _TaskRef(task_id, name, title, ready_at)
    return _complete(task, _case_from_row(case_columns), actor, submitted, None, files=files)


@dataclass(frozen=True)
class _TaskRef:
    id: str
    name: str
    title: str
    ready_at: dt.datetime | None  # when the task became ready: its pending row's creation


def _complete(
    task: _TaskRef,
    case: tuple[CaseRow, Appeal, ProcessLibrary],
    actor: User,
    submitted: Mapping[str, Any],
    expected_version: int | None,
    extra_data: Mapping[str, Any] | None = None,
    files: FileSource | None = None,
) -> CompletedTask:
    """The writes are plain statements (no ORM unit of work): the state guarded by its version,
    the appeal's changed columns, the task projection and the events, committed together."""
    record, appeal, library = case
    try:
        with transaction():
            if expected_version is not None and record.version != expected_version:
                raise Conflict("the case was changed by someone else")
            if record.status in BLOCKED:
                raise CaseNotRunning(record.status)
            instance = Instance.load(library, record.state)  # the engine process parses it
            try:
                info = library.user_task(task.name)  # the form, without parsing the state here
                form = info.form if info is not None else FormDefinition(key="")
                stored = files(appeal, task.name, form, actor) if files is not None else None
                # The deadline's timer data goes with the step: when the step leaves the deadline as it
                # was, _write_case has nothing to set and the new state is not parsed on this side.
                timers = case_timer_data(appeal.id, appeal.deadline, reads=())
                clean = run_engine(
                    lambda: instance.complete(task.id, submitted, extra_data, timers=timers, files=stored)
                )
            except TaskNotReady:
                raise Conflict("the task was already completed") from None
            # Answered with the step: the tasks ready before it and the completed task's own
            # variables as it waited (one referral of several), for the hooks.
            before = instance.ready_ids_before()
            variables = instance.task_variables_before()
            run_engine(lambda: complete_sibling_escalations(instance, task, clean))
            events = EventLog()
            events.add(
                appeal,
                "task_completed",
                actor,
                task=task,
                data=clean,
                elements=instance.elements_completed(qualified=True),
            )
            # The writes after the guarded state go out together (one statement on PostgreSQL).
            with batched_writes():
                _write_case(record, appeal, instance, before, events, actor)  # raises Conflict if another won
                _record_timing(task, appeal, record.process_version_id, actor, task.ready_at)
                if record.status == INCIDENT:
                    clear_incident(record.id)
                run_hooks(
                    TaskCompletion(
                        appeal.case_subject,
                        appeal,
                        task.name,
                        actor,
                        clean,
                        instance.current_data(),
                        events,
                        variables,
                        case_completed=instance.is_completed,
                    )
                )
                events.write()
    except StepFailed as failed:
        record_incident(record.id, appeal, actor, task, submitted, failed.failure)
        raise
    TASK_COMPLETIONS.labels(task.name).inc()
    return CompletedTask(appeal=appeal, task_name=task.name, data=clean)


def record_incident(
    instance_id: int,
    appeal: Appeal,
    actor: User | None,
    task: Any,
    submitted: Mapping[str, Any],
    failure: EngineStepFailed,
) -> None:
    """In its own small transaction (the failed action was rolled back): mark the case as an
    incident and log what the user submitted (announced like the appeal's other events), so a
    retry can complete the task with it."""
    with transaction():
        mark_incident(instance_id, failure)
        log_event(
            appeal,
            "incident",
            actor,
            task=task,
            data={**incident_data(failure), "submitted": json_safe(submitted)},
        )


def _record_timing(
    task: _TaskRef, appeal: Appeal, version_id: int, actor: User | None, ready: dt.datetime | None
) -> None:
    record_timing(
        task_id=task.id,
        task_name=task.name,
        subject_kind=APPEAL,
        subject_id=appeal.id,
        version_id=version_id,
        district_id=appeal.district_id,
        mahalla_id=appeal.mahalla_id,
        actor=actor,
        ready=ready,
    )


def case_events(appeal: Appeal) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.appeal_id == appeal.id).order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    )


def case_forms(appeal: Appeal) -> dict[str, FormDefinition]:
    """The form of every user task in the case's own process version, by task name."""
    row = db.session.execute(
        select(ProcessVersion.content_hash, ProcessVersion.id)
        .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
        .where(ProcessInstance.appeal_id == appeal.id)
    ).one_or_none()
    if row is None:
        return {}
    return {name: info.form for name, info in library_by_hash(row[0], row[1]).user_tasks.items()}


def deliver_case_message(
    appeal: Appeal,
    name: str,
    payload: Mapping[str, Any],
    actor: User | None = None,
    *,
    also: Callable[[Appeal], None] | None = None,
    reopens: bool = True,
) -> bool:
    """Deliver a BPMN message to the appeal's running case and commit, with whatever the caller
    has added to the session: one transaction for the whole action.

    Returns False, changing and committing nothing, when the case does not wait for the message
    (finished, or not at the catching element). A delivered message reopens work on the case,
    so it counts in ``appeal.reopened_count`` (unless ``reopens`` is False: a withdrawal closes
    it). ``also`` runs after a delivery, before the commit.
    Raises Conflict or StepFailed (rolled back).
    """
    with transaction() as tx:
        row = db.session.execute(_case_query().where(ProcessInstance.appeal_id == appeal.id)).one_or_none()
        if row is None:
            tx.skip_commit()
            return False
        record, case_appeal, library = _case_from_row(row)
        instance = Instance.restore(library, record.state)
        before = {ready.id for ready in instance.ready_user_tasks()}
        if not run_engine(lambda: instance.deliver_message(name, payload)):
            tx.skip_commit()
            return False
        events = EventLog()
        events.add(
            case_appeal,
            "message_received",
            actor,
            data={"message": name},
            elements=instance.elements_completed(qualified=True),
        )
        _write_case(
            record,
            case_appeal,
            instance,
            before,
            events,
            actor,
            extra={"reopened_count": case_appeal.reopened_count + 1} if reopens else None,
        )
        for column in ("stage", "status", "reopened_count", "deadline", "is_open"):
            set_committed_value(appeal, column, getattr(case_appeal, column))
        events.write()
        if also is not None:
            also(appeal)
    return True


def fire_timers(instance_id: int, now: dt.datetime) -> str:
    """The timer job's step for an appeal case (within its transaction): fire the due timers,
    written like a task completion; answers the appeal's number."""
    record, appeal, library = _load_case(instance_id)
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
    not_again_at_once(record.id, instance, now, appeal.number)
    events.write()
    return appeal.number


def deliver_signal(instance_id: int, name: str, actor: User | None, rounds: int) -> bool:
    """A signal of the case's district to an appeal case (within the signal job's transaction);
    False, writing nothing, when the case does not wait for it."""
    row = db.session.execute(_case_query().where(ProcessInstance.id == instance_id)).one_or_none()
    if row is None:
        return False
    record, appeal, library = _case_from_row(row)
    instance = Instance.restore(library, record.state)
    if not instance.waits_for_signal(name):
        return False
    before = {ready.id for ready in instance.ready_user_tasks()}
    if not run_engine(lambda: instance.deliver_signal(name)):
        return False
    events = EventLog()
    events.add(
        appeal,
        "signal_received",
        actor,
        data={"signal": name},
        elements=instance.elements_completed(qualified=True),
    )
    _write_case(record, appeal, instance, before, events, actor, signal_rounds=rounds)
    events.write()
    return True
