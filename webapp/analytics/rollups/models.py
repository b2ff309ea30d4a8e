"""Rollup tables: per period (a day or a month), territory (a district, a region or the country) and
one breakdown, the sums of the appeals' or completed tasks' measures, split by a duration bucket.

Kept in step by database triggers on ``appeals``, ``appeal_ratings`` and ``task_timings`` (and, for the
breakdown by inspector, ``case_events`` and ``pending_tasks``; see
``ddl``): every write, whichever code path makes it, updates them in the same transaction, without
a single extra round trip. A new measure is a new column here and in ``ddl.APPEAL_MEASURES``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Date, Integer, SmallInteger, String, event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.analytics.rollups import ddl
from webapp.extensions import db


class AppealRollup(db.Model):  # type: ignore[name-defined,misc]
    """Appeals by registration date. ``scope`` d/r/c (district, region, country; ``scope_id`` 0 for the
    country); ``dim`` all | mahalla | district | region | category | kind | channel, ``value`` the
    group's code or id ('' for all); ``bucket`` the time-to-answer bucket of answered appeals (-1 else)."""

    __tablename__ = "appeal_rollups"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # d (day) | m (month)
    scope: Mapped[str] = mapped_column(String(1), primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    resolved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered_on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    open: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    repeated: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    forwarded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unconsidered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    overrides: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ratings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    satisfied: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TaskRollup(db.Model):  # type: ignore[name-defined,misc]
    """Completed user tasks by the local date of completion, per process version and task, with the
    count per duration bucket (the bottleneck page's median and 90th percentile)."""

    __tablename__ = "task_rollups"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    scope: Mapped[str] = mapped_column(String(1), primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    process_version_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AppealHandler(db.Model):  # type: ignore[name-defined,misc]
    """A person who worked on an appeal: ``n`` counts their ``task_completed`` case events on it and
    the pending tasks of it they hold now (the link lasts while n > 0). Kept by triggers (``ddl``);
    the rollups' breakdown by inspector follows it."""

    __tablename__ = "appeal_handlers"

    appeal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WaitingTaskCount(db.Model):  # type: ignore[name-defined,misc]
    """How many tasks wait now, per process version, district and task.
    Kept by triggers on ``pending_tasks`` and ``process_instances`` (``ddl``); rows at 0 stay."""

    __tablename__ = "waiting_task_counts"

    process_version_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    task_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


@event.listens_for(db.metadata, "after_create")
def _install_triggers(_target: Any, connection: Connection, **_kw: Any) -> None:
    """``create_all`` (the tests, a fresh SQLite database) gets the triggers the migration creates."""
    tables = set(inspect(connection).get_table_names())
    needed = {"appeals", "appeal_ratings", "task_timings", "districts", "appeal_rollups", "task_rollups"}
    if (
        needed | {"appeal_handlers", "case_events", "pending_tasks", "process_instances", "waiting_task_counts"}
        <= tables
    ):
        for statement in ddl.all_triggers(connection.dialect.name):
            connection.execute(text(statement))
