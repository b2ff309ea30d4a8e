"""Partner organisations of a district and who works for them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, DateTime, ForeignKey, String, Table
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import utcnow


class PartnerKind(enum.StrEnum):
    POLICE = "police"
    SOCIAL_PROTECTION = "social_protection"
    HEALTH = "health"
    YOUTH_AGENCY = "youth_agency"
    WOMENS_COMMITTEE = "womens_committee"
    MAHALLA_ASSEMBLY = "mahalla_assembly"  # the citizens' assembly of one mahalla


class PartnerOrganisation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "partner_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    # Only for a mahalla assembly: the mahalla it is the assembly of.
    mahalla_id: Mapped[int | None] = mapped_column(ForeignKey("mahallas.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    district: Mapped[District] = relationship()
    mahalla: Mapped[Mahalla | None] = relationship()


# Which organisation a user of the partner or mahalla_chair role works for (one at most).
partner_staff = Table(
    "partner_staff",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("partner_organisations.id"), nullable=False, index=True),
)
