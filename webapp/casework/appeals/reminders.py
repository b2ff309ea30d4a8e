"""What the application does when the diagrams' timers fire: tell people.

* A reminder timer (``<task>_reminder``, see webapp/casework/appeals/timer_data.py) fired: the task's
  assignee, or when nobody took it yet the inspectors serving the appeal's mahalla, get an in-app
  notification and an email.
* The escalation created a ``review_overdue_case`` task: the district's supervisors are told.

Runs inside the action's transaction (usually the timer job's), so it commits with the case.
In-app notices are stored as type and parameters (rendered in the reader's language when read);
e-mails are written in each recipient's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp.cases.events import EventLog
from webapp.cases.models import Notification, PendingTask
from webapp.cases.notices import render_notice
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.timer_data import reminded_task
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.notifications.service import queue_message

ESCALATION_TASK = "review_overdue_case"

# Areas whose tasks remind someone else than an inspector (a partner organisation's staff) register
# a handler: (appeal, task name, the day the timers see) -> the ids of the users told; it queues
# its own messages. Called once per task name however many instances of the task were reminded.
ReminderHandler = Callable[[Appeal, str, dt.date], list[int]]
_REMINDER_HANDLERS: dict[str, ReminderHandler] = {}
# Tasks that escalate to the district's supervisors when they appear (besides the case's own).
_ESCALATION_TASKS: set[str] = {ESCALATION_TASK}


def reminder_handler(*task_names: str) -> Callable[[ReminderHandler], ReminderHandler]:
    def register(handler: ReminderHandler) -> ReminderHandler:
        for name in task_names:
            _REMINDER_HANDLERS[name] = handler
        return handler

    return register


def escalation_task(task_name: str) -> None:
    """Tell the district's supervisors whenever a task of this name appears (an escalation)."""
    _ESCALATION_TASKS.add(task_name)


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


def _subject(kind: str, number: str) -> str:
    if kind == "reminder":
        return gettext("Reminder: appeal %(number)s", number=number)
    return gettext("Overdue appeal %(number)s", number=number)


def _tell(users: Iterable[User], appeal: Appeal, kind: str) -> list[int]:
    """An in-app notice (type and parameters, rendered when read) and an e-mail in each user's language."""
    from webapp import current_app_languages

    languages = current_app_languages()
    params = {"number": appeal.number, "deadline": appeal.deadline.isoformat()}
    told = []
    for user in users:
        with force_locale(user.language if user.language in languages else languages[0]):
            text = render_notice(kind, params)
            title = _subject(kind, appeal.number)
        db.session.add(
            Notification(
                user_id=user.id, appeal_id=appeal.id, kind=kind, params=params, text=text, link=case_link(appeal)
            )
        )
        if user.email:
            queue_message(appeal, "email", user.email, text, subject=title)
        told.append(user.id)
    return told


def react_to_timers(
    appeal: Appeal, elements: Iterable[str], created: Iterable[_Task], events: EventLog, today: dt.date
) -> None:
    """Notify about the reminders among ``elements`` (qualified BPMN ids completed by this action)
    and about escalation tasks among ``created``; record each in the case's events. ``today`` is
    the day the case's timers see (the timer job's injected clock)."""
    reminded = list(dict.fromkeys(name for name in (reminded_task(element) for element in elements) if name))
    escalated = any(task.name in _ESCALATION_TASKS for task in created)
    if not reminded and not escalated:
        return
    for task_name in reminded:
        handler = _REMINDER_HANDLERS.get(task_name)
        told = (
            handler(appeal, task_name, today)
            if handler
            else _tell(_assignee_or_inspectors(appeal, task_name), appeal, "reminder")
        )
        events.add(appeal, "reminder_sent", None, data={"task": task_name, "users": told})
    if escalated:
        told = _tell(_district_supervisors(appeal), appeal, "escalation")
        events.add(appeal, "case_escalated", None, data={"users": told})
