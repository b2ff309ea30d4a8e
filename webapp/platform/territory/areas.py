"""Where a mahalla is: boundaries (GeoJSON polygons) and an address register, imported by an
administrator; ``locate`` finds the mahalla of a point or an address for generic Open311 clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class MahallaArea(db.Model):  # type: ignore[name-defined,misc]
    """One polygon of a mahalla's boundary (kind ``boundary``) or one address of the register (``address``)."""

    __tablename__ = "mahalla_areas"
    __table_args__ = (
        Index("ix_mahalla_areas_box", "kind", "min_lat", "max_lat", "min_lon", "max_lon"),
        Index("ix_mahalla_areas_address", "kind", "address_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # boundary: the rings of one polygon as [[lon, lat], ...] (GeoJSON order), the first the outer one
    rings: Mapped[list[Any] | None] = mapped_column(JSON)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    min_lon: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    address_key: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
