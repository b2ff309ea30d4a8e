"""The bottlenecks' projection of a completed task (analytics.bottlenecks.models.TaskTiming), written
by every subject kind's completion in its transaction: how long the task waited, where, on which
version. SQL only; callers own the transaction."""

from __future__ import annotations

import datetime as dt

from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.cases.models import APPEAL, PendingTask
from webapp.platform.auth.models import User
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.write_batch import insert_rows


def record_timing(
    *,
    task_id: str,
    task_name: str,
    subject_kind: str,
    subject_id: int,
    version_id: int,
    district_id: int,
    mahalla_id: int,
    actor: User | None,
    ready: dt.datetime | None,
) -> None:
    """One completed task (written after the case's state, so a lost race is a Conflict, not a duplicate)."""
    if ready is None:
        return
    completed = utcnow()
    values = {
        "task_id": task_id,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "appeal_id": subject_id if subject_kind == APPEAL else None,
        "process_version_id": version_id,
        "task_name": task_name,
        "district_id": district_id,
        "mahalla_id": mahalla_id,
        "ready_at": ready,
        "completed_at": completed,
        "seconds": max((completed - as_utc(ready)).total_seconds(), 0.0),
        "actor_id": actor.id if actor else None,
    }
    insert_rows(TaskTiming.__table__, [values])


def record_task_timing(task: PendingTask, version_id: int, actor: User | None) -> None:
    """The timing of a pending task of any subject kind, from its projection row."""
    record_timing(
        task_id=task.id,
        task_name=task.name,
        subject_kind=task.subject_kind,
        subject_id=task.subject_id,
        version_id=version_id,
        district_id=task.district_id,
        mahalla_id=task.mahalla_id,
        actor=actor,
        ready=task.created_at,
    )
