"""Running cases on the engine: one function per user action, one transaction each.

The flow of every action: load the instance → restore it against its own process version →
let the engine act → write the new state, the pending-task projection and the event log →
commit together. A concurrent change of the same instance is detected by the optimistic
version counter and reported as a conflict; nothing half-done is ever committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from engine import (
    EngineStepFailed,
    FiredRule,
    FormDefinition,
    Instance,
    LibraryCache,
    ProcessLibrary,
    ReadyTask,
    TaskNotReady,
    check_decisions,
    content_hash,
    decide,
    load_library,
    migrate_state,
)
from forms.builder import RESERVED_FIELD_IDS
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.cases.assignment.auto import announce_assignments, choose_assignees
from webapp.cases.hooks import TaskCompletion, run_hooks
from webapp.cases.incidents import BLOCKED, INCIDENT, clear_incident, record_incident
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.reminder_service import react_to_timers
from webapp.cases.timer_data import timer_data
from webapp.casework.appeals.deadlines import DEFAULT_TERM, add_term, effective_deadline, task_due_date
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import LANE_ROLES, User
from webapp.platform.timeutil import as_utc, local_today, utcnow

APPEAL_PROCESS = "appeal_lifecycle"
DIAGRAM_SUFFIXES = (".bpmn", ".dmn")

# What our application needs of every diagram: lanes named after roles, form ids a form can carry.
LIBRARY_RULES: dict[str, Any] = {"allowed_lanes": LANE_ROLES, "reserved_field_ids": RESERVED_FIELD_IDS}

_libraries = LibraryCache()


class Conflict(Exception):
    """The case changed meanwhile, or the task was already completed."""


class CaseNotRunning(Conflict):
    """The case is suspended or cancelled: its tasks cannot be completed (``status`` says which)."""

    def __init__(self, status: str) -> None:
        super().__init__(f"the case is {status}")
        self.status = status


class StepFailed(Exception):
    """The engine could not run the case on (a script or condition failed)."""

    def __init__(self, failure: EngineStepFailed) -> None:
        super().__init__(str(failure))
        self.failure = failure


@dataclass(frozen=True)
class CompletedTask:
    appeal: Appeal
    task_name: str
    data: dict[str, Any]


def library_for(version: ProcessVersion) -> ProcessLibrary:
    return library_by_hash(version.content_hash, version.id)


def library_by_hash(digest: str, version_id: int) -> ProcessLibrary:
    """The parsed library of a version; its documents are read from the database only on a cache miss."""

    def load() -> ProcessLibrary:
        files = db.session.scalar(select(ProcessVersion.files).where(ProcessVersion.id == version_id))
        return load_library(files or {}, _process_id_of(version_id), **LIBRARY_RULES)

    return _libraries.get(digest, load)


def library_of_files(process_id: str, files: Mapping[str, str]) -> ProcessLibrary:
    """The parsed library of unpublished documents (a draft), cached by content; raises DiagramError."""
    return _libraries.get(content_hash(files), lambda: load_library(files, process_id, **LIBRARY_RULES))


def _process_id_of(version_id: int) -> str:
    return str(db.session.scalar(select(ProcessVersion.process_id).where(ProcessVersion.id == version_id)))


def read_process_directory(directory: str | Path) -> dict[str, str]:
    folder = Path(directory)
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.iterdir())
        if path.suffix in DIAGRAM_SUFFIXES and path.is_file()
    }


# Lineages with bundled diagrams in processes/: the appeal lifecycle at the top of the folder,
# every other lineage in its own sub-folder (e.g. processes/prevention/ for "prevention_plan").
BUNDLED_LINEAGES: dict[str, str] = {APPEAL_PROCESS: ""}


def register_bundled_lineage(process_id: str, subfolder: str) -> None:
    """Declare that ``processes/<subfolder>/`` holds the bundled diagrams of ``process_id``."""
    BUNDLED_LINEAGES[process_id] = subfolder


def bundled_files(process_id: str) -> dict[str, str]:
    """The diagrams shipped with the code for ``process_id`` (KeyError for an unknown lineage)."""
    folder = Path(current_app.config["PROCESSES_DIR"]) / BUNDLED_LINEAGES[process_id]
    return read_process_directory(folder)


def is_decision_library(files: Mapping[str, str]) -> bool:
    """A lineage of DMN tables only (no process), e.g. the rules behind a report's recommendations."""
    return not any(name.endswith(".bpmn") for name in files)


