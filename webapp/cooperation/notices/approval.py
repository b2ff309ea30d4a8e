"""The supervisor's approval of a prevention notice: a subject of the case runtime.

``processes/notices/prevention_notice.bpmn``: a written notice starts an instance whose one user
task (``approve_notice``, the supervisor's lane) waits in the pending-task projection of the
notice's district; completing it ends the instance. The instance, its task, its event log, its
incidents (and their retry), the optimistic lock and the migration onto a corrected version are
the shared runtime's (webapp.cases); this module says what the notice's task looks like and what
the decision changes on the notice (its status, and the delivery of an approved one).
"""

from __future__ import annotations

from collections.abc import Mapping
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
    live_instance,
    log_subject_event,
    run_engine,
    save_state,
    subject_tasks,
    sync_tasks,
)
from webapp.cases.models import PendingTask
from webapp.cases.subjects import SubjectKind, districts, register_subject
from webapp.cases.timings import record_task_timing
from webapp.cases.versions import current_version, library_for, register_bundled_lineage, register_sample_start
from webapp.casework.appeals.deadlines import add_term
from webapp.cooperation.notices.delivery import queue_notice
from webapp.cooperation.notices.models import NoticeStatus, PreventionNotice
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.service import task_scope as user_task_scope
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction

KIND = "prevention_notice"
PROCESS = "prevention_notice"
APPROVAL_TASK = "approve_notice"
DEFAULT_NORM = "P1D"  # a diagram without a norm on the approval
register_bundled_lineage(PROCESS, "notices")  # processes/notices, published like the others


def start_data(title: str) -> dict[str, Any]:
    """What an approval starts with: the notice's title."""
    return {"title": title}


# The studio's sandbox runs a version or draft with the start data of a freshly written notice's approval.
register_sample_start(
    PROCESS, start_data("Telefon firibgarlaridan ehtiyot bo'ling: karta ma'lumotlarini hech kimga aytmang")
)


def subject(notice_id: int) -> Subject:
    return Subject(KIND, notice_id)


def _task_row(notice: PreventionNotice) -> Any:
    """The columns of a new approval task: the notice's district (its first mahalla as the task's
    place) and a due date from the task's norm."""

    mahalla_id = min(m.id for m in notice.mahallas)

    def row(task: ReadyTask) -> dict[str, Any]:
        norm = task.properties.get("norm") or DEFAULT_NORM
        try:
            due = add_term(local_today(), norm)
        except ValueError:
            due = add_term(local_today(), DEFAULT_NORM)
        return {"mahalla_id": mahalla_id, "district_id": notice.district_id, "due_date": due}

    return row


def start_approval(notice: PreventionNotice, actor: User) -> None:
    """Start the approval of a freshly written notice (within the caller's transaction; the notice
    has its id and mahallas). A diagram failure is StepFailed: nothing is saved."""
    version = current_version(PROCESS)
    instance = run_engine(lambda: Instance.start(library_for(version), start_data(notice.title)))
    record_id = add_instance(subject(notice.id), version.id, instance)
    sync_tasks(record_id, subject(notice.id), instance.ready_user_tasks(), set(), _task_row(notice))
    log_subject_event(subject(notice.id), "approval_started", actor)


def task_scope(user: User) -> ColumnElement[bool]:
    """The approval tasks the user may work on: the supervisor's of their territory (or assigned)."""
    return (PendingTask.subject_kind == KIND) & user_task_scope(user)


def approval_tasks_for(user: User, limit: int = 50) -> list[PendingTask]:
    """The approval tasks waiting for the user, oldest first."""
    if user.role != Role.SUPERVISOR.value:
        return []
    query = select(PendingTask).where(task_scope(user)).order_by(PendingTask.created_at, PendingTask.id)
    return list(db.session.scalars(query.limit(limit)))


def approval_task_for(user: User, task_id: str) -> PendingTask | None:
    if len(task_id) > 36:
        return None
    return db.session.scalar(select(PendingTask).where(PendingTask.id == task_id, task_scope(user)))


def waiting_task(notice_id: int) -> PendingTask | None:
    """The notice's approval task while it waits."""
    return next(iter(subject_tasks(subject(notice_id))), None)


def complete_approval(task: PendingTask, actor: User, submitted: Mapping[str, Any]) -> int:
    """Complete the approval task and commit: the notice is approved (and queued to its
    subscribers) or returned. Raises FormInvalid, Conflict (reviewed meanwhile), CaseNotRunning, or
    StepFailed (the approval is then an incident that keeps what was submitted, for a retry).
    Returns the number of messages queued."""
    record = None
    try:
        with transaction():
            notice = db.session.get(PreventionNotice, task.subject_id)
            record, instance = live_instance(subject(task.subject_id))
            if notice is None or notice.status != NoticeStatus.AWAITING_APPROVAL:
                raise Conflict("the notice was reviewed meanwhile")
            if record.status in BLOCKED:
                raise CaseNotRunning(record.status)
            before = {view.id for view in instance.ready_user_tasks()}
            try:
                clean = run_engine(lambda: instance.complete(task.id, submitted))
            except TaskNotReady:
                raise Conflict("the task was already completed") from None
            elements = instance.elements_completed(qualified=True)
            data = json_safe(clean)
            log_subject_event(subject(notice.id), "task_completed", actor, task=task, data=data, elements=elements)
            save_state(record, instance, actor_id=actor.id)  # Conflict if another step won
            record_task_timing(task, record.process_version_id, actor)
            sync_tasks(record.id, subject(notice.id), instance.ready_user_tasks(), before, _task_row(notice))
            if record.status == INCIDENT:
                clear_incident(record.id)
            approved = bool(clean.get("notice_approved"))
            notice.status = NoticeStatus.APPROVED if approved else NoticeStatus.RETURNED
            notice.reviewer_id = actor.id
            notice.reviewed_at = utcnow()
            notice.review_comment = str(clean.get("supervisor_comment") or "")
            queued = queue_notice(notice) if approved else 0
    except StepFailed as failed:
        if record is not None:
            record_subject_incident(record.id, subject(task.subject_id), actor, task, submitted, failed.failure)
        raise
    return queued


def retry_approval(notice_id: int, actor: User) -> int:
    """Complete the failed approval again with what its supervisor submitted (after a fix and a migration)."""
    pending, submitted, submitter = failed_submission(subject(notice_id))
    return complete_approval(pending, submitter or actor, submitted)


def _advanced(notice_id: int, record_id: int, instance: Instance, before: set[str]) -> None:
    """The runtime moved the approval on (fired timers or a signal, a diagram that has some): its tasks follow."""
    notice = db.session.get(PreventionNotice, notice_id)
    if notice is not None:
        sync_tasks(record_id, subject(notice_id), instance.ready_user_tasks(), before, _task_row(notice))


def _complete_from_api(user: User, task: PendingTask, submitted: Mapping[str, Any]) -> bool:
    mine = approval_task_for(user, task.id)
    if mine is None:
        return False
    complete_approval(mine, user, submitted)
    return True


register_subject(
    SubjectKind(
        kind=KIND,
        prefix="notice",
        endpoint="notices.notice_detail",
        id_argument="notice_id",
        task_endpoint="notices.approval_task",
        complete=_complete_from_api,
        retry=retry_approval,
        advanced=_advanced,
        **districts(PreventionNotice.id, PreventionNotice.district_id),
    )
)
