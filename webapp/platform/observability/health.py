"""Readiness checks (database, migrations at head, broker when configured) and the database gauges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from webapp.extensions import db
from webapp.platform.timeutil import as_utc, utcnow

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        db.session.rollback()
        return Check("database", False, f"unreachable: {type(error).__name__}")
    return Check("database", True)


def migration_heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def check_migrations() -> Check:
    try:
        current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        db.session.rollback()
        return Check("migrations", False, "no alembic_version table: run `mahalla db upgrade`")
    heads = migration_heads()
    if current != heads:
        return Check(
            "migrations", False, f"database at {sorted(current)}, code at {sorted(heads)}: run `mahalla db upgrade`"
        )
    return Check("migrations", True)


def check_broker(url: str, timeout: float = 2.0) -> Check:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as error:
        return Check("broker", False, f"unreachable: {type(error).__name__}")
    return Check("broker", True)


def readiness(config: Any) -> list[Check]:
    checks = [check_database()]
    if checks[0].ok:
        checks.append(check_migrations())
    if config.get("CELERY_BROKER_URL"):
        checks.append(check_broker(str(config["CELERY_BROKER_URL"])))
    return checks


@dataclass(frozen=True)
class DatabaseGauges:
    queued: int
    failed: int
    timer_lag_seconds: float


def database_gauges(now: dt.datetime | None = None) -> DatabaseGauges:
    from webapp.cases.models import ProcessInstance
    from webapp.platform.notifications.models import OutboxMessage

    now = now or utcnow()
    try:
        counts = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_(("pending", "failed")))
                .group_by(OutboxMessage.status)
            ).all()
        )
        oldest = db.session.scalar(
            select(func.min(ProcessInstance.next_timer_at)).where(ProcessInstance.next_timer_at <= now)
        )
    finally:
        db.session.remove()
    lag = max((now - as_utc(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0
    return DatabaseGauges(
        queued=int(counts.get("pending", 0)), failed=int(counts.get("failed", 0)), timer_lag_seconds=lag
    )
