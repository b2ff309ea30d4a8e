"""The archive of monthly reports: one per territory, month and language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class MonthlyReport(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "monthly_reports"
    __table_args__ = (
        UniqueConstraint("scope", "territory_code", "month", "language", name="uq_monthly_reports_territory_month"),
        Index("ix_monthly_reports_region_month", "region_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # district | region
    territory_code: Mapped[str] = mapped_column(String(20))
    territory_name: Mapped[str] = mapped_column(String(200))
    # The region of the territory (for a region head's archive) and, for a district report, the district.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    language: Mapped[str] = mapped_column(String(5))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
