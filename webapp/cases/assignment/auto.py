"""Automatic assignment of tasks the runtime has just created (called from the task projection)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.orm.attributes import set_committed_value

from webapp.cases.assignment.notify import notify_assignee
from webapp.cases.assignment.service import auto_assignee
from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow


def choose_assignees(rows: Sequence[dict[str, Any]], finished: Collection[str] = ()) -> None:
    """Fill ``assignee_id`` / ``assigned_at`` of new pending-task rows before they are inserted
    (the chosen users stay in the session, so announcing the assignments reads nothing again).
    ``finished``: the tasks the same step finishes, not counted in anyone's workload."""
    now = utcnow()
    for row in rows:
        assignee = auto_assignee(row["role"], row["mahalla_id"], row["district_id"], finished=finished)
        row["assignee_id"] = assignee.id if assignee else None
        row["assigned_at"] = now if assignee else None


class _Events(Protocol):
    def add(self, record: Any, kind: str, actor: User | None, **details: Any) -> None: ...


def announce_assignments(record: Any, rows: Sequence[Mapping[str, Any]], events: _Events) -> None:
    """Add an ``assigned`` event for each new task row that has an assignee, and notify the assignee.

    ``record`` is the subject's own row the events go with (an appeal, shown on the task as its
    ``appeal``); ``rows`` are the pending-task rows just inserted: they are not read back."""
    for row in sorted(rows, key=lambda r: r["name"]):
        user = db.session.get(User, row["assignee_id"]) if row.get("assignee_id") is not None else None
        if user is None:
            continue
        task = PendingTask(**row)  # transient: a view of the inserted row, never added to the session
        set_committed_value(task, "appeal", record)
        events.add(record, "assigned", None, task=task, data={"assignee": user.username, "automatic": True})
        notify_assignee(task, user, None)
