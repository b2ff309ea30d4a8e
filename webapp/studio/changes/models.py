"""Sandbox test runs: a process run with sample data, apart from real cases (no appeal, no tasks, no notifications)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class SandboxRun(db.Model):  # type: ignore[name-defined,misc]
    """One test run of a process version or of a draft (whose documents are kept as they were at the start)."""

    __tablename__ = "sandbox_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    # Either a published version, or a draft's documents (snapshot) and their content hash.
    process_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    draft_hash: Mapped[str | None] = mapped_column(String(64))
    files: Mapped[dict[str, str] | None] = mapped_column(JSON, deferred=True)
    state: Mapped[str] = mapped_column(Text)
    # Qualified BPMN ids (process:element) the run completed, oldest first.
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_completed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
