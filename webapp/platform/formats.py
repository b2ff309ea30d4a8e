"""Dates, times, numbers, percentages and durations for people, through Babel, in the current
locale. One short and one long date format per language, used everywhere:

======  ==============  ===================
        short           long
======  ==============  ===================
uz      03.12.2026      3-dekabr, 2026
ru      03.12.2026      3 декабря 2026 г.
en      03/12/2026      3 December 2026
======  ==============  ===================

Times are 24-hour ``HH:mm`` in Asia/Tashkent. Durations come from ISO 8601 terms (``P3D``) and read
"3 kun" / "3 дня" / "3 days".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import has_request_context
from flask_babel import get_locale, ngettext

from webapp.platform.timeutil import TASHKENT, as_utc

SHORT_DATE = {"uz": "dd.MM.yyyy", "ru": "dd.MM.yyyy", "en": "dd/MM/yyyy"}
LONG_DATE = {"uz": "d-MMMM, yyyy", "ru": "d MMMM yyyy 'г.'", "en": "d MMMM yyyy"}
TIME = "HH:mm"
ISO_TERM = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def locale_name() -> str:
    locale = get_locale() if has_request_context() else None
    name = str(locale or "uz")
    return name if name in SHORT_DATE else "uz"


def _local(value: dt.datetime) -> dt.datetime:
    return as_utc(value).astimezone(TASHKENT)


def short_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    locale = locale_name()
    return babel_dates.format_date(value, SHORT_DATE[locale], locale=locale)


def long_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    locale = locale_name()
    return babel_dates.format_date(value, LONG_DATE[locale], locale=locale)


def short_datetime(value: dt.datetime | None) -> str:
    """``03.12.2026 12:50`` (the short date and the Tashkent time)."""
    if value is None:
        return ""
    local = _local(value)
    locale = locale_name()
    return f"{babel_dates.format_date(local.date(), SHORT_DATE[locale], locale=locale)} {local:%H:%M}"


def iso_date(value: Any) -> str:
    """A stored ISO date (``2026-12-03``, as forms keep them) in the short format; other text as is."""
    if isinstance(value, dt.date):
        return short_date(value)
    try:
        return short_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value or "")


def number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return _number_pattern(digits).apply(value, _locale(locale_name()))


def percent(share: float | None, digits: int = 0) -> str:
    """A share (0.56) as the locale writes a percentage: ``56%`` / ``56 %``."""
    if share is None:
        return "—"
    locale = _locale(locale_name())
    return _percent_pattern(locale, digits).apply(share, locale)


# Parsed once per locale and pattern: a dashboard or report formats hundreds of figures, and Babel
# parses a pattern string (and a locale name) again on every call.
@functools.cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.cache
def _number_pattern(digits: int) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@functools.cache
def _percent_pattern(locale: Locale, digits: int) -> babel_numbers.NumberPattern:
    pattern = locale.percent_formats[None].pattern  # the locale's own spacing: 56% / 56 %
    if digits:
        pattern = re.sub(r"0(?=[^0#,.]*$)", "0." + "0" * digits, pattern, count=1)
    return babel_numbers.parse_pattern(pattern)


def duration(term: Any) -> str:
    """An ISO 8601 term (``P3D``, ``PT4H``, ``P1M``) in words; other text unchanged."""
    match = ISO_TERM.match(str(term or "").strip().strip("\"'"))
    if not match or not any(match.groups()):
        return str(term or "")
    years, months, weeks, days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    parts = []
    if years:
        parts.append(ngettext("%(num)d year", "%(num)d years", years))
    if months:
        parts.append(ngettext("%(num)d month", "%(num)d months", months))
    if weeks:
        parts.append(ngettext("%(num)d week", "%(num)d weeks", weeks))
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)
