"""Territory: region (viloyat) → district or city (tuman / shahar) → mahalla (MFY)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


class UnitStatus:
    """A unit's status: mahallas are merged, renamed or abolished; cases keep their unit."""

    ACTIVE = "active"
    MERGED = "merged"
    RENAMED = "renamed"
    ABOLISHED = "abolished"
    ALL = (ACTIVE, MERGED, RENAMED, ABOLISHED)


class UnitNames:
    """Names in Uzbek Cyrillic and Russian beside ``name`` (Uzbek Latin), and the status."""

    name_cyrl: Mapped[str] = mapped_column(String(200), default="", server_default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=UnitStatus.ACTIVE, server_default="active")


class Region(UnitNames, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    districts: Mapped[list[District]] = relationship(back_populates="region", order_by="District.name")


class District(UnitNames, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="districts")
    mahallas: Mapped[list[Mahalla]] = relationship(back_populates="district", order_by="Mahalla.name")


class Mahalla(UnitNames, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "mahallas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)

    district: Mapped[District] = relationship(back_populates="mahallas")
