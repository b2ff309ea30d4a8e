"""Legal time under the Law on Appeals (ZRU-445): the one module that knows the terms.

* Registration (Art. 23): the day an appeal is received, in Tashkent; after working hours, on a
  weekend or a public holiday → the next working day. Working hours and movable holidays come
  from app config (``WORKING_HOURS``, ``HOLIDAYS``); the fixed public holidays are built in.
* Terms (Art. 28), in calendar days and months counted from registration: statement and complaint
  15 days; extra study, checks or documents needed → 1 month; proposal 1 month (the applicant is
  told within 10 days when more study is needed); forwarding to the competent body within 5 days.
* Extension (Art. 28): once, by a supervisor, at most 1 month beyond the current deadline and never
  more than 2 months from registration.

Everything here is a pure function of its arguments (the calendar is a value); ``current_calendar``
is the only reader of app config.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from webapp.platform.timeutil import TASHKENT, as_utc

DEFAULT_TERM = "P15D"
STATEMENT_TERM = "P15D"
EXTRA_STUDY_TERM = "P1M"
PROPOSAL_TERM = "P1M"
FORWARDING_DAYS = 5
PROPOSAL_NOTICE_DAYS = 10
MAX_EXTENSION_MONTHS = 1
MAX_TOTAL_MONTHS = 2
FORWARD_TASK = "forward_appeal"

# Fixed public holidays of Uzbekistan (month, day): New Year, Women's Day, Navro'z, Victory and
# Remembrance Day, Independence Day, Teachers' Day, Constitution Day.
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (3, 8), (3, 21), (5, 9), (9, 1), (10, 1), (12, 8))

_TERM = re.compile(r"^P(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_term(start: dt.date, term: str) -> dt.date:
    """Add an ISO 8601 duration of months, weeks and days (``P15D``, ``P1M``) to a date."""
    match = _TERM.match(term.strip().upper()) if term else None
    if not match or not any(match.groupdict().values()):
        raise ValueError(f"unsupported deadline term {term!r}")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    result = add_months(start, parts.get("months", 0))
    return result + dt.timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0))


def days_left(deadline: dt.date, today: dt.date) -> int:
    return (deadline - today).days


# --- the working calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and hours in Tashkent: Monday–Friday 09:00–18:00 minus public holidays."""

    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(18, 0)
    workdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)  # movable ones (hayit), by date
    fixed_holidays: tuple[tuple[int, int], ...] = FIXED_HOLIDAYS

    def is_holiday(self, day: dt.date) -> bool:
        return (day.month, day.day) in self.fixed_holidays or day in self.holidays

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.workdays and not self.is_holiday(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        if not self.workdays:
            raise ValueError("the working calendar has no working days")
        candidate = day + dt.timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += dt.timedelta(days=1)
        return candidate

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself when ``count`` is 0)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def registration_date(self, received_at: dt.datetime) -> dt.date:
        """Same day when received on a working day before closing time, else the next working day.

        An appeal that arrives before opening time on a working day is registered that day.
        Naive datetimes are taken as UTC (as SQLite returns them).
        """
        local = as_utc(received_at).astimezone(TASHKENT)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.closes:
            return day
        return self.next_working_day(day)


DEFAULT_CALENDAR = WorkingCalendar()


def parse_working_hours(value: Any) -> tuple[dt.time, dt.time]:
    """``"09:00-18:00"`` or a pair of ``datetime.time`` / ``"HH:MM"`` → (opens, closes)."""
    if isinstance(value, str):
        match = _HOURS.match(value)
        if not match:
            raise ValueError(f"WORKING_HOURS must look like '09:00-18:00', not {value!r}")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        opens, closes = dt.time(h1, m1), dt.time(h2, m2)
    else:
        first, second = value
        opens = first if isinstance(first, dt.time) else dt.time.fromisoformat(str(first))
        closes = second if isinstance(second, dt.time) else dt.time.fromisoformat(str(second))
    if not opens < closes:
        raise ValueError(f"WORKING_HOURS: opening {opens} must be before closing {closes}")
    return opens, closes


def parse_holidays(values: Iterable[Any]) -> frozenset[dt.date]:
    """Movable holidays as dates or ISO strings (``"2026-03-20"``)."""
    if isinstance(values, str):
        values = [part for part in re.split(r"[,\s]+", values) if part]
    return frozenset(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values)


def calendar_from_config(config: Mapping[str, Any]) -> WorkingCalendar:
    opens, closes = parse_working_hours(config.get("WORKING_HOURS") or "09:00-18:00")
    return WorkingCalendar(opens=opens, closes=closes, holidays=parse_holidays(config.get("HOLIDAYS") or ()))


# Other sources of movable holidays (the admins' reference data registers one): each returns dates.
HOLIDAY_SOURCES: list[Callable[[], Iterable[dt.date]]] = []


