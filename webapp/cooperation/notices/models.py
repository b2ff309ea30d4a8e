"""Prevention notices, their mahallas and deliveries, and the residents who subscribe to them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import utcnow


class NoticeStatus(enum.StrEnum):
    """Where a notice stands; its approval itself runs on the case runtime (notices.approval)."""

    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    RETURNED = "returned"


notice_mahallas = Table(
    "notice_mahallas",
    db.Model.metadata,
    Column("notice_id", ForeignKey("prevention_notices.id", ondelete="CASCADE"), primary_key=True),
    Column("mahalla_id", ForeignKey("mahallas.id"), primary_key=True, index=True),
)

subscriber_mahallas = Table(
    "notice_subscriber_mahallas",
    db.Model.metadata,
    Column("subscriber_id", ForeignKey("notice_subscribers.id", ondelete="CASCADE"), primary_key=True),
    Column("mahalla_id", ForeignKey("mahallas.id"), primary_key=True, index=True),
)


class PreventionNotice(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "prevention_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text_uz: Mapped[str] = mapped_column(Text)
    text_ru: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    # NoticeStatus; the approval's instance, task and events are the case runtime's
    # (subject kind "prevention_notice", webapp.cooperation.notices.approval).
    status: Mapped[str] = mapped_column(
        String(20), default=NoticeStatus.AWAITING_APPROVAL, server_default=NoticeStatus.AWAITING_APPROVAL.value
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the supervisors were reminded of the waiting approval (once; the approval's norm passed).
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The optional attachment (a leaflet, a photo): a file in the attachments folder.
    attachment_key: Mapped[str | None] = mapped_column(String(64))
    attachment_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="", server_default="")
    attachment_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    mahallas: Mapped[list[Mahalla]] = relationship(secondary=notice_mahallas, order_by=Mahalla.name)


class NoticeSubscriber(db.Model):  # type: ignore[name-defined,misc]
    """One subscription of a phone (confirmed by a one-time code); the token is its unsubscribe link."""

    __tablename__ = "notice_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    phone_key: Mapped[str] = mapped_column(String(9), index=True)
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    locale: Mapped[str] = mapped_column(String(5), default="uz", server_default="uz")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmation_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mahallas: Mapped[list[Mahalla]] = relationship(secondary=subscriber_mahallas, order_by=Mahalla.name)


class NoticeDelivery(db.Model):  # type: ignore[name-defined,misc]
    """Which outbox message carried a notice to which subscriber (the delivery figures)."""

    __tablename__ = "notice_deliveries"

    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("prevention_notices.id", ondelete="CASCADE"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("notice_subscribers.id", ondelete="CASCADE"), index=True)
