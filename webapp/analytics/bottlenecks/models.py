"""One row per completed user task: when it became ready, when it was completed, where.

Written in the same transaction as the completion (webapp/cases/timings.py, for every subject kind); the case event log
holds the same facts, but answering "median time of each task in a district" from it needs a
self-join of the log over millions of rows. This projection answers it from one table and index.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class TaskTiming(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "task_timings"
    # Covering on PostgreSQL (INCLUDE): the figures are read from the index alone, never the heap.
    __table_args__ = (
        Index(
            "ix_task_timings_version_completed",
            "process_version_id",
            "completed_at",
            postgresql_include=["task_name", "seconds"],
        ),
        Index(
            "ix_task_timings_district_version_completed",
            "district_id",
            "process_version_id",
            "completed_at",
            postgresql_include=["task_name", "seconds", "mahalla_id"],
        ),
    )

    # The task's id (the same as CaseEvent.task_id): completing a task twice is impossible.
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The case the task belonged to: an appeal (appeal_id), or another subject of the case runtime
    # (a prevention plan, a notice's approval: subject_kind + subject_id, appeal_id NULL).
    subject_kind: Mapped[str] = mapped_column(String(30), default="appeal", server_default="appeal")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    task_name: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    ready_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
