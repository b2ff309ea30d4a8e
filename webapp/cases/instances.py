"""The subject-neutral part of the case runtime: one instance row per subject, guarded writes,
the pending-task projection and the event log, for any kind of subject (an appeal, a prevention
plan, a patrol report's review, …).

A subject module (webapp.casework.appeals, webapp.prevention.registry.plans, …) decides what its
tasks look like (title, lane, due date, assignee) and what its events mean; everything here is
the same for all of them. SQL only; callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, inspect, or_, select, update
from sqlalchemy.orm import joinedload

from engine import EngineStepFailed, FormDefinition, Instance, ProcessLibrary, ReadyTask, migrate_state
from webapp.cases.models import CaseEvent, CaseStatus, PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.signal_queue import MAX_ROUNDS, queue_thrown
from webapp.cases.versions import library_by_hash
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow
from webapp.platform.write_batch import update_guarded


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


def run_engine(action: Callable[[], Any]) -> Any:
    """Run an engine action; a diagram failure becomes StepFailed (the caller records the incident)."""
    try:
        return action()
    except EngineStepFailed as failure:
        raise StepFailed(failure) from None


@dataclass(frozen=True)
class Subject:
    """What a case runs for: ``kind`` (models.APPEAL, models.PREVENTION_PLAN, …) and the row id."""

    kind: str
    id: int


@dataclass(frozen=True)
class CaseRow:
    id: int
    state: str
    version: int
    process_version_id: int
    status: str = CaseStatus.RUNNING


def instance_row(subject: Subject) -> tuple[CaseRow, str] | None:
    """The subject's live instance and its version's content hash (None when it has none)."""
    row = db.session.execute(
        select(
            ProcessInstance.id,
            ProcessInstance.state,
            ProcessInstance.version,
            ProcessInstance.process_version_id,
            ProcessInstance.status,
            ProcessVersion.content_hash,
        )
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessInstance.subject_kind == subject.kind, ProcessInstance.subject_id == subject.id)
    ).one_or_none()
    if row is None:
        return None
    record_id, state, version, version_id, status, digest = row
    return CaseRow(record_id, state, version, version_id, status), digest


def live_instance(subject: Subject) -> tuple[CaseRow, Instance]:
    """The subject's live instance restored on its own version (Conflict when it has none)."""
    found = instance_row(subject)
    if found is None:
        raise Conflict("the case has no process")
    record, digest = found
    return record, Instance.restore(library_by_hash(digest, record.process_version_id), record.state)


def instance_by_id(instance_id: int) -> tuple[CaseRow, Subject, str] | None:
    """An instance by its row id: its state, its subject and its version's content hash."""
    row = db.session.execute(
        select(
            ProcessInstance.id,
            ProcessInstance.state,
            ProcessInstance.version,
            ProcessInstance.process_version_id,
            ProcessInstance.status,
            ProcessInstance.subject_kind,
            ProcessInstance.subject_id,
            ProcessVersion.content_hash,
        )
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessInstance.id == instance_id)
    ).one_or_none()
    if row is None:
        return None
    record_id, state, version, version_id, status, kind, subject_id, digest = row
    return CaseRow(record_id, state, version, version_id, status), Subject(kind, subject_id), digest


def migrate_instance(record: CaseRow, old: ProcessLibrary, new: ProcessLibrary, target_id: int) -> Instance:
    """Move the live state onto another version (engine MigrationRefused when a live task has no
    counterpart); the waiting tasks keep their ids and assignees and take the target's titles and lanes."""
    instance = Instance.restore(new, migrate_state(old, new, record.state))
    save_state(record, instance, progress=False, process_version_id=target_id)
    for task in instance.ready_user_tasks():
        db.session.execute(
            update(PendingTask.__table__)
            .where(PendingTask.id == task.id)
            .values(title=task.title, role=task.lane or "")
        )
    return instance