def current_calendar() -> WorkingCalendar:
    """The calendar of the running app (its config plus the registered holiday sources), or the
    default one outside an app."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return DEFAULT_CALENDAR
    working = calendar_from_config(current_app.config)
    extra = frozenset(day for source in HOLIDAY_SOURCES for day in source())
    return dataclasses.replace(working, holidays=working.holidays | extra) if extra else working


def registration_date(received_at: dt.datetime, working: WorkingCalendar | None = None) -> dt.date:
    """The day an appeal is registered (Art. 23): see ``WorkingCalendar.registration_date``."""
    return (working or current_calendar()).registration_date(received_at)


# --- terms -----------------------------------------------------------------------------------


def consideration_term(kind: str, *, extra_study: bool = False) -> str:
    """The term of an appeal: 1 month for proposals and when extra study is needed, else 15 days."""
    if kind == "taklif":
        return PROPOSAL_TERM
    return EXTRA_STUDY_TERM if extra_study else STATEMENT_TERM


def consideration_deadline(kind: str, registered_on: dt.date, *, extra_study: bool = False) -> dt.date:
    return add_term(registered_on, consideration_term(kind, extra_study=extra_study))


def forwarding_due(registered_on: dt.date) -> dt.date:
    """Forward to the competent body (and tell the applicant) within 5 days."""
    return registered_on + dt.timedelta(days=FORWARDING_DAYS)


def proposal_notice_due(registered_on: dt.date) -> dt.date:
    """A proposal that needs more study: the applicant is told within 10 days."""
    return registered_on + dt.timedelta(days=PROPOSAL_NOTICE_DAYS)


def effective_deadline(term_deadline: dt.date, extended_until: dt.date | None) -> dt.date:
    """The deadline in force: the extended date when there is one (never earlier than the term)."""
    if extended_until is None:
        return term_deadline
    return max(term_deadline, extended_until)


class _Dated(Protocol):
    @property
    def registered_on(self) -> dt.date: ...

    @property
    def deadline(self) -> dt.date: ...


def task_due_date(
    task_name: str,
    appeal: _Dated,
    *,
    norm: str | None = None,
    created_on: dt.date | None = None,
    working_days: str | None = None,
) -> dt.date:
    """When a pending task is due: by the appeal's deadline, forwarding within 5 days of
    registration, and a task with a norm from its diagram (``P3D``) within that term of its creation;
    a norm in working days (the property ``norm_working_days``) counts on the working calendar.

    A task created when the appeal's deadline has already passed (the supervisor's escalation, a
    task of a late case) is due by its creation plus its norm: it cannot be overdue the moment it
    appears."""
    due = appeal.deadline
    if task_name == FORWARD_TASK:
        due = min(forwarding_due(appeal.registered_on), due)
    if norm and created_on is not None:
        with contextlib.suppress(ValueError):  # a malformed norm leaves the legal deadline
            by_norm = add_term(created_on, norm)
            due = by_norm if due < created_on else min(by_norm, due)
    if working_days and working_days.isdigit() and created_on is not None:
        # A norm in working days (a partner's referral norms): its own term, whatever the appeal's.
        due = current_calendar().add_working_days(created_on, int(working_days))
    return due


# --- extension -------------------------------------------------------------------------------


class ExtensionRefused(ValueError):
    """The law does not allow this extension; ``code`` says why, ``field`` which input is at fault."""

    def __init__(self, code: str, field: str = "until") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def extension_range(registered_on: dt.date, deadline: dt.date) -> tuple[dt.date, dt.date]:
    """The dates an extension may choose: after the current deadline, at most 1 month beyond it and
    at most 2 months from registration. Empty (first > last) when the deadline is already at the limit."""
    latest = min(add_months(deadline, MAX_EXTENSION_MONTHS), add_months(registered_on, MAX_TOTAL_MONTHS))
    return deadline + dt.timedelta(days=1), latest


def extension_target(deadline: dt.date, *, until: dt.date | None = None, months: int | None = None) -> dt.date:
    """The new date asked for: a date, or a number of months beyond the current deadline."""
    if (until is None) == (months is None):
        raise ExtensionRefused("until_or_months")
    if until is not None:
        return until
    assert months is not None
    if months < 1:
        raise ExtensionRefused("too_short")
    return add_months(deadline, months)


def check_extension(registered_on: dt.date, deadline: dt.date, new_date: dt.date, *, already_extended: bool) -> dt.date:
    """``new_date`` if the law allows extending ``deadline`` to it; ExtensionRefused otherwise."""
    if already_extended:
        raise ExtensionRefused("already_extended")
    earliest, latest = extension_range(registered_on, deadline)
    if new_date < earliest:
        raise ExtensionRefused("too_short")
    if new_date > latest:
        raise ExtensionRefused("too_long")
    return new_date
