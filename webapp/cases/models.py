"""Process versions, instance state, the pending-task projection and the case event log."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow

# The kinds of subject a case runs for (webapp.cases.subjects knows how to show each).
APPEAL = "appeal"
PREVENTION_PLAN = "prevention_plan"


class CaseStatus(enum.StrEnum):
    """The status of a process instance (any subject's)."""

    RUNNING = "running"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    INCIDENT = "incident"  # an engine step failed; a retry runs it on once fixed


SUPERVISED_PERSON = "supervised_person"  # history only: a registry person has no process of their own


def _appeal_subject(context: Any) -> int | None:
    """An appeal's row is its own subject: the subject id defaults to the appeal id."""
    value = context.get_current_parameters().get("appeal_id")
    return int(value) if value is not None else None


class ProcessVersion(db.Model):  # type: ignore[name-defined,misc]
    """An immutable published set of BPMN/DMN documents, stored once and keyed by content hash."""

    __tablename__ = "process_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    # Not unique: a rollback publishes an earlier version's content again, as a new version.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # v1, v2, … within the lineage (process_id): the one version number every page shows.
    number: Mapped[int | None] = mapped_column(Integer)
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
    """The live workflow state of one case, keyed by its subject (an appeal, a prevention plan, …).

    ``version`` is the optimistic lock counter: every write is an UPDATE guarded by the version
    read (webapp.cases.instances.save_state), for every kind of subject.
    """

    __tablename__ = "process_instances"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", name="uq_process_instances_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(30), default=APPEAL, server_default=APPEAL)
    subject_id: Mapped[int] = mapped_column(Integer, default=_appeal_subject)
    # Set for appeals only (the appeal's own columns join here); other subjects are reached by kind + id.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    state: Mapped[str] = mapped_column(Text)
    # The one optimistic lock: every state write is instances.save_state's guarded UPDATE
    # (… WHERE version = <read>, version + 1); the ORM does not count versions.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_completed: Mapped[bool] = mapped_column(default=False)
    # running | suspended | cancelled | incident (an engine step failed; retry once fixed)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.RUNNING, index=True)
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


class PendingTask(db.Model):  # type: ignore[name-defined,misc]
    """Projection of READY user tasks, so that every inbox is one indexed query."""

    __tablename__ = "pending_tasks"
    __table_args__ = (
        Index("ix_pending_tasks_role_mahalla_due", "role", "mahalla_id", "due_date"),
        Index("ix_pending_tasks_role_district_due", "role", "district_id", "due_date"),
        Index("ix_pending_tasks_assignee_due", "assignee_id", "due_date"),
        # What waits now in a district, by task (the bottlenecks page).
        Index("ix_pending_tasks_district_name", "district_id", "name"),
        Index("ix_pending_tasks_subject", "subject_kind", "subject_id"),
        # The appeals' late tasks with their appeal (the overdue-now count, ``casework.overdue``;
        # its match to the appeal implies the predicate). Partial, so that an inbox, which lists
        # tasks of every kind, cannot walk it in due-date order: a whole index on the due date
        # made the planner do so, 2 → 12 ms at a million appeals.
        Index(
            "ix_pending_tasks_late",
            "due_date",
            postgresql_include=["appeal_id"],
            postgresql_where=text("appeal_id IS NOT NULL"),
            sqlite_where=text("appeal_id IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(30), default=APPEAL, server_default=APPEAL)
    subject_id: Mapped[int] = mapped_column(Integer, default=_appeal_subject)
    # Set for appeal tasks only.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A partner-lane task: the partner organisation it is addressed to (webapp.casework.appeals.task_routing).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("partner_organisations.id"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    follow_up_date: Mapped[dt.date | None] = mapped_column(Date)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by the overdue job: the task is past due, or its assignee is absent (flag for reassignment).
    is_overdue: Mapped[bool] = mapped_column(default=False)
    needs_reassignment: Mapped[bool] = mapped_column(default=False)

    appeal = relationship("Appeal")
    mahalla = relationship("Mahalla")
    assignee = relationship("User", foreign_keys=[assignee_id])
    # The process version the task's case runs (its form comes from it): read through the case's
    # row, never written from here. An API listing loads it with the tasks (tasks.service).
    version: Mapped[ProcessVersion] = relationship(
        ProcessVersion,
        secondary="process_instances",
        primaryjoin="PendingTask.instance_id == ProcessInstance.id",
        secondaryjoin="ProcessInstance.process_version_id == ProcessVersion.id",
        viewonly=True,
        uselist=False,
    )


class CaseEvent(db.Model):  # type: ignore[name-defined,misc]
    """Append-only log of what happened to a case: who, when, what, with which data."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_appeal_occurred", "appeal_id", "occurred_at"),
        Index("ix_case_events_subject_occurred", "subject_kind", "subject_id", "occurred_at"),
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
    subject_kind: Mapped[str] = mapped_column(String(30), default=APPEAL, server_default=APPEAL)
    subject_id: Mapped[int] = mapped_column(Integer, default=_appeal_subject)
    # Set for appeal events only.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
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
    """A period a user is away (leave, illness, training), optionally covered by a substitute.

    While the cover runs (``starts_on`` ≤ today ≤ ``ends_on``, not ended early) the substitute
    serves the absent user's mahallas; ``tasks_moved_at`` and ``returned_at`` record the moves.
    """

    __tablename__ = "user_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="leave")
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    tasks_moved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # When the cover ends, give the moved tasks back to the absent user (the supervisor's choice).
    return_tasks: Mapped[bool] = mapped_column(default=True)

    user = relationship("User", foreign_keys=[user_id])
    substitute = relationship("User", foreign_keys=[substitute_id])


class CoverMove(db.Model):  # type: ignore[name-defined,misc]
    """A task moved to the substitute when a cover started (returned when it ends, if untouched)."""

    __tablename__ = "cover_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    absence_id: Mapped[int] = mapped_column(ForeignKey("user_absences.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    moved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(db.Model):  # type: ignore[name-defined,misc]
    """An in-app notification (a task assigned to you, a reminder, an escalation)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What the text is made of: rendered in the reader's language when read (webapp.cases.notices);
    # ``text`` is the fallback for a kind or row without them.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QueuedSignal(db.Model):  # type: ignore[name-defined,misc]
    """A BPMN signal a case threw, queued in the throwing step's transaction and delivered by the
    ``deliver_signals`` job to the waiting cases of the throwing case's district (webapp.cases.signals).

    ``last_case_id`` is the delivery cursor: it moves in the transaction of each case that got the
    signal, so a delivery interrupted half-way goes on where it stopped and no case hears it twice.
    """

    __tablename__ = "queued_signals"
    __table_args__ = (Index("ix_queued_signals_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    origin_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rounds: Mapped[int] = mapped_column(Integer, default=1)  # how many more times the cases reached may pass signals on
    last_case_id: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
