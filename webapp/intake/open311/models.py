"""Open311 GeoReport v2 clients and their API keys (only the hash is stored)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class Open311Client(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TriageStatus(enum.StrEnum):
    PENDING = "pending"
    PLACED = "placed"
    REJECTED = "rejected"


class Open311Triage(db.Model):  # type: ignore[name-defined,misc]
    """A service request whose mahalla or category could not be placed: it waits in the staff
    triage queue until someone assigns both (an appeal is registered) or rejects it with a reason
    the client reads back under the request's token."""

    __tablename__ = "open311_triage"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(
        String(10), default=TriageStatus.PENDING.value, server_default="pending", index=True
    )
    service_code: Mapped[str] = mapped_column(String(100), default="", server_default="")  # as the client sent it
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    applicant_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    applicant_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # why it was rejected (public)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))

    client: Mapped[Open311Client] = relationship()
