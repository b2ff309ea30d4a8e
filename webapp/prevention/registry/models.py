"""The prevention registry (profilaktik hisob) and individual prevention plans.

A registry record is special personal data: shown only to the responsible inspector and their
supervisors, masked elsewhere; every view and change is logged; anonymised after the retention
period that follows removal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class SupervisedPerson(db.Model):  # type: ignore[name-defined,misc]
    """A person on the prevention registry (or removed from it, until anonymised)."""

    __tablename__ = "supervised_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    passport: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(300), default="")
    risk_group: Mapped[str] = mapped_column(String(40), index=True)
    grounds: Mapped[str] = mapped_column(Text, default="")
    registered_on: Mapped[dt.date] = mapped_column(Date)
    responsible_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # active | removed
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_grounds: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    responsible_inspector = relationship("User", foreign_keys=[responsible_inspector_id])
    mahalla = relationship("Mahalla")


# Appeals that concern a person on the registry (linked by an inspector or from stage 3).
supervised_person_appeals = Table(
    "supervised_person_appeals",
    db.metadata,
    Column("person_id", ForeignKey("supervised_persons.id", ondelete="CASCADE"), primary_key=True),
    Column("appeal_id", ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("linked_by_id", ForeignKey("users.id")),
    Column("linked_at", DateTime(timezone=True), default=utcnow),
)


class PreventionPlan(db.Model):  # type: ignore[name-defined,misc]
    """An individual prevention plan run by a BPMN process (processes/prevention/).

    The plan lives for years: each cycle runs as a fresh engine instance that carries the plan's
    data forward ("continue as new"), so the live state never grows with the plan's age.
    """

    __tablename__ = "prevention_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("supervised_persons.id"), index=True)
    # The appeal whose stage 3 opened the plan, if any.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    # drafting | awaiting_approval | active | completed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="drafting", index=True)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    # Check-ins recorded over the plan's whole life (the due date of the next one counts from starts_on).
    checkins_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The length of one plan period in months (from the draft); an extension adds another period.
    period_months: Mapped[int | None] = mapped_column(Integer)
    # The due date of the plan's current task: "plans on time" is one indexed comparison.
    next_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    person: Mapped[SupervisedPerson] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PlanTask(db.Model):  # type: ignore[name-defined,misc]
    """Projection of a plan's READY user tasks, so the plan panel of every inbox is one indexed query."""

    __tablename__ = "prevention_plan_tasks"
    __table_args__ = (
        Index("ix_prevention_plan_tasks_role_district_due", "role", "district_id", "due_date"),
        Index("ix_prevention_plan_tasks_assignee_due", "assignee_id", "due_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("prevention_plans.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("supervised_persons.id"))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    # Inspector tasks go to the person's responsible inspector; supervisor tasks to the district.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    plan: Mapped[PreventionPlan] = relationship()


class PersonEvent(db.Model):  # type: ignore[name-defined,misc]
    """Append-only history of a registry person and their plans: the source of the timeline.

    ``data`` holds what the step recorded (a check-in, an evaluation); never the person's own
    identifying details, so anonymisation need not touch the history.
    """

    __tablename__ = "prevention_events"
    __table_args__ = (Index("ix_prevention_events_person_occurred", "person_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("supervised_persons.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("prevention_plans.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    task_name: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User")


class AccessLogEntry(db.Model):  # type: ignore[name-defined,misc]
    """Append-only log of every view and change of a registry record: who, when, what, which fields."""

    __tablename__ = "prevention_access_log"
    __table_args__ = (Index("ix_prevention_access_log_person_occurred", "person_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("supervised_persons.id"))
    # None: the system (the retention job).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[str] = mapped_column(String(300), default="")

    user = relationship("User")


class AppendOnlyViolation(RuntimeError):
    pass


def _refuse(*_args: object) -> None:
    raise AppendOnlyViolation("the prevention history and access log are append-only")


for _model in (PersonEvent, AccessLogEntry):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