def latest_version(process_id: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.id.desc())
    )


def publish_files(
    process_id: str, files: Mapping[str, str], *, actor: User | None = None, note: str = ""
) -> ProcessVersion:
    """Validate and store a library version (no-op when identical content is already stored).

    A library with BPMN must hold the process ``process_id``; a decision library (DMN only) is
    checked table by table. Raises DiagramError with element-level problems.
    """
    digest = content_hash(files)
    existing = db.session.scalar(select(ProcessVersion).where(ProcessVersion.content_hash == digest))
    if existing is not None:
        return existing
    if not is_decision_library(files):
        load_library(files, process_id, **LIBRARY_RULES)  # raises DiagramError
    check_decisions(files)  # DMN expressions are untrusted too (raises DiagramError)
    version = ProcessVersion(
        process_id=process_id,
        content_hash=digest,
        files=dict(files),
        note=note,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def current_version(process_id: str = APPEAL_PROCESS) -> ProcessVersion:
    """The newest published version; on an empty database, publish the bundled diagrams."""
    version = latest_version(process_id)
    if version is None:
        version = publish_files(process_id, bundled_files(process_id), note="bundled diagrams")
    return version


def decide_with_latest(process_id: str, decision_id: str, data: Mapping[str, Any]) -> list[FiredRule]:
    """Evaluate a decision table of the newest version of ``process_id`` (raises EngineError)."""
    return decide(current_version(process_id).files, decision_id, data)


def _event_row(
    appeal: Appeal,
    kind: str,
    actor: User | None,
    task: ReadyTask | PendingTask | _TaskRef | None = None,
    data: Mapping[str, Any] | None = None,
    elements: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "appeal_id": appeal.id,
        "occurred_at": utcnow(),
        "actor_id": actor.id if actor else None,
        "kind": kind,
        "task_id": task.id if task else None,
        "task_name": task.name if task else None,
        "task_title": task.title if task else None,
        "stage": appeal.stage,
        "data": dict(data or {}),
        "elements": elements,
    }


class EventLog:
    """The case events of one action, appended to the log in one statement."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None:
        self.rows.append(_event_row(appeal, kind, actor, **details))

    def write(self) -> None:
        if self.rows:
            db.session.execute(insert(CaseEvent.__table__), self.rows)
            self.rows = []


def log_event(appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None:
    """Append one event to the case's log (within the caller's transaction)."""
    db.session.execute(insert(CaseEvent.__table__), [_event_row(appeal, kind, actor, **details)])


def _case_changes(appeal: Appeal, instance: Instance) -> dict[str, Any]:
    """What the diagram decided (stage, status, deadline term, …) that differs from the appeal row."""
    data = instance.current_data()
    wanted: dict[str, Any] = {}
    for name in ("kind", "category", "urgency", "status"):
        if isinstance(data.get(name), str) and data[name]:
            wanted[name] = data[name]
    if isinstance(data.get("anonymous"), bool):
        wanted["anonymous"] = data["anonymous"]
    if isinstance(data.get("stage"), int):
        wanted["stage"] = data["stage"]
    term = data.get("deadline_term")
    if isinstance(term, str):
        try:
            wanted["deadline"] = effective_deadline(add_term(appeal.registered_on, term), appeal.extended_until)
        except ValueError:
            current_app.logger.warning("appeal %s: ignoring bad deadline term %r", appeal.number, term)
    if instance.is_completed and appeal.is_open:
        wanted["is_open"] = False
        wanted["closed_at"] = utcnow()
    return {name: value for name, value in wanted.items() if getattr(appeal, name) != value}


def project_tasks(
    record_id: int,
    appeal: Appeal,
    instance: Instance,
    before: set[str],
    deadline_changed: bool,
    *,
    retitle: bool = False,
) -> list[ReadyTask]:
    """Bring the pending-task rows in line with the READY user tasks: drop finished ones, add new ones.

    ``before`` holds the ids of the READY tasks before the engine acted, which are exactly the
    rows in the projection; unchanged rows keep their assignee. ``retitle``: the case moved to
    another process version, so kept rows take their title and lane from it.
    """
    ready = instance.ready_user_tasks()
    after = {task.id for task in ready}
    finished = before - after
    if finished:
        db.session.execute(delete(PendingTask.__table__).where(PendingTask.id.in_(finished)))
    kept = before & after
    if kept and retitle:
        for task in ready:
            if task.id in kept:
                db.session.execute(
                    update(PendingTask.__table__)
                    .where(PendingTask.id == task.id)
                    .values(title=task.title, role=task.lane or "")
                )
    if kept and deadline_changed:
        created_dates = _created_dates(kept)
        by_due: dict[Any, list[str]] = {}
        for task in ready:
            if task.id in kept:
                due = task_due_date(
                    task.name, appeal, norm=task.properties.get("norm"), created_on=created_dates[task.id]
                )
                by_due.setdefault(due, []).append(task.id)
        for due, ids in by_due.items():
            db.session.execute(update(PendingTask.__table__).where(PendingTask.id.in_(ids)).values(due_date=due))
    created = [task for task in ready if task.id not in before]
    if created:
        now = utcnow()
        created_on = max(local_today(now), appeal.registered_on)  # norms run from the registration day
        rows = [
            {
                "id": task.id,
                "instance_id": record_id,
                "appeal_id": appeal.id,
                "name": task.name,
                "title": task.title,
                "role": task.lane or "",
                "mahalla_id": appeal.mahalla_id,
                "district_id": appeal.district_id,
                "assignee_id": None,
                "due_date": task_due_date(
                    task.name,
                    appeal,
                    norm=task.properties.get("norm"),
                    created_on=created_on,
                ),
                "created_at": now,
            }
            for task in created
        ]
        choose_assignees(rows)
        db.session.execute(insert(PendingTask.__table__), rows)
    return created


def _created_dates(task_ids: set[str]) -> dict[str, dt.date | None]:
    rows = db.session.execute(select(PendingTask.id, PendingTask.created_at).where(PendingTask.id.in_(task_ids)))
    return {task_id: local_today(created) if created else None for task_id, created in rows}


def _run_engine(action: Any) -> Any:
    try:
        return action()
    except EngineStepFailed as failure:
        raise StepFailed(failure) from None


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
        "deadline_term": DEFAULT_TERM,
        **timer_data(appeal.deadline),
    }
    instance = _run_engine(lambda: Instance.start(library, start_data))
    for name, value in _case_changes(appeal, instance).items():
        setattr(appeal, name, value)
    _run_engine(lambda: instance.set_timer_data(timer_data(appeal.deadline)))
    record = ProcessInstance(
        appeal_id=appeal.id,
        process_version_id=version.id,
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
    created = project_tasks(record.id, appeal, instance, set(), False)
    for task in created:
        events.add(appeal, "task_created", None, task=task)
    announce_assignments(appeal, [task.id for task in created], events)
    events.write()
    return record


@dataclass(frozen=True)
class _CaseRow:
    id: int
    state: str
    version: int
    process_version_id: int
    status: str = "running"


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


def _case_from_row(row: Any) -> tuple[_CaseRow, Appeal, ProcessLibrary]:
    appeal, record_id, state, version, version_id, digest, status = row
    return _CaseRow(record_id, state, version, version_id, status), appeal, library_by_hash(digest, version_id)


def _load_case(instance_id: int) -> tuple[_CaseRow, Appeal, ProcessLibrary]:
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


def _save_state(
    record: _CaseRow, instance: Instance, *, progress: bool = True, process_version_id: int | None = None
) -> None:
    """Write the new state if nobody else has since we read it (optimistic lock), else Conflict.

    ``progress``: a person moved the case on (not only a timer), which sets last_progress_at.
    ``process_version_id``: the state now runs on another version (a migration).
    """
    now = utcnow()
    progressed: dict[str, Any] = {"last_progress_at": now} if progress else {}
    if process_version_id is not None:
        progressed["process_version_id"] = process_version_id
    result = db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id == record.id, ProcessInstance.version == record.version)
        .values(
            state=instance.serialize(),
            version=record.version + 1,
            is_completed=instance.is_completed,
            updated_at=now,
            next_timer_at=instance.next_timer_due(),
            **progressed,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the case was changed by someone else")


def _write_case(
    record: _CaseRow,
    appeal: Appeal,
    instance: Instance,
    before: set[str],
    events: EventLog,
    actor: User | None,
    extra: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
    progress: bool = True,
) -> None:
    """Write what the engine did to a case: the state (guarded by its version), the appeal's
    changed columns, the task projection, and the resulting events (added to ``events``).

    Plain statements, no ORM unit of work; the appeal object is updated to show the result.
    ``now`` is the time the case's timers see (the timer job's injected clock; default: real);
    ``progress`` False when only timers acted (last_progress_at stays).
    """
    changes = {**_case_changes(appeal, instance), **(extra or {})}
    _run_engine(lambda: instance.set_timer_data(timer_data(changes.get("deadline", appeal.deadline)), now=now))
    _save_state(record, instance, progress=progress)
    if changes:
        changes["updated_at"] = utcnow()
        db.session.execute(update(Appeal.__table__).where(Appeal.id == appeal.id).values(**changes))
        for name, value in changes.items():
            set_committed_value(appeal, name, value)
    created_tasks = project_tasks(record.id, appeal, instance, before, "deadline" in changes)
    for created in created_tasks:
        events.add(appeal, "task_created", None, task=created)
    announce_assignments(appeal, [task.id for task in created_tasks], events)
    react_to_timers(appeal, instance.elements_completed(qualified=True), created_tasks, events)
    if instance.is_completed:
        events.add(appeal, "case_closed", actor, data={"status": appeal.status})


def complete_task(
    pending: PendingTask,
    actor: User,
    submitted: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    extra_data: Mapping[str, Any] | None = None,
) -> CompletedTask:
    """Complete one task for the actor and commit, or raise without changing anything.

    Raises engine.FormInvalid (bad data), Conflict (completed or changed meanwhile) or
    StepFailed (the diagram failed after the task; the case is marked as an incident). The caller
    has checked role and territory. ``extra_data``: case data a retry supplies besides the form.
    """
    try:
        case = _load_case(pending.instance_id)
    except BaseException:
        db.session.rollback()
        raise
    task = _TaskRef(pending.id, pending.name, pending.title)
    return _complete(task, case, actor, submitted, expected_version, extra_data)


def complete_task_in_scope(actor: User, task_id: str, submitted: Mapping[str, Any], scope: Any) -> CompletedTask | None:
    """Like complete_task, for a task id the actor may work on (``scope``); None when there is none.

    The task, its case and its version are read in one query: the API's hot path.
    """
    if len(task_id) > 36:
        return None
    try:
        row = db.session.execute(
            _case_query()
            .add_columns(PendingTask.name, PendingTask.title)
            .join(PendingTask, PendingTask.instance_id == ProcessInstance.id)
            .where(PendingTask.id == task_id, scope)
        ).one_or_none()
    except BaseException:
        db.session.rollback()
        raise
    if row is None:
        return None
    *case_columns, name, title = row
    return _complete(_TaskRef(task_id, name, title), _case_from_row(case_columns), actor, submitted, None)


@dataclass(frozen=True)
class _TaskRef:
    id: str
    name: str
    title: str


def _complete(
    task: _TaskRef,
    case: tuple[_CaseRow, Appeal, ProcessLibrary],
    actor: User,
    submitted: Mapping[str, Any],
    expected_version: int | None,
    extra_data: Mapping[str, Any] | None = None,
) -> CompletedTask:
    """The writes are plain statements (no ORM unit of work): the state guarded by its version,
    the appeal's changed columns, the task projection and the events, committed together."""
    record, appeal, library = case
    try:
        if expected_version is not None and record.version != expected_version:
            raise Conflict("the case was changed by someone else")
        if record.status in BLOCKED:
            raise CaseNotRunning(record.status)
        instance = Instance.restore(library, record.state)
        before = {ready.id for ready in instance.ready_user_tasks()}
        try:
            clean = _run_engine(lambda: instance.complete(task.id, submitted, extra_data))
        except TaskNotReady:
            raise Conflict("the task was already completed") from None
        events = EventLog()
        events.add(
            appeal, "task_completed", actor, task=task, data=clean, elements=instance.elements_completed(qualified=True)
        )
        ready_at = _ready_at(task)  # read before the projection drops the pending row
        _write_case(record, appeal, instance, before, events, actor)  # raises Conflict if another won
        _record_timing(task, appeal, record.process_version_id, actor, ready_at)
        if record.status == INCIDENT:
            clear_incident(record.id)
        run_hooks(TaskCompletion(appeal, task.name, actor, clean, instance.current_data()))
        events.write()
        db.session.commit()
    except StepFailed as failed:
        db.session.rollback()
        record_incident(record.id, appeal, actor, task, submitted, failed.failure)
        raise
    except BaseException:
        db.session.rollback()
        raise
    return CompletedTask(appeal=appeal, task_name=task.name, data=clean)


