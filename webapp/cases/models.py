"""Process versions, instance state, the pending-task projection and the case event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class ProcessVersion(db.Model):  # type: ignore[name-defined,misc]
    """An immutable published set of BPMN/DMN documents, stored once and keyed by content hash."""

    __tablename__ = "process_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The documents are read only when a version's library is not cached yet.
    files: Mapped[dict[str, str]] = mapped_column(JSON, deferred=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessDraft(db.Model):  # type: ignore[name-defined,misc]
    """A methodologist's working copy of a process library; publishing it creates a ProcessVersion."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), unique=True)
    # The version the draft was copied from (the diff and the migration compare against it).
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    base_version: Mapped[ProcessVersion | None] = relationship()


class ProcessInstance(db.Model):  # type: ignore[name-defined,misc]
    """The live workflow state of one case. ``version`` is an optimistic lock counter."""

    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    is_completed: Mapped[bool] = mapped_column(default=False)
    # running | suspended | cancelled | incident (an engine step failed; retry once fixed)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    incident_element: Mapped[str | None] = mapped_column(String(100))
    incident_error: Mapped[str] = mapped_column(Text, default="")  # English, for logs
    # What failed, as data (engine.problems): shown in each reader's language.
    incident_code: Mapped[str | None] = mapped_column(String(64))
    incident_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The earliest waiting BPMN timer, so the timer job finds due cases with one indexed query.
    next_timer_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The last time the case moved (a task completed, a timer fired, a message arrived).
    last_progress_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    process_version: Mapped[ProcessVersion] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PendingTask(db.Model):  # type: ignore[name-defined,misc]
    """Projection of READY user tasks, so that every inbox is one indexed query."""

    __tablename__ = "pending_tasks"
    __table_args__ = (
        Index("ix_pending_tasks_role_mahalla_due", "role", "mahalla_id", "due_date"),
        Index("ix_pending_tasks_role_district_due", "role", "district_id", "due_date"),
        Index("ix_pending_tasks_assignee_due", "assignee_id", "due_date"),
        # What waits now in a district, by task (the bottlenecks page).
        Index("ix_pending_tasks_district_name", "district_id", "name"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    follow_up_date: Mapped[dt.date | None] = mapped_column(Date)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by the overdue job: the task is past due, or its assignee is absent (flag for reassignment).
    is_overdue: Mapped[bool] = mapped_column(default=False)
    needs_reassignment: Mapped[bool] = mapped_column(default=False)

    appeal = relationship("Appeal")
    assignee = relationship("User", foreign_keys=[assignee_id])


class CaseEvent(db.Model):  # type: ignore[name-defined,misc]
    """Append-only log of what happened to a case: who, when, what, with which data."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_appeal_occurred", "appeal_id", "occurred_at"),
        # Statistics by inspector: who completed tasks on an appeal, from the index alone.
        Index(
            "ix_case_events_task_completed",
            "appeal_id",
            "actor_id",
            postgresql_where=text("kind = 'task_completed'"),
            sqlite_where=text("kind = 'task_completed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    task_name: Mapped[str | None] = mapped_column(String(100))
    task_title: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # BPMN elements the engine completed during this action: the path drawn on the case diagram.
    elements: Mapped[list[str] | None] = mapped_column(JSON)

    actor = relationship("User")


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(*_args: object) -> None:
    raise AppendOnlyViolation("case events are append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(*_args: object) -> None:
    raise AppendOnlyViolation("case events are append-only")


class UserAbsence(db.Model):  # type: ignore[name-defined,misc]
    """A period a user is away (leave, illness); their tasks are flagged for reassignment."""

    __tablename__ = "user_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(db.Model):  # type: ignore[name-defined,misc]
    """An in-app notification (a task assigned to you, a reminder, an escalation)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
