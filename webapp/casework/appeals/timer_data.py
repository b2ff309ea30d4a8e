"""The moments the diagrams' timers read from the case data, computed from the appeal's deadline.

Design: the diagrams' date timers are Python expressions naming a case variable
(``<bpmn:timeDate>deadline_at</bpmn:timeDate>``), so the diagram says *what* waits and the
application says *when*: it keeps ``deadline_at`` (the first moment the appeal is overdue: the
day after the deadline, 00:00 in Tashkent) and ``reminder_at`` (09:00 in Tashkent,
``REMINDER_DAYS`` before the deadline) in the data after every action on the case and before
every timer run. A moved deadline (extension, a longer term chosen at registration) thus moves the
waiting timers too (engine ``Instance.set_timer_data``), and a methodologist can change which
tasks get reminders without touching code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from webapp.platform.timeutil import TASHKENT

REMINDER_DAYS = 2
REMINDER_HOUR = 9

# BPMN ids (qualified ``process:element``) of the timer events the application reacts to.
REMINDER_SUFFIX = "_reminder"


def overdue_at(deadline: dt.date) -> dt.datetime:
    """The first moment an appeal with this deadline is overdue (aware, Tashkent)."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), TASHKENT)


def reminder_at(deadline: dt.date) -> dt.datetime:
    return dt.datetime.combine(deadline - dt.timedelta(days=REMINDER_DAYS), dt.time(REMINDER_HOUR), TASHKENT)


def timer_data(deadline: dt.date) -> dict[str, str]:
    """The case variables the appeal diagrams' timers read."""
    return {"deadline_at": overdue_at(deadline).isoformat(), "reminder_at": reminder_at(deadline).isoformat()}


def reminded_task(element: str) -> str | None:
    """The user task whose reminder timer ``element`` (``process:task_reminder``) is, else None."""
    name = element.rsplit(":", 1)[-1]
    if name.endswith(REMINDER_SUFFIX):
        return name[: -len(REMINDER_SUFFIX)]
    return None


# Other areas add the moments their diagrams' timers read (a referral's norms in working days):
# each source names the variables it gives and is asked with the appeal's id after an action on
# the case whose timers (waiting, or reachable by its next step) read one of them.
TimerSource = Callable[[int], dict[str, str]]
_SOURCES: list[tuple[frozenset[str], TimerSource]] = []


def timer_source(*names: str) -> Callable[[TimerSource], TimerSource]:
    """Register a source of the timer variables ``names``."""

    def register(source: TimerSource) -> TimerSource:
        if all(known is not source for _names, known in _SOURCES):
            _SOURCES.append((frozenset(names), source))
        return source

    return register


def case_timer_data(appeal_id: int, deadline: dt.date, reads: Collection[str] | None = None) -> dict[str, Any]:
    """The timer moments of one appeal's case: its deadline's, and those of the registered sources
    whose variables the case's timers may read (``reads``, engine ``Instance.timer_reads``; None:
    every source). A source not asked leaves its variables in the case data as they are."""
    values: dict[str, Any] = timer_data(deadline)
    for names, source in _SOURCES:
        if reads is None or not names.isdisjoint(reads):
            values.update(source(appeal_id))
    return values
