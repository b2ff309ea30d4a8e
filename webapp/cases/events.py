"""The case event log of appeals: rows written in one statement per action and announced to the
hooks (webhooks) in the writing transaction. Other subjects write with instances.log_subject_event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert

from webapp.cases.hooks import announce_events
from webapp.cases.models import APPEAL, CaseEvent
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow


def event_row(
    appeal: Appeal,
    kind: str,
    actor: User | None,
    task: Any = None,
    data: Mapping[str, Any] | None = None,
    elements: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "subject_kind": APPEAL,
        "subject_id": appeal.id,
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
        self.rows.append(event_row(appeal, kind, actor, **details))

    def write(self) -> None:
        if self.rows:
            db.session.execute(insert(CaseEvent.__table__), self.rows)
            announce_events(self.rows)
            self.rows = []


def log_event(appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None:
    """Append one event to the case's log (within the caller's transaction)."""
    rows = [event_row(appeal, kind, actor, **details)]
    db.session.execute(insert(CaseEvent.__table__), rows)
    announce_events(rows)
