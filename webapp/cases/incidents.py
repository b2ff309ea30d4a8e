"""Case status guards and incidents: a case whose engine step failed is marked, not lost.

Kept apart from the runtime so that supervision can read and change a case's status without
importing the engine machinery. SQL only; callers own the transactions except where stated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import update

from engine import EngineStepFailed
from webapp.cases.models import ProcessInstance
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User

RUNNING = "running"
SUSPENDED = "suspended"
CANCELLED = "cancelled"
INCIDENT = "incident"
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


def record_incident(
    instance_id: int,
    appeal: Appeal,
    actor: User | None,
    task: Any,
    submitted: Mapping[str, Any],
    failure: EngineStepFailed,
) -> None:
    """In its own small transaction (the failed action was rolled back): mark the case as an
    incident and log what the user submitted, so a retry can complete the task with it."""
    from webapp.cases.service import log_event

    try:
        db.session.execute(
            update(ProcessInstance.__table__)
            .where(ProcessInstance.id == instance_id, ProcessInstance.status.in_((RUNNING, INCIDENT)))
            .values(status=INCIDENT, **incident_values(failure))
        )
        log_event(
            appeal,
            "incident",
            actor,
            task=task,
            data={**incident_data(failure), "submitted": json_safe(submitted)},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def clear_incident(instance_id: int) -> None:
    """After a successful step: an incident case runs again (within the caller's transaction)."""
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.id == instance_id, ProcessInstance.status == INCIDENT)
        .values(status=RUNNING, incident_element=None, incident_error="", incident_code=None, incident_params=None)
    )
