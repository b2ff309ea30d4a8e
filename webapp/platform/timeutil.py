"""Time helpers. The service works in Asia/Tashkent; the database stores UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from engine.clock import injected_now

TASHKENT = ZoneInfo("Asia/Tashkent")


def utcnow() -> dt.datetime:
    """Now, in UTC; inside ``engine.clock.frozen_at(moment)`` that moment (tests, the demo's past)."""
    return injected_now() or dt.datetime.now(dt.UTC)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(TASHKENT).date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; treat them as UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
