"""Dated staff assignments: who served which mahalla, who headed which district or region, when.

``user_mahallas`` and the user's ``district_id`` / ``region_id`` are the current state every
scope query reads; these rows are the history behind them ("who served Bunyodkor in March?").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class UnitKind:
    MAHALLA = "mahalla"
    DISTRICT = "district"
    REGION = "region"
    ALL = (MAHALLA, DISTRICT, REGION)


class StaffAssignment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "staff_assignments"
    __table_args__ = (Index("ix_staff_assignments_unit", "unit_kind", "unit_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)  # None: still serving
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
