"""The categories of appeals an admin shares with mahalla chairs (one row; none yet means the default)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow

DEFAULT_CATEGORIES = ("social_assistance", "utilities", "public_safety")


class ChairSharing(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "chair_sharing"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Comma-separated category codes; empty: chairs see no appeal.
    categories: Mapped[str] = mapped_column(
        String(300), default=",".join(DEFAULT_CATEGORIES), server_default=",".join(DEFAULT_CATEGORIES)
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
