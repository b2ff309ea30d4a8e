"""Published categoriser models (immutable versions) and inspectors' corrections reviewed into the corpus."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class CategoriserModel(db.Model):  # type: ignore[name-defined,misc]
    """A trained model, published as a version: never changed after publishing (only which is active)."""

    __tablename__ = "categoriser_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    trained_on: Mapped[int] = mapped_column(Integer)
    corrections: Mapped[int] = mapped_column(Integer, default=0)
    corpus_hash: Mapped[str] = mapped_column(String(64))
    # Figures on the validation split at publishing: this model's and the one it replaced.
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    blob: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class CorpusCorrection(db.Model):  # type: ignore[name-defined,misc]
    """An inspector's override, reviewed by a methodologist: accepted ones join the training corpus."""

    __tablename__ = "categoriser_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), unique=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