def _ready_at(task: _TaskRef) -> dt.datetime | None:
    """When the task became ready: its pending row's creation."""
    return db.session.scalar(select(PendingTask.created_at).where(PendingTask.id == task.id))


def _record_timing(
    task: _TaskRef, appeal: Appeal, version_id: int, actor: User | None, ready: dt.datetime | None
) -> None:
    """How long the task waited (written after the case, so a lost race is a Conflict, not a duplicate)."""
    if ready is None:
        return
    completed = utcnow()
    db.session.execute(
        insert(TaskTiming.__table__).values(
            task_id=task.id,
            appeal_id=appeal.id,
            process_version_id=version_id,
            task_name=task.name,
            district_id=appeal.district_id,
            mahalla_id=appeal.mahalla_id,
            ready_at=ready,
            completed_at=completed,
            seconds=max((completed - as_utc(ready)).total_seconds(), 0.0),
            actor_id=actor.id if actor else None,
        )
    )


def was_completed(task_id: str) -> CaseEvent | None:
    return db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == task_id, CaseEvent.kind == "task_completed"))


def case_events(appeal: Appeal) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.appeal_id == appeal.id).order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    )


def task_form(pending: PendingTask) -> FormDefinition:
    """The form definition of a pending task, from its case's own process version."""
    row = db.session.execute(
        select(ProcessVersion.content_hash, ProcessVersion.id)
        .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
        .where(ProcessInstance.id == pending.instance_id)
    ).one_or_none()
    info = library_by_hash(row[0], row[1]).user_task(pending.name) if row is not None else None
    return info.form if info is not None else FormDefinition(key="")


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
) -> bool:
    """Deliver a BPMN message to the appeal's running case and commit, with whatever the caller
    has added to the session: one transaction for the whole action.

    Returns False, changing and committing nothing, when the case does not wait for the message
    (finished, or not at the catching element). A delivered message reopens work on the case,
    so it counts in ``appeal.reopened_count``. ``also`` runs after a delivery, before the commit.
    Raises Conflict or StepFailed (rolled back).
    """
    try:
        row = db.session.execute(_case_query().where(ProcessInstance.appeal_id == appeal.id)).one_or_none()
        if row is None:
            return False
        record, case_appeal, library = _case_from_row(row)
        instance = Instance.restore(library, record.state)
        before = {ready.id for ready in instance.ready_user_tasks()}
        if not _run_engine(lambda: instance.deliver_message(name, payload)):
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
            extra={"reopened_count": case_appeal.reopened_count + 1},
        )
        for column in ("stage", "status", "reopened_count", "deadline", "is_open"):
            set_committed_value(appeal, column, getattr(case_appeal, column))
        events.write()
        if also is not None:
            also(appeal)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return True


def migrate_case(instance_id: int, target: ProcessVersion, actor: User | None) -> None:
    """Move one case to another version of its process and commit, or raise changing nothing.

    The live state is restored on the target's spec (engine.migration), the pending tasks take
    the target's titles and lanes, and a "migrated" event records both versions. Raises
    engine MigrationRefused (a live task has no counterpart), Conflict or StepFailed.
    """
    try:
        record, appeal, library = _load_case(instance_id)
        if record.status == "cancelled":
            raise CaseNotRunning(record.status)
        new_library = library_for(target)
        instance = Instance.restore(new_library, migrate_state(library, new_library, record.state))
        ready = {task.id for task in instance.ready_user_tasks()}  # the same tasks (ids) as before the move
        _save_state(record, instance, progress=False, process_version_id=target.id)
        project_tasks(record.id, appeal, instance, ready, False, retitle=True)
        log_event(appeal, "migrated", actor, data={"from_version": record.process_version_id, "to_version": target.id})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
