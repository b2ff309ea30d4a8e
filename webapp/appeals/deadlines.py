"""Legal deadlines under the Law on Appeals (ZRU-445, Art. 28), in calendar days and months."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from webapp.timeutil import TASHKENT

DEFAULT_TERM = "P15D"
_TERM = re.compile(r"^P(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")


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


def registration_date(received_at: dt.datetime) -> dt.date:
    """The day an appeal is registered: the day it is received, in Tashkent (Art. 23)."""
    return received_at.astimezone(TASHKENT).date()
