"""Suspend, resume and cancel a case with a reason; retry a case whose engine step failed.

One transaction per action. A status change bumps the case's optimistic version, so a task
completion that read the case before the change fails with a conflict instead of slipping through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update

from webapp.cases.events import log_event
from webapp.cases.incidents import CANCELLED, INCIDENT, RUNNING, SUSPENDED
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import CompletedTask, complete_task
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import transaction

CANCELLED_STATUS = "cancelled"  # the appeal's status once its case is cancelled

# action → (statuses it may start from, status it leads to, event kind)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "suspend": ((RUNNING, INCIDENT), SUSPENDED, "suspended"),
    "resume": ((SUSPENDED,), RUNNING, "resumed"),
    "cancel": ((RUNNING, SUSPENDED, INCIDENT), CANCELLED, "cancelled"),
}


class ControlRefused(Exception):
    """``code``: no_reason (say why), not_allowed (not from the case's status), no_case."""

    def __init__(self, code: str, status: str = "") -> None:
        super().__init__(f"{code} ({status})" if status else code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class CaseStatus:
    status: str
    reason: str
    incident_element: str | None
    incident_error: str
    incident_code: str | None = None
    incident_params: dict[str, Any] | None = None


def case_status(appeal: Appeal) -> CaseStatus | None:
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    if record is None:
        return None
    return CaseStatus(
        record.status,
        record.status_reason,
        record.incident_element,
        record.incident_error,
        record.incident_code,
        record.incident_params,
    )


def allowed_actions(appeal: Appeal, status: str) -> list[str]:
    if not appeal.is_open:
        return []
    return [action for action, (sources, _target, _kind) in TRANSITIONS.items() if status in sources]


def change_status(appeal: Appeal, actor: User, action: str, reason: str) -> str:
    """Apply the action to the case and commit; return the new status. Raises ControlRefused."""
    reason = reason.strip()
    if action not in TRANSITIONS:
        raise ControlRefused("not_allowed")
    if not reason:
        raise ControlRefused("no_reason")
    sources, target, kind = TRANSITIONS[action]
    with transaction():
        record = db.session.execute(
            select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.version).where(
                ProcessInstance.appeal_id == appeal.id
            )
        ).one_or_none()
        if record is None:
            raise ControlRefused("no_case")
        record_id, status, version = record
        if status not in sources or not appeal.is_open:
            raise ControlRefused("not_allowed", status)
        changed = db.session.execute(
            update(ProcessInstance.__table__)
            .where(ProcessInstance.id == record_id, ProcessInstance.version == version)
            .values(status=target, status_reason=reason, version=version + 1, updated_at=utcnow())
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ControlRefused("not_allowed", status)
        if target == CANCELLED:
            _close_cancelled(appeal, record_id)
        log_event(appeal, kind, actor, data={"reason": reason, "from": status})
    return target


def _close_cancelled(appeal: Appeal, record_id: int) -> None:
    db.session.execute(delete(PendingTask.__table__).where(PendingTask.instance_id == record_id))
    now = utcnow()
    values = {"status": CANCELLED_STATUS, "is_open": False, "closed_at": now, "updated_at": now}
    db.session.execute(update(Appeal.__table__).where(Appeal.id == appeal.id).values(**values))
    for name, value in values.items():
        setattr(appeal, name, value)


def retry_incident(appeal: Appeal, actor: User, with_data: Mapping[str, Any] | None = None) -> CompletedTask:
    """Retry, optionally with corrected data: complete the failed task again with what its user
    submitted (the incident event kept it), plus ``with_data`` as case variables.

    Raises ControlRefused('not_allowed') when the case is not an incident or its task is gone;
    workflow.service.StepFailed when it fails again (the incident is updated).
    """
    status = case_status(appeal)
    if status is None or status.status != INCIDENT:
        raise ControlRefused("not_allowed", status.status if status else "")
    incident = db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "incident")
        .order_by(CaseEvent.id.desc())
    )
    pending = (
        db.session.scalar(select(PendingTask).where(PendingTask.id == incident.task_id))
        if incident is not None and incident.task_id
        else None
    )
    if incident is None or pending is None:
        raise ControlRefused("not_allowed", INCIDENT)
    submitter = db.session.get(User, incident.actor_id) if incident.actor_id else None
    submitted = dict(incident.data.get("submitted") or {})
    return complete_task(pending, submitter or actor, submitted, extra_data=dict(with_data or {}))
