"""An injectable clock for BPMN timers.

SpiffWorkflow's timer events read ``datetime.now(timezone.utc)`` inside
``SpiffWorkflow.bpmn.specs.event_definitions.timer``. On import, this module replaces that
module's ``datetime`` name with a subclass whose ``now()`` returns the time set by ``frozen_at``
for the current thread or task, and the real time otherwise. The injected time lives in a
``ContextVar``, so concurrent requests and worker threads never see each other's clock and no
lock is needed. Only this package touches SpiffWorkflow, so the patch stays inside the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_NOW: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now()`` honours the injected time of the current context."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockedDatetime:
        injected = _NOW.get()
        if injected is None:
            real = datetime.now(tz)
        else:
            real = injected.astimezone(tz) if tz is not None else injected.astimezone(UTC).replace(tzinfo=None)
        return cls.combine(real.date(), real.time(), real.tzinfo)


_timer_module.datetime = _ClockedDatetime  # type: ignore[misc]


def aware(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@contextmanager
def frozen_at(moment: datetime | None) -> Iterator[None]:
    """Run the block with timers seeing ``moment`` as now (``None``: the real clock)."""
    if moment is None:
        yield
        return
    token = _NOW.set(aware(moment))
    try:
        yield
    finally:
        _NOW.reset(token)


def parse_timer_value(value: object) -> datetime | None:
    """The due time stored in a waiting timer's internal data (an ISO string, or a cycle's dict)."""
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str) or not value or value.upper().startswith("P"):
        return None
    try:
        return aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def injected_now() -> datetime | None:
    """The time set by ``frozen_at`` in this context (aware UTC), or None on the real clock."""
    return _NOW.get()


# The service's local time zone: "today" of a form's date range is a day in Tashkent.
TASHKENT = ZoneInfo("Asia/Tashkent")


def timer_now() -> datetime:
    """What timers see as now in this context (aware UTC)."""
    return _ClockedDatetime.now(UTC)
