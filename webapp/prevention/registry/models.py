"""The prevention registry (profilaktik hisob) and individual prevention plans.

A registry record is special personal data: shown only to the responsible inspector and their
supervisors, masked elsewhere; every view and change is logged; anonymised after the retention
period that follows removal.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.cases.instances import Subject
from webapp.cases.models import PREVENTION_PLAN
from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class PersonStatus(enum.StrEnum):
    """A registry record: on the registry, or removed from it (kept until anonymised)."""

    ACTIVE = "active"
    REMOVED = "removed"


class PlanStatus(enum.StrEnum):
    """An individual prevention plan; the first three are a running plan (RUNNING_PLAN_STATUSES)."""

    DRAFTING = "drafting"
    AWAITING_APPROVAL = "awaiting_approval"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


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
    status: Mapped[str] = mapped_column(String(20), default=PersonStatus.ACTIVE, index=True)
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

    The plan is a subject of the case runtime (webapp.cases): its live state is the process
    instance keyed (prevention_plan, id), its tasks are pending tasks, its history is case events.
    The plan lives for years: each cycle runs as a fresh engine state that carries the plan's
    data forward ("continue as new"), so the live state never grows with the plan's age.
    """

    __tablename__ = "prevention_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("supervised_persons.id"), index=True)
    # The appeal whose stage 3 opened the plan, if any.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFTING, index=True)
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

    @property
    def case_subject(self) -> Subject:
        """The plan as the case runtime knows it (webapp.cases.events.Recorded: a hook's events)."""
        return Subject(PREVENTION_PLAN, self.id)

    @property
    def event_columns(self) -> dict[str, int | None]:
        return {}


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
    raise AppendOnlyViolation("the prevention access log is append-only")


event.listen(AccessLogEntry, "before_update", _refuse)
event.listen(AccessLogEntry, "before_delete", _refuse)
