"""Automatic assignment of tasks the runtime has just created (called from the task projection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import select

from webapp.cases.assignment.notify import notify_assignee
from webapp.cases.assignment.service import auto_assignee
from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow


def choose_assignees(rows: Sequence[dict[str, Any]]) -> None:
    """Fill ``assignee_id`` / ``assigned_at`` of new pending-task rows before they are inserted."""
    now = utcnow()
    for row in rows:
        assignee = auto_assignee(row["role"], row["mahalla_id"], row["district_id"])
        row["assignee_id"] = assignee
        row["assigned_at"] = now if assignee else None


class _Events(Protocol):
    def add(self, appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None: ...


def announce_assignments(appeal: Appeal, task_ids: Sequence[str], events: _Events) -> None:
    """Add an ``assigned`` event for each new task that has an assignee, and notify the assignee."""
    if not task_ids:
        return
    query = select(PendingTask).where(PendingTask.id.in_(task_ids), PendingTask.assignee_id.is_not(None))
    for task in db.session.scalars(query.order_by(PendingTask.name)):
        user = db.session.get(User, task.assignee_id)
        if user is None:
            continue
        events.add(appeal, "assigned", None, task=task, data={"assignee": user.username, "automatic": True})
        notify_assignee(task, user, None)
