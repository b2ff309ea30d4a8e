"""What the application does when the diagrams' timers fire: tell people.

* A reminder timer (``<task>_reminder``, see webapp/cases/timer_data.py) fired: the task's
  assignee, or when nobody took it yet the inspectors serving the appeal's mahalla, get an in-app
  notification and an email.
* The escalation created a ``review_overdue_case`` task: the district's supervisors are told.

Runs inside the action's transaction (usually the timer job's), so it commits with the case.
Notifications are written in the default UI language (Uzbek): they are read later, by someone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp.cases.models import Notification, PendingTask
from webapp.cases.timer_data import reminded_task
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.notifications.service import queue_message

ESCALATION_TASK = "review_overdue_case"


class _Events(Protocol):
    def add(self, appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None: ...


class _Task(Protocol):
    @property
    def name(self) -> str: ...


def case_link(appeal: Appeal) -> str:
    return f"/appeals/{appeal.number}"


def _assignee_or_inspectors(appeal: Appeal, task_name: str) -> list[User]:
    assignee = db.session.scalar(
        select(User)
        .join(PendingTask, PendingTask.assignee_id == User.id)
        .where(PendingTask.appeal_id == appeal.id, PendingTask.name == task_name)
    )
    if assignee is not None:
        return [assignee]
    return list(
        db.session.scalars(
            select(User)
            .join(user_mahallas, user_mahallas.c.user_id == User.id)
            .where(
                user_mahallas.c.mahalla_id == appeal.mahalla_id,
                User.role == Role.INSPECTOR.value,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def _district_supervisors(appeal: Appeal) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.SUPERVISOR.value, User.district_id == appeal.district_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _tell(users: Iterable[User], appeal: Appeal, kind: str, subject: str, text: str) -> list[int]:
    told = []
    for user in users:
        db.session.add(Notification(user_id=user.id, appeal_id=appeal.id, kind=kind, text=text, link=case_link(appeal)))
        if user.email:
            queue_message(appeal, "email", user.email, text, subject=subject)
        told.append(user.id)
    return told


def react_to_timers(appeal: Appeal, elements: Iterable[str], created: Iterable[_Task], events: _Events) -> None:
    """Notify about the reminders among ``elements`` (qualified BPMN ids completed by this action)
    and about escalation tasks among ``created``; record each in the case's events."""
    reminded = [name for name in (reminded_task(element) for element in elements) if name]
    escalated = any(task.name == ESCALATION_TASK for task in created)
    if not reminded and not escalated:
        return
    deadline = appeal.deadline.strftime("%d.%m.%Y")
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "uz")):
        for task_name in reminded:
            subject = gettext("Reminder: appeal %(number)s", number=appeal.number)
            text = gettext(
                "The deadline of appeal %(number)s is %(deadline)s. Please finish your task in time.",
                number=appeal.number,
                deadline=deadline,
            )
            told = _tell(_assignee_or_inspectors(appeal, task_name), appeal, "reminder", subject, text)
            events.add(appeal, "reminder_sent", None, data={"task": task_name, "users": told})
        if escalated:
            subject = gettext("Overdue appeal %(number)s", number=appeal.number)
            text = gettext(
                "Appeal %(number)s is overdue (deadline %(deadline)s). Decide: reassign, extend or instruct.",
                number=appeal.number,
                deadline=deadline,
            )
            told = _tell(_district_supervisors(appeal), appeal, "escalation", subject, text)
            events.add(appeal, "case_escalated", None, data={"users": told})
