"""What "overdue" means — once, for the dashboard's banner and tile, the supervision console,
reports and the API, so their figures agree by construction.

An appeal is overdue today when it is still open and either its deadline (as extended) has passed
or one of its pending tasks is past its due date. A case closed late is not "overdue" any more; it
was "answered late" (a figure of the period's statistics).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from webapp.analytics.stats.sqlfuncs import literal_date
from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal


def late_task(today: dt.date) -> ColumnElement[bool]:
    """Condition on Appeal: one of its pending tasks is past its due date."""
    return (
        select(PendingTask.id)
        .where(PendingTask.appeal_id == Appeal.id, PendingTask.due_date < literal_date(today))
        .exists()
    )


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """Condition on Appeal: overdue today (open, and past its deadline or with a late task)."""
    # "is_open = true" (not "IS true") lets the (district_id, is_open, deadline) index serve it.
    return and_(Appeal.is_open == true(), or_(Appeal.deadline < today, late_task(today)))


def overdue_count(*conditions: ColumnElement[bool], today: dt.date) -> Select[tuple[int]]:
    """How many appeals meeting ``conditions`` are overdue today: the count of ``overdue_condition``,
    taken in two disjoint parts — open past the deadline (the partial index of open appeals answers
    it alone), and open before the deadline with a late task (only those appeals are looked into
    for tasks). One ``OR`` of both made the database try every open appeal of the territory
    against every late task of the country. Today's date is written into the statement, so a
    prepared statement's plan knows it."""
    day = literal_date(today)
    open_ones = (*conditions, Appeal.is_open == true())
    past_deadline = select(func.count()).select_from(Appeal).where(*open_ones, Appeal.deadline < day)
    late_before_deadline = (
        select(func.count()).select_from(Appeal).where(*open_ones, Appeal.deadline >= day, late_task(today))
    )
    return select(past_deadline.scalar_subquery() + late_before_deadline.scalar_subquery())


def days_overdue(deadline: dt.date, earliest_task_due: dt.date | None, today: dt.date) -> int:
    """Days past the earliest of the deadline and the pending tasks' due dates (negative: days left)."""
    earliest = min(deadline, earliest_task_due) if earliest_task_due is not None else deadline
    return (today - earliest).days
