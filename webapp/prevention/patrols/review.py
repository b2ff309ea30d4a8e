"""The supervisor's review of a patrol report: a procedure on the case runtime, in one module.

``processes/patrol_review/patrol_report_review.bpmn``: a filed report goes to the supervisor of
its district, who accepts it or returns it with a comment; the inspector answers and it comes
back for review. Everything else (the inbox, the API, reassignment, migration, incidents and
retry, the version library) comes from webapp.cases through the shared tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from engine import Instance, ReadyTask, TaskNotReady
from webapp.cases.incidents import (
    BLOCKED,
    INCIDENT,
    clear_incident,
    failed_submission,
    json_safe,
    record_subject_incident,
)
from webapp.cases.instances import (
    CaseNotRunning,
    Conflict,
    StepFailed,
    Subject,
    add_instance,
    events_of,
    live_instance,
    log_subject_event,
    run_engine,
    save_state,
    subject_tasks,
    sync_tasks,
)
from webapp.cases.models import CaseEvent, PendingTask
from webapp.cases.subjects import SubjectKind, districts, register_subject
from webapp.cases.timings import record_task_timing
from webapp.cases.versions import current_version, library_for, register_bundled_lineage, register_sample_start
from webapp.casework.appeals.deadlines import add_term
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.timeutil import local_today
from webapp.platform.transaction import transaction
from webapp.prevention.work.models import PatrolReport
from webapp.prevention.work.scope import territory_scope

KIND = "patrol_report"
PROCESS = "patrol_report_review"
register_bundled_lineage(PROCESS, "patrol_review")


def start_data(report_id: int) -> dict[str, Any]:
    """What a review starts with: the report it reviews."""
    return {"report_id": report_id}


# The studio's sandbox runs a version or draft with the start data of a filed report's review.
register_sample_start(PROCESS, start_data(1))


def subject(report_id: int) -> Subject:
    return Subject(KIND, report_id)


def _task_row(report: PatrolReport) -> Any:
    """The columns of a new review task: the report's territory, its author for the inspector's
    lane when the author is an inspector, and a due date from the task's norm."""

    author = db.session.get(User, report.author_id) if report.author_id else None
    inspector = author.id if author is not None and author.role == Role.INSPECTOR.value else None

    def row(task: ReadyTask) -> dict[str, Any]:
        norm = task.properties.get("norm")
        return {
            "mahalla_id": report.mahalla_id,
            "district_id": report.district_id,
            "assignee_id": inspector if task.lane == Role.INSPECTOR.value else None,
            "due_date": add_term(local_today(), norm) if norm else local_today() + dt.timedelta(days=3),
        }

    return row


def start_review(report: PatrolReport, actor: User) -> None:
    """Start the review of a freshly filed report (within the caller's transaction)."""
    version = current_version(PROCESS)
    instance = run_engine(lambda: Instance.start(library_for(version), start_data(report.id)))
    record_id = add_instance(subject(report.id), version.id, instance)
    sync_tasks(record_id, subject(report.id), instance.ready_user_tasks(), set(), _task_row(report))
    log_subject_event(subject(report.id), "review_started", actor)


def task_scope(user: User) -> ColumnElement[bool]:
    """The review tasks the user may work on: their role's lane, in their territory."""
    return (
        (PendingTask.subject_kind == KIND)
        & (PendingTask.role == user.role)
        & territory_scope(user, PendingTask.mahalla_id, PendingTask.district_id)
    )


def review_tasks_for(user: User, limit: int = 50) -> list[PendingTask]:
    """The inbox panel: the review tasks the user may work on, nearest due date first."""
    query = select(PendingTask).where(task_scope(user)).order_by(PendingTask.due_date, PendingTask.created_at)
    return list(db.session.scalars(query.limit(limit)))


def review_task_for(user: User, task_id: str) -> PendingTask | None:
    if len(task_id) > 36:
        return None
    return db.session.scalar(select(PendingTask).where(PendingTask.id == task_id, task_scope(user)))


def task_view(task: PendingTask) -> ReadyTask:
    """The live form of a review task (TaskNotReady when it is gone)."""
    ready = {view.id: view for view in live_instance(subject(task.subject_id))[1].ready_user_tasks()}
    if task.id not in ready:
        raise TaskNotReady(task.id)
    return ready[task.id]


def complete_review_task(task: PendingTask, actor: User, submitted: Mapping[str, Any]) -> dict[str, Any]:
    """Complete a review task and commit; raises FormInvalid, Conflict, or StepFailed (the review
    is then an incident that keeps what was submitted, for a retry). Returns the clean data."""
    report = db.session.get(PatrolReport, task.subject_id)
    record = None
    try:
        with transaction():
            record, instance = live_instance(subject(task.subject_id))
            if report is None:
                raise Conflict("the report is gone")
            if record.status in BLOCKED:
                raise CaseNotRunning(record.status)
            before = {view.id for view in instance.ready_user_tasks()}
            try:
                clean = run_engine(lambda: instance.complete(task.id, submitted))
            except TaskNotReady:
                raise Conflict("the task was already completed") from None
            data = json_safe(clean)
            elements = instance.elements_completed(qualified=True)
            log_subject_event(subject(report.id), "task_completed", actor, task=task, data=data, elements=elements)
            save_state(record, instance, actor_id=actor.id)  # Conflict if another step won
            record_task_timing(task, record.process_version_id, actor)
            sync_tasks(record.id, subject(report.id), instance.ready_user_tasks(), before, _task_row(report))
            if record.status == INCIDENT:
                clear_incident(record.id)
    except StepFailed as failed:
        if record is not None:
            record_subject_incident(record.id, subject(task.subject_id), actor, task, submitted, failed.failure)
        raise
    return dict(clean)


def retry_review(report_id: int, actor: User) -> dict[str, Any]:
    """Complete the failed task again with what its user submitted (after a fix and a migration)."""
    pending, submitted, submitter = failed_submission(subject(report_id))
    return complete_review_task(pending, submitter or actor, submitted)


@dataclass(frozen=True)
class Review:
    """What the report page shows: the waiting tasks and the review's log."""

    tasks: list[PendingTask]
    events: list[CaseEvent]

    @property
    def accepted(self) -> bool:
        done = [e for e in self.events if e.kind == "task_completed" and e.task_name == "review_patrol_report"]
        return not self.tasks and bool(done) and bool(done[-1].data.get("report_accepted"))


def review_of(report: PatrolReport) -> Review:
    return Review(subject_tasks(subject(report.id)), events_of(subject(report.id)))


def _complete_from_api(user: User, task: PendingTask, submitted: Mapping[str, Any]) -> bool:
    mine = review_task_for(user, task.id)
    if mine is None:
        return False
    complete_review_task(mine, user, submitted)
    return True


register_subject(
    SubjectKind(
        kind=KIND,
        prefix="patrol-report",
        endpoint="prevention_work.patrol_report",
        id_argument="report_id",
        task_endpoint="prevention_work.patrol_review_task",
        complete=_complete_from_api,
        retry=retry_review,
        **districts(PatrolReport.id, PatrolReport.district_id),
    )
)
