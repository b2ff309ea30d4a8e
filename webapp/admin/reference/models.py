"""Reference data the procedures use, edited by admins: competent bodies for forwarding,
law-enforcement and social-service partners per district, holidays of the working calendar."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class ReferenceKind:
    COMPETENT_BODY = "competent_body"
    LAW_ENFORCEMENT = "law_enforcement"
    SOCIAL_SERVICE = "social_service"
    HOLIDAY = "holiday"
    ALL = (COMPETENT_BODY, LAW_ENFORCEMENT, SOCIAL_SERVICE, HOLIDAY)


class ReferenceItem(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "reference_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)  # None: every district
    day: Mapped[dt.date | None] = mapped_column(Date)  # holidays
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    district = relationship("District")
