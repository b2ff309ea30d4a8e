"""The appeal's task projection: what the diagram decided for the appeal row (stage, status,
deadline, …), and its pending tasks with due dates, routing, automatic assignment and at most one
escalation waiting per case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from engine import Instance, ReadyTask
from webapp.cases.assignment.auto import announce_assignments, choose_assignees
from webapp.cases.events import EventLog
from webapp.cases.models import APPEAL, PendingTask
from webapp.casework.appeals.deadlines import add_term, effective_deadline, task_due_date
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.reminders import ESCALATION_TASK
from webapp.casework.appeals.task_routing import organisation_for
from webapp.extensions import db
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.write_batch import delete_rows, insert_rows, write


def case_changes(appeal: Appeal, instance: Instance) -> dict[str, Any]:
    """What the diagram decided (stage, status, deadline term, …) that differs from the appeal row."""
    data = instance.current_data()
    wanted: dict[str, Any] = {}
    for name in ("kind", "category", "urgency", "status"):
        if isinstance(data.get(name), str) and data[name]:
            wanted[name] = data[name]
    if isinstance(data.get("anonymous"), bool):
        wanted["anonymous"] = data["anonymous"]
    if isinstance(data.get("stage"), int):
        wanted["stage"] = data["stage"]
    term = data.get("deadline_term")
    if isinstance(term, str):
        try:
            wanted["deadline"] = effective_deadline(add_term(appeal.registered_on, term), appeal.extended_until)
        except ValueError:
            current_app.logger.warning("appeal %s: ignoring bad deadline term %r", appeal.number, term)
    if instance.is_completed and appeal.is_open:
        wanted["is_open"] = False
        wanted["closed_at"] = utcnow()
    return {name: value for name, value in wanted.items() if getattr(appeal, name) != value}


def project_tasks(
    record_id: int,
    appeal: Appeal,
    instance: Instance,
    before: set[str],
    deadline_changed: bool,
    events: EventLog,
) -> list[ReadyTask]:
    """Bring the pending-task rows in line with the READY user tasks: drop finished ones, add new ones
    (with their ``task_created`` and automatic ``assigned`` events); returns the new ones.

    ``before`` holds the ids of the READY tasks before the engine acted, which are exactly the
    rows in the projection; unchanged rows keep their assignee.
    """
    ready = instance.ready_user_tasks()
    after = {task.id for task in ready}
    finished = before - after
    kept = before & after
    # Everything this needs to read first, then the writes (they join the completion's batch).
    created_dates = _created_dates(kept) if kept and deadline_changed else {}
    created = without_duplicate_escalations(appeal, [task for task in ready if task.id not in before], kept)
    rows = _new_rows(record_id, appeal, created)
    choose_assignees(rows, finished)
    if finished:
        delete_rows(PendingTask.__table__, sorted(finished))
    if created_dates:
        by_due: dict[Any, list[str]] = {}
        for task in ready:
            if task.id in kept:
                due = task_due_date(
                    task.name,
                    appeal,
                    norm=task.properties.get("norm"),
                    created_on=created_dates[task.id],
                    working_days=task.properties.get("norm_working_days"),
                )
                by_due.setdefault(due, []).append(task.id)
        for due, ids in by_due.items():
            write(update(PendingTask.__table__).where(PendingTask.id.in_(ids)).values(due_date=due))
    if rows:
        insert_rows(PendingTask.__table__, rows)
        for task in created:
            events.add(appeal, "task_created", None, task=task)
        announce_assignments(appeal, rows, events)
    return created


def _new_rows(record_id: int, appeal: Appeal, created: list[ReadyTask]) -> list[dict[str, Any]]:
    """The pending-task rows of the newly ready tasks, with their due dates (assignees chosen later)."""
    if not created:
        return []
    now = utcnow()
    today = local_today(now)
    # Norms run from the registration day (an appeal that came after hours is registered on the
    # next working day); a norm in working days (a partner's referral) runs from the day it was
    # sent, as the referral's own dues do.
    created_on = max(today, appeal.registered_on)
    return [
        {
            "id": task.id,
            "instance_id": record_id,
            "subject_kind": APPEAL,
            "subject_id": appeal.id,
            "appeal_id": appeal.id,
            "name": task.name,
            "title": task.title,
            "role": task.lane or "",
            "mahalla_id": appeal.mahalla_id,
            "district_id": appeal.district_id,
            "assignee_id": None,
            "organisation_id": organisation_for(task.lane, appeal, task.variables),
            "due_date": task_due_date(
                task.name,
                appeal,
                norm=task.properties.get("norm"),
                created_on=today if task.properties.get("norm_working_days") else created_on,
                working_days=task.properties.get("norm_working_days"),
            ),
            "created_at": now,
        }
        for task in created
    ]


def without_duplicate_escalations(appeal: Appeal, created: list[ReadyTask], kept: set[str]) -> list[ReadyTask]:
    """At most one open escalation task per case: a further escalation (another stage overdue,
    a reopened stage) is not projected while one waits; its decision answers them all
    (``complete_sibling_escalations``)."""
    waiting = bool(
        kept
        and db.session.scalar(
            select(PendingTask.id).where(
                PendingTask.appeal_id == appeal.id, PendingTask.name == ESCALATION_TASK, PendingTask.id.in_(kept)
            )
        )
    )
    result = []
    for task in created:
        if task.name == ESCALATION_TASK:
            if waiting:
                continue
            waiting = True
        result.append(task)
    return result


def complete_sibling_escalations(instance: Instance, task: ReadyTask | Any, clean: Mapping[str, Any]) -> None:
    """The supervisor's decision on an escalation answers every other escalation of the case
    waiting unprojected (see ``without_duplicate_escalations``)."""
    if task.name != ESCALATION_TASK:
        return
    for _ in range(20):  # a case has a handful of stages; bounded all the same
        sibling = next((t for t in instance.ready_user_tasks() if t.name == ESCALATION_TASK and t.id != task.id), None)
        if sibling is None:
            return
        instance.complete(sibling.id, clean)


def _created_dates(task_ids: set[str]) -> dict[str, dt.date | None]:
    rows = db.session.execute(select(PendingTask.id, PendingTask.created_at).where(PendingTask.id.in_(task_ids)))
    return {task_id: local_today(created) if created else None for task_id, created in rows}
