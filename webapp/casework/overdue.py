"""What "overdue" means — once, for the dashboard's banner and tile, the supervision console,
reports and the API, so their figures agree by construction.

An appeal is overdue today when it is still open and either its deadline (as extended) has passed
or one of its pending tasks is past its due date. A case closed late is not "overdue" any more; it
was "answered late" (a figure of the period's statistics).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, or_, select, true

from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal


def late_task(today: dt.date) -> ColumnElement[bool]:
    """Condition on Appeal: one of its pending tasks is past its due date."""
    return select(PendingTask.id).where(PendingTask.appeal_id == Appeal.id, PendingTask.due_date < today).exists()


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """Condition on Appeal: overdue today (open, and past its deadline or with a late task)."""
    # "is_open = true" (not "IS true") lets the (district_id, is_open, deadline) index serve it.
    return and_(Appeal.is_open == true(), or_(Appeal.deadline < today, late_task(today)))


def days_overdue(deadline: dt.date, earliest_task_due: dt.date | None, today: dt.date) -> int:
    """Days past the earliest of the deadline and the pending tasks' due dates (negative: days left)."""
    earliest = min(deadline, earliest_task_due) if earliest_task_due is not None else deadline
    return (today - earliest).days