def add_instance(
    subject: Subject, version_id: int, instance: Instance, *, appeal_id: int | None = None, actor_id: int | None = None
) -> int:
    """Store a freshly started instance for the subject, queueing the signals its start threw;
    returns its row id."""
    now = utcnow()
    result = db.session.execute(
        insert(ProcessInstance.__table__).values(
            subject_kind=subject.kind,
            subject_id=subject.id,
            appeal_id=appeal_id,
            process_version_id=version_id,
            state=instance.serialize(),
            version=1,
            is_completed=instance.is_completed,
            status=CaseStatus.RUNNING,
            status_reason="",
            incident_error="",
            next_timer_at=instance.next_timer_due(),
            last_progress_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    record_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    if instance.thrown:
        queue_thrown(record_id, instance.thrown, actor_id)
    return record_id


def save_state(
    record: CaseRow,
    instance: Instance,
    *,
    progress: bool = True,
    process_version_id: int | None = None,
    actor_id: int | None = None,
    signal_rounds: int = MAX_ROUNDS,
    queue_thrown_signals: bool = True,
) -> None:
    """Write the new state if nobody else has since we read it (optimistic lock), else Conflict —
    raised at once, or inside ``batched_writes`` when the batch is sent; and queue the BPMN signals
    the step threw for the other cases of its subject's district.

    ``progress``: a person moved the case on (not only a timer), which sets last_progress_at.
    ``process_version_id``: the state now runs on another version (a migration, a new phase).
    ``signal_rounds``: how many more times signals may set off signals (a case reached by a
    signal passes them on with one less); ``queue_thrown_signals`` False for a kind that queues
    them itself (the appeal runtime knows its district without asking).
    """
    now = utcnow()
    values: dict[str, Any] = {
        "state": instance.serialize(),
        "version": record.version + 1,
        "is_completed": instance.is_completed,
        "updated_at": now,
        "next_timer_at": instance.next_timer_due(),
    }
    if progress:
        values["last_progress_at"] = now
    if process_version_id is not None:
        values["process_version_id"] = process_version_id
    # Inside batched writes (a completion) it goes out with them: one statement on PostgreSQL.
    update_guarded(ProcessInstance.__table__, record.id, {"version": record.version}, values, _changed_meanwhile)
    if queue_thrown_signals and instance.thrown:
        queue_thrown(record.id, instance.thrown, actor_id, rounds=signal_rounds)


def _changed_meanwhile() -> Conflict:
    return Conflict("the case was changed by someone else")


def set_status(record_id: int, status: str) -> None:
    """Mark the instance (e.g. cancelled when its subject is withdrawn); within the caller's transaction."""
    db.session.execute(update(ProcessInstance.__table__).where(ProcessInstance.id == record_id).values(status=status))


TaskRow = Callable[[ReadyTask], dict[str, Any]]


def sync_tasks(
    record_id: int, subject: Subject, ready: list[ReadyTask], before: set[str], row: TaskRow
) -> list[ReadyTask]:
    """Bring the subject's pending-task rows in line with its READY user tasks; returns the new ones.

    ``row`` gives the subject's columns of a new task (title, role, territory, assignee, due date).
    """
    after = {task.id for task in ready}
    finished = before - after
    if finished:
        db.session.execute(delete(PendingTask.__table__).where(PendingTask.id.in_(finished)))
    created = [task for task in ready if task.id not in before]
    if created:
        now = utcnow()
        rows = [
            {
                "id": task.id,
                "instance_id": record_id,
                "subject_kind": subject.kind,
                "subject_id": subject.id,
                "appeal_id": None,
                "name": task.name,
                "title": task.title,
                "role": task.lane or "",
                "assignee_id": None,
                "created_at": now,
                **row(task),
            }
            for task in created
        ]
        db.session.execute(insert(PendingTask.__table__), rows)
    return created


def drop_tasks(subject: Subject) -> None:
    db.session.execute(
        delete(PendingTask.__table__).where(
            PendingTask.subject_kind == subject.kind, PendingTask.subject_id == subject.id
        )
    )


def subject_tasks(subject: Subject) -> list[PendingTask]:
    return list(
        db.session.scalars(
            select(PendingTask)
            .where(PendingTask.subject_kind == subject.kind, PendingTask.subject_id == subject.id)
            .order_by(PendingTask.due_date, PendingTask.created_at)
        )
    )


def log_subject_event(
    subject: Subject,
    kind: str,
    actor: User | None,
    *,
    task: ReadyTask | PendingTask | None = None,
    task_name: str | None = None,
    data: Mapping[str, Any] | None = None,
    occurred_at: Any = None,
    elements: list[str] | None = None,
) -> None:
    """Append one event to the subject's log (within the caller's transaction)."""
    db.session.execute(
        insert(CaseEvent.__table__),
        [
            {
                "subject_kind": subject.kind,
                "subject_id": subject.id,
                "appeal_id": None,
                "occurred_at": occurred_at or utcnow(),
                "actor_id": actor.id if actor else None,
                "kind": kind,
                "task_id": task.id if task else None,
                "task_name": task.name if task else task_name,
                "task_title": task.title if task else None,
                "stage": None,
                "data": dict(data or {}),
                "elements": elements,
            }
        ],
    )


def events_of(*subjects: Subject) -> list[CaseEvent]:
    """The log of the given subjects, oldest first, with their actors."""
    if not subjects:
        return []
    match = or_(*((CaseEvent.subject_kind == s.kind) & (CaseEvent.subject_id == s.id) for s in subjects))
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(match)
            .options(joinedload(CaseEvent.actor))
            .order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    )


def restore(library: ProcessLibrary, record: CaseRow) -> Instance:
    return Instance.restore(library, record.state)


def was_completed(task_id: str) -> CaseEvent | None:
    """The ``task_completed`` event of a task no longer waiting (None: it never was completed)."""
    return db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == task_id, CaseEvent.kind == "task_completed"))


def task_forms(tasks: Sequence[PendingTask]) -> dict[str, FormDefinition]:
    """The form definition of each pending task (by its id), from its case's own process version:
    the version loaded with the tasks (an API listing's ``PendingTask.version``), the others' in one
    query for the whole list; the parsed versions cached per process."""
    versions = {
        task.instance_id: (task.version.content_hash, task.version.id)
        for task in tasks
        if "version" not in inspect(task).unloaded and task.version is not None
    }
    missing = {task.instance_id for task in tasks} - versions.keys()
    if missing:
        versions.update(
            (instance_id, (content_hash, version_id))
            for instance_id, content_hash, version_id in db.session.execute(
                select(ProcessInstance.id, ProcessVersion.content_hash, ProcessVersion.id)
                .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
                .where(ProcessInstance.id.in_(missing))
            )
        )
    forms = {}
    for task in tasks:
        version = versions.get(task.instance_id)
        info = library_by_hash(*version).user_task(task.name) if version is not None else None
        forms[task.id] = info.form if info is not None else FormDefinition(key="")
    return forms
