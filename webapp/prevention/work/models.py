"""Prevention work in the mahalla ("Xavfsiz mahalla"): youth work, "Fidokor Yoshlar" patrols,
legal-advocacy events and joint plans with other bodies.

Every record carries its mahalla and district (or, for a district-wide joint plan, its district
only) so that territory scopes are one indexed comparison.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow

# --- youth work ------------------------------------------------------------------------------


class YouthStatus(enum.StrEnum):
    STUDYING = "studying"
    WORKING = "working"
    NEITHER = "neither"


YOUTH_STATUSES = tuple(YouthStatus)
REFERRAL_KINDS = ("employment", "education", "vocational")
REFERRAL_OUTCOMES = ("pending", "placed", "refused", "no_show")
ACTIVITY_KINDS = ("conversation", "event", "sport", "training", "culture", "other")


class YoungPerson(db.Model):  # type: ignore[name-defined,misc]
    """A young person of the mahalla followed by the youth affairs adviser (non-organised youth)."""

    __tablename__ = "young_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # studying | working | neither
    status: Mapped[str] = mapped_column(String(20), default=YouthStatus.NEITHER, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    mahalla = relationship("Mahalla")


class YouthReferral(db.Model):  # type: ignore[name-defined,misc]
    """A referral to a job, a school or a vocational course, and how it turned out."""

    __tablename__ = "youth_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"), index=True)
    referred_to: Mapped[str] = mapped_column(String(200))
    referred_on: Mapped[dt.date] = mapped_column(Date)
    # employment | education | vocational
    kind: Mapped[str] = mapped_column(String(20))
    # pending | placed | refused | no_show
    outcome: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[YoungPerson] = relationship()


class YouthActivity(db.Model):  # type: ignore[name-defined,misc]
    """One entry of a young person's activity log: a conversation, an event, sport, training…"""

    __tablename__ = "youth_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author = relationship("User")


# --- "Fidokor Yoshlar" patrols ---------------------------------------------------------------


class PatrolGroup(db.Model):  # type: ignore[name-defined,misc]
    """A "Fidokor Yoshlar" public patrol group of a mahalla."""

    __tablename__ = "patrol_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    leader_name: Mapped[str] = mapped_column(String(200))
    leader_phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mahalla = relationship("Mahalla")
    members: Mapped[list[PatrolMember]] = relationship(
        back_populates="group", order_by="PatrolMember.full_name", cascade="all, delete-orphan"
    )


class PatrolMember(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "patrol_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("patrol_groups.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)

    group: Mapped[PatrolGroup] = relationship(back_populates="members")


class PlannedPatrol(db.Model):  # type: ignore[name-defined,misc]
    """A patrol on the schedule: when, where, which group."""

    __tablename__ = "planned_patrols"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("patrol_groups.id", ondelete="CASCADE"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    patrol_date: Mapped[dt.date] = mapped_column(Date, index=True)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)
    route: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    group: Mapped[PatrolGroup] = relationship()


patrol_report_members = Table(
    "patrol_report_members",
    db.metadata,
    Column("report_id", ForeignKey("patrol_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("patrol_members.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PatrolReport(db.Model):  # type: ignore[name-defined,misc]
    """What a patrol saw: the route walked, who was there, observations and incidents."""

    __tablename__ = "patrol_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("patrol_groups.id", ondelete="CASCADE"), index=True)
    planned_patrol_id: Mapped[int | None] = mapped_column(ForeignKey("planned_patrols.id"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    report_date: Mapped[dt.date] = mapped_column(Date, index=True)
    route: Mapped[str] = mapped_column(String(300))
    observations: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    group: Mapped[PatrolGroup] = relationship()
    members_present: Mapped[list[PatrolMember]] = relationship(
        secondary=patrol_report_members, order_by="PatrolMember.full_name"
    )
    incidents: Mapped[list[PatrolIncident]] = relationship(
        back_populates="report", order_by="PatrolIncident.id", cascade="all, delete-orphan"
    )


class PatrolIncident(db.Model):  # type: ignore[name-defined,misc]
    """An incident a patrol met. It may open an appeal (the real lifecycle) or be linked to a
    person on the prevention registry (it then counts as a repeated offence in monitoring)."""

    __tablename__ = "patrol_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("patrol_reports.id", ondelete="CASCADE"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(300), default="")
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("supervised_persons.id"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[PatrolReport] = relationship(back_populates="incidents")
    appeal = relationship("Appeal")
    person = relationship("SupervisedPerson")


# --- legal-advocacy events -------------------------------------------------------------------

AUDIENCES = ("juveniles", "school", "college", "residents", "parents", "women", "other")


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


EVENT_STATUSES = tuple(EventStatus)


class AdvocacyEvent(db.Model):  # type: ignore[name-defined,misc]
    """A legal-advocacy (huquqiy targ'ibot) event, planned or held."""

    __tablename__ = "advocacy_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    topic: Mapped[str] = mapped_column(String(300))
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    audience: Mapped[str] = mapped_column(String(20))
    partner: Mapped[str] = mapped_column(String(200), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    planned_attendance: Mapped[int] = mapped_column(Integer, default=0)
    actual_attendance: Mapped[int | None] = mapped_column(Integer)
    # planned | held | cancelled
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PLANNED, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mahalla = relationship("Mahalla")


# --- joint plans -----------------------------------------------------------------------------

PLAN_KINDS = ("long_term", "current")


class ItemStatus(enum.StrEnum):
    """A joint plan's item (a task of the plan)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ITEM_STATUSES = tuple(ItemStatus)
OPEN_ITEM_STATUSES = (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)


class JointPlan(db.Model):  # type: ignore[name-defined,misc]
    """A plan of joint activities with other state bodies and civil-society institutions,
    for a district (``mahalla_id`` empty) or one mahalla."""

    __tablename__ = "joint_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # long_term | current
    kind: Mapped[str] = mapped_column(String(20), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    mahalla_id: Mapped[int | None] = mapped_column(ForeignKey("mahallas.id"), index=True)
    partners: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    district = relationship("District")
    mahalla = relationship("Mahalla")
    items: Mapped[list[JointPlanItem]] = relationship(
        back_populates="plan", order_by="(JointPlanItem.due_on, JointPlanItem.id)", cascade="all, delete-orphan"
    )


class JointPlanItem(db.Model):  # type: ignore[name-defined,misc]
    """One activity of a joint plan; "overdue" is computed (not done or cancelled, past its date)."""

    __tablename__ = "joint_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("joint_plans.id", ondelete="CASCADE"), index=True)
    activity: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # planned | in_progress | done | cancelled
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.PLANNED, index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    plan: Mapped[JointPlan] = relationship(back_populates="items")

    def shown_status(self, today: dt.date) -> str:
        if self.status in OPEN_ITEM_STATUSES and self.due_on < today:
            return "overdue"
        return self.status
