"""Appeals (murojaat) and their yearly registration numbers."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.territory.models import Mahalla
from webapp.timeutil import utcnow


class AppealKind(enum.StrEnum):
    ARIZA = "ariza"
    TAKLIF = "taklif"
    SHIKOYAT = "shikoyat"


class AppealStatus(enum.StrEnum):
    REGISTERED = "registered"
    UNDER_REVIEW = "under_review"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    ANSWERED = "answered"
    REJECTED = "rejected"


class Channel(enum.StrEnum):
    WALK_IN = "walk_in"
    WRITTEN = "written"
    ORAL = "oral"
    WEB = "web"
    API = "api"


CATEGORIES = (
    "crime_prevention",
    "public_safety",
    "family_conflict",
    "minors_youth",
    "social_assistance",
    "utilities",
    "other",
)
URGENCIES = ("normal", "urgent")


class Appeal(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_appeals_year_sequence"),
        Index("ix_appeals_mahalla_open_deadline", "mahalla_id", "is_open", "deadline"),
        Index("ix_appeals_district_received", "district_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40), default="other")
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    anonymous: Mapped[bool] = mapped_column(default=False)
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    status: Mapped[str] = mapped_column(String(20), default=AppealStatus.REGISTERED.value)
    stage: Mapped[int] = mapped_column(Integer, default=1)
    is_open: Mapped[bool] = mapped_column(default=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    mahalla: Mapped[Mahalla] = relationship()


class AppealNumberCounter(db.Model):  # type: ignore[name-defined,misc]
    """The last registration number issued in a year; incremented atomically."""

    __tablename__ = "appeal_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
