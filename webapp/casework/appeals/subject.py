"""The appeal as a subject of the case runtime: its kind's registration (webapp.cases.subjects)
and what the shared inbox loads with an appeal's task. Imported by the application factory."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from webapp.cases.models import APPEAL, PendingTask
from webapp.cases.subjects import SubjectKind, districts, register_subject
from webapp.cases.tasks.service import case_inbox, inbox_loads
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import deliver_signal, fire_timers
from webapp.casework.appeals.task_page import task_page
from webapp.extensions import db
from webapp.platform.auth.models import User


def _appeal_load() -> Any:
    return joinedload(PendingTask.appeal).joinedload(Appeal.mahalla)


def _task_label(task: PendingTask) -> str | None:
    return task.appeal.number if task.appeal is not None else None


def _task_url(task: PendingTask) -> str:
    return url_for("appeals.case", number=task.appeal.number) if task.appeal is not None else ""


def inbox_of_appeal(user: User, number: str) -> list[PendingTask]:
    """The user's waiting tasks on one appeal (by its number): what an API client does next on a case."""
    return case_inbox(
        user,
        APPEAL,
        "appeal number",
        lambda query: query.join(Appeal, Appeal.id == PendingTask.appeal_id).where(
            Appeal.number == bindparam("case_appeal_number")
        ),
        {"case_appeal_number": number},
    )


inbox_loads(_appeal_load, listed=lambda: joinedload(PendingTask.appeal).load_only(Appeal.number))
register_subject(
    SubjectKind(
        kind=APPEAL,
        prefix="appeal",
        endpoint="appeals.case",
        id_argument="number",
        task_endpoint="tasks.task",
        record=lambda appeal_id: db.session.get(Appeal, appeal_id),
        fire_timers=fire_timers,
        deliver_signal=deliver_signal,
        **districts(Appeal.id, Appeal.district_id),
        task_page=task_page,
        task_label=_task_label,
        task_url=_task_url,
    )
)
