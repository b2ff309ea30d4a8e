"""Case status guards and incidents: a case whose engine step failed is marked, not lost.

Kept apart from the runtime so that supervision can read and change a case's status without
importing the engine machinery. SQL only; callers own the transactions except where stated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update

from engine import EngineStepFailed
from webapp.cases.instances import Conflict, Subject, instance_row, log_subject_event
from webapp.cases.models import CaseEvent, CaseStatus, PendingTask, ProcessInstance
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.observability.metrics import ENGINE_STEP_ERRORS
from webapp.platform.transaction import transaction

RUNNING = CaseStatus.RUNNING
SUSPENDED = CaseStatus.SUSPENDED
CANCELLED = CaseStatus.CANCELLED
INCIDENT = CaseStatus.INCIDENT
# Tasks of these cases cannot be completed.
BLOCKED = (SUSPENDED, CANCELLED)


def json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as JSON can store them (dates as ISO strings)."""
    return dict(json.loads(json.dumps(dict(values), default=str)))


def incident_values(failure: EngineStepFailed) -> dict[str, Any]:
    """The incident columns of a case for an engine step that failed: the element, the problem as
    data (code, params: rendered in each reader's language) and its English text for logs."""
    return {
        "incident_element": failure.element_id,
        "incident_error": failure.message[:2000],
        "incident_code": failure.code,
        "incident_params": json_safe(failure.params),
    }


def incident_data(failure: EngineStepFailed) -> dict[str, Any]:
    """What the case event log keeps of an incident."""
    return {
        "element": failure.element_id,
        "error": failure.message[:2000],
        "code": failure.code,
        "params": json_safe(failure.params),
    }


def mark_incident(instance_id: int, failure: EngineStepFailed) -> None:
    """Mark the case as an incident (within the caller's transaction)."""
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id == instance_id, ProcessInstance.status.in_((RUNNING, INCIDENT)))
        .values(status=INCIDENT, **incident_values(failure))
    )
    ENGINE_STEP_ERRORS.inc()


def record_subject_incident(
    instance_id: int,
    subject: Subject,
    actor: User | None,
    task: Any,
    submitted: Mapping[str, Any],
    failure: EngineStepFailed,
) -> None:
    """In its own small transaction (the failed action was rolled back): mark the case as an
    incident and log what the user submitted, so a retry can complete the task with it."""
    with transaction():
        mark_incident(instance_id, failure)
        data = {**incident_data(failure), "submitted": json_safe(submitted)}
        log_subject_event(subject, "incident", actor, task=task, data=data)


def failed_submission(subject: Subject) -> tuple[PendingTask, dict[str, Any], User | None]:
    """What a retry completes again: the task whose step failed, what was submitted and by whom
    (the last incident event). Conflict when the case is not an incident or the task is gone."""
    found = instance_row(subject)
    if found is None or found[0].status != INCIDENT:
        raise Conflict("the case is not an incident")
    incident = db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.subject_kind == subject.kind, CaseEvent.subject_id == subject.id, CaseEvent.kind == "incident")
        .order_by(CaseEvent.id.desc())
    )
    pending = db.session.get(PendingTask, incident.task_id) if incident is not None and incident.task_id else None
    if incident is None or pending is None:
        raise Conflict("the failed task is gone")
    submitter = db.session.get(User, incident.actor_id) if incident.actor_id else None
    return pending, dict(incident.data.get("submitted") or {}), submitter


def clear_incident(instance_id: int) -> None:
    """After a successful step: an incident case runs again (within the caller's transaction)."""
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id == instance_id, ProcessInstance.status == INCIDENT)
        .values(status=RUNNING, incident_element=None, incident_error="", incident_code=None, incident_params=None)
    )
