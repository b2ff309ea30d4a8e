"""The notification outbox: every email and SMS is a row first, sent by a job, retried on failure."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"
    STORED = "stored"  # written to the local mailbox (no gateway configured)
    FAILED = "failed"  # gave up after the last attempt
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | sms | webhook
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # A webhook delivery: recipient is the URL, subject the event type, body the JSON payload.
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_subscriptions.id"), index=True)
    # pending | sent (SMTP or a real SMS gateway) | stored (the local mailbox, not sent) | failed | cancelled
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Values substituted for ``{name}`` in subject and body at delivery time; erased (NULL) once delivered.
    secrets: Mapped[dict[str, str | None] | None] = mapped_column(JSON)
    # Where the delivered message went: smtp, local (the mailbox folder), or the SMS gateway's name.
    delivered_via: Mapped[str] = mapped_column(String(30), default="")
