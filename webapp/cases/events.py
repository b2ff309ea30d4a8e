"""The case event log of a subject's actions: rows written in one statement per action and
announced to the listeners (webhooks) in the writing transaction.

A subject's own row tells the log which case it is (``case_subject``) and what its events carry
besides (``event_columns``: an appeal's stage, its id for the analytics' joins). Subjects without
such a row write with ``instances.log_subject_event``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import insert

from webapp.cases.hooks import announce_events
from webapp.cases.instances import Subject
from webapp.cases.models import CaseEvent
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow
from webapp.platform.write_batch import insert_rows


class Recorded(Protocol):
    """A subject's own row as its case events see it (an Appeal)."""

    @property
    def case_subject(self) -> Subject: ...

    @property
    def event_columns(self) -> Mapping[str, Any]: ...


def event_row(
    record: Recorded,
    kind: str,
    actor: User | None,
    task: Any = None,
    data: Mapping[str, Any] | None = None,
    elements: list[str] | None = None,
) -> dict[str, Any]:
    subject = record.case_subject
    return {
        "subject_kind": subject.kind,
        "subject_id": subject.id,
        "appeal_id": None,
        "stage": None,
        **record.event_columns,
        "occurred_at": utcnow(),
        "actor_id": actor.id if actor else None,
        "kind": kind,
        "task_id": task.id if task else None,
        "task_name": task.name if task else None,
        "task_title": task.title if task else None,
        "data": dict(data or {}),
        "elements": elements,
    }


class EventLog:
    """The case events of one action, appended to the log in one statement."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, record: Recorded, kind: str, actor: User | None, **details: Any) -> None:
        self.rows.append(event_row(record, kind, actor, **details))

    def write(self) -> None:
        if self.rows:
            insert_rows(CaseEvent.__table__, self.rows)
            announce_events(self.rows)
            self.rows = []


def log_event(record: Recorded, kind: str, actor: User | None, **details: Any) -> None:
    """Append one event to the case's log (within the caller's transaction)."""
    rows = [event_row(record, kind, actor, **details)]
    db.session.execute(insert(CaseEvent.__table__), rows)
    announce_events(rows)
