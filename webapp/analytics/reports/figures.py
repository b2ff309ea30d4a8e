"""What the report page and its PDF show of the figures: which ones, and how a value and a change read."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from webapp.platform import formats

# --- what the page and the PDF show --------------------------------------------------------------

# The key figures: (name in the stats figures, label, format: count | share | days | score).
KEY_FIGURES: tuple[tuple[str, Any, str], ...] = (
    ("received", _l("Appeals received"), "count"),
    ("answered", _l("Answered"), "count"),
    ("answered_on_time", _l("Answered on time"), "count"),
    ("on_time_share", _l("Share answered on time"), "share"),
    ("overdue", _l("Overdue"), "count"),
    ("median_days", _l("Median days to answer"), "days"),
    ("p90_days", _l("90th percentile of days to answer"), "days"),
    ("repeated", _l("Repeated appeals"), "count"),
    ("forwarded", _l("Forwarded to the competent body"), "count"),
    ("unconsidered", _l("Left unconsidered"), "count"),
    ("rating_average", _l("Average rating"), "score"),
    ("satisfied_share", _l("Satisfied citizens"), "share"),
)
# A rise of these is bad news (shown in red); of the others good news (green).
WORSE_WHEN_UP = frozenset({"overdue", "median_days", "p90_days", "repeated", "unconsidered"})


SMALL_BASE = 10  # fewer cases than this: a count changes by its difference, not a percentage


def format_value(value: Any, kind: str) -> str:
    """A figure in the reader's number format (webapp.platform.formats)."""
    if value is None:
        return "—"
    if kind == "share":
        return formats.percent(float(value), 1)
    if kind in ("days", "score"):
        return formats.number(float(value), 1)
    return formats.number(int(value))


def format_change(change: dict[str, Any] | None, kind: str) -> str:
    if not change or change.get("delta") is None:
        return "—"
    delta = float(change["delta"])
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if kind == "share":
        return gettext("%(sign)s%(points)s percentage points", sign=sign, points=formats.number(abs(100 * delta), 1))
    if kind in ("days", "score"):
        return f"{sign}{formats.number(abs(delta), 1)}"
    text = f"{sign}{formats.number(abs(int(delta)))}"
    percent, previous = change.get("percent"), change.get("previous")
    if percent is not None and (previous or 0) >= SMALL_BASE:
        text += f" ({sign}{formats.percent(abs(float(percent)) / 100)})"
    return text
