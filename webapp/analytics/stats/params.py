"""Reading a statistics filter from query parameters (dashboards, exports and the API share it).

Parameters: ``period`` (a preset: last_30_days, this_month, last_month, quarter, year) or ``from`` and ``to``
(YYYY-MM-DD, Asia/Tashkent dates), and ``category``, ``kind``, ``channel``. A problem raises
BadParameter (webapp.platform.query_params) naming the field; the pages show it and fall back, the API answers 400.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from webapp.analytics.stats.service import MAX_PERIOD_DAYS, PRESETS, period_preset
from webapp.casework.appeals.models import CATEGORIES, AppealKind, Channel
from webapp.platform.query_params import BadParameter
from webapp.platform.timeutil import local_today

DEFAULT_PRESET = "this_month"  # the API's default (its documented contract)
DASHBOARD_PRESET = "last_30_days"  # the dashboards': meaningful on the first days of a month too
KINDS = tuple(kind.value for kind in AppealKind)
CHANNELS = tuple(channel.value for channel in Channel)


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date
    preset: str  # the preset's name, or "custom"


def _date(args: Mapping[str, str], name: str) -> dt.date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> dt.date:
    raise BadParameter(name, "invalid_date", f"{name} must be a date written YYYY-MM-DD")


def parse_period(args: Mapping[str, str], today: dt.date | None = None, default: str = DEFAULT_PRESET) -> Period:
    """The period asked for: from/to if given (both, or one with the other defaulted), else a preset."""
    today = today or local_today()
    date_from, date_to = _date(args, "from"), _date(args, "to")
    preset = (args.get("period") or "").strip()
    if date_from is None and date_to is None:
        if preset and preset not in PRESETS and preset != "custom":
            raise BadParameter("period", "invalid_choice", f"period must be one of: {', '.join(PRESETS)}", PRESETS)
        name = preset if preset in PRESETS else default
        start, end = period_preset(name, today)
        return Period(start, end, name)
    if date_from is None:
        assert date_to is not None
        date_from = date_to.replace(day=1)
    if date_to is None:
        date_to = max(today, date_from)
    if date_from > date_to:
        raise BadParameter("from", "from_after_to", "from must not be later than to")
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        raise BadParameter("to", "period_too_long", "the period may be at most three years long")
    return Period(date_from, date_to, "custom")


def parse_choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadParameter(name, "invalid_choice", f"{name} must be one of: {', '.join(allowed)}", allowed)
    return value


def parse_attributes(args: Mapping[str, str]) -> dict[str, str | None]:
    """category / kind / channel filters (empty means all)."""
    return {
        "category": parse_choice(args, "category", CATEGORIES),
        "kind": parse_choice(args, "kind", KINDS),
        "channel": parse_choice(args, "channel", CHANNELS),
    }
