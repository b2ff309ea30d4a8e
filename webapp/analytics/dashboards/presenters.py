"""How a dashboard is shown: KPI cards with their change, chart series, number formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import numbers
from flask_babel import format_date, format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _

from webapp.analytics.dashboards.service import DIRECTION, Dashboard
from webapp.analytics.stats.service import Change, Figures, Group
from webapp.platform import formats

BREAKDOWN_CHART_LIMIT = 15  # bars in a breakdown chart; the table lists every group


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str]:
    """The locale's thousands and decimal separators (babel's data, read once per locale)."""
    return numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)


def fmt(value: Any, kind: str = "int") -> str:
    """A figure for people: thousands separators, percentages, days with one decimal.

    Formatted with the locale's separators but without babel's pattern engine per call: a
    dashboard shows over a thousand numbers.
    """
    if value is None:
        return "—"
    if kind == "percent":
        return formats.percent(value)  # the locale's spacing, as everywhere (few per page)
    group, decimal = _symbols(str(get_locale() or "en"))
    if kind == "days":
        text = f"{value:,.1f}"
    elif kind == "score":
        text = f"{value:.2f}"
    else:
        text = f"{round(value):,d}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    icon: str
    value: str
    detail: str
    change: str  # "+12%", "+3 pp", "−1.5 d" …, or "" when there is nothing to compare with
    arrow: str  # "up", "down", "flat" or ""
    tone: str  # "good", "bad" or "neutral"


# Below this many cases a relative change ("+50%", "−100%") or a change of a share says nothing:
# counts then change by their difference, and shares are not compared.
SMALL_BASE = 10
NO_CHANGE = Change(None, None)


def _change_text(change: Change, kind: str) -> str:
    delta = change.delta
    if delta is None:
        return ""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if kind == "percent":
        return _("%(sign)s%(points)s percentage points", sign=sign, points=format_decimal(100 * size, "0.#"))
    if kind in ("days", "score"):
        return f"{sign}{format_decimal(size, '0.0#')}"
    if change.percent is not None and (change.previous or 0) >= SMALL_BASE:
        return f"{sign}{format_percent(abs(change.percent) / 100, '#,##0.#%')}"
    return f"{sign}{format_decimal(size, '#,##0')}"


def _on_enough(change: Change, *bases: int) -> Change:
    """The change of a share, or none when either period has fewer than SMALL_BASE cases behind it."""
    return change if min(bases) >= SMALL_BASE else NO_CHANGE


def _kpi(name: str, label: str, icon: str, value: str, detail: str, change: Change, kind: str) -> Kpi:
    delta = change.delta
    arrow = "" if delta is None else ("up" if delta > 0 else "down" if delta < 0 else "flat")
    direction = DIRECTION.get(name, 0)
    tone = "neutral"
    if delta and direction:
        tone = "good" if delta * direction > 0 else "bad"
    return Kpi(name, label, icon, value, detail, _change_text(change, kind), arrow, tone)


def kpis(board: Dashboard) -> list[Kpi]:
    now = board.comparison.current
    before = board.comparison.previous
    ch = board.comparison.changes
    return [
        _kpi(
            "received",
            _("Appeals received"),
            "bi-inbox",
            fmt(now.received),
            _("%(open)s still open", open=fmt(now.open)),
            ch["received"],
            "int",
        ),
        _kpi(
            "answered",
            _("Answered"),
            "bi-send-check",
            fmt(now.answered),
            _("%(resolved)s resolved", resolved=fmt(now.resolved)),
            ch["answered"],
            "int",
        ),
        _kpi(
            "on_time_share",
            _("Answered on time"),
            "bi-stopwatch",
            fmt(now.on_time_share, "percent"),
            _("%(on_time)s of %(answered)s answered", on_time=fmt(now.answered_on_time), answered=fmt(now.answered)),
            _on_enough(ch["on_time_share"], now.answered, before.answered),
            "percent",
        ),
        _kpi(
            "overdue",
            _("Overdue now"),
            "bi-exclamation-octagon",
            fmt(board.overdue_now),  # the banner's figure: one definition (webapp.casework.overdue)
            _("%(late)s answered late in this period", late=fmt(now.answered_late)),
            NO_CHANGE,
            "int",
        ),
        _kpi(
            "median_days",
            _("Median time to answer"),
            "bi-hourglass-split",
            _("%(days)s d", days=fmt(now.median_days, "days")) if now.median_days is not None else "—",
            _("90%% answered within %(days)s days", days=fmt(now.p90_days, "days"))
            if now.p90_days is not None
            else _("No answers in this period."),
            ch["median_days"],
            "days",
        ),
        _kpi(
            "repeated",
            _("Repeated appeals"),
            "bi-arrow-repeat",
            fmt(now.repeated),
            ngettext("%(num)d suggested category overridden", "%(num)d suggested categories overridden", now.overrides),
            ch["repeated"],
            "int",
        ),
        _kpi(
            "unconsidered",
            _("Left unconsidered"),
            "bi-slash-circle",
            fmt(now.unconsidered),
            _("%(forwarded)s forwarded to the competent body", forwarded=fmt(now.forwarded)),
            ch["unconsidered"],
            "int",
        ),
        _kpi(
            "rating_average",
            _("Citizen satisfaction"),
            "bi-star-half",
            f"{fmt(now.rating_average, 'score')} / 5" if now.rating_average is not None else "—",
            ngettext(
                "%(share)s satisfied, %(num)d rating",
                "%(share)s satisfied, %(num)d ratings",
                now.ratings,
                share=fmt(now.satisfied_share, "percent"),
            )
            if now.ratings
            else _("No ratings in this period."),
            _on_enough(ch["rating_average"], now.ratings, before.ratings),
            "score",
        ),
    ]


def _step_label(key: str, step: str) -> str:
    """A trend step as the chart's axis and the table beside it show it: the week's first day in the
    short date format, or the month by name (``Noyabr 2026``)."""
    if step == "week":
        return formats.short_date(dt.date.fromisoformat(key))
    return str(format_date(dt.date.fromisoformat(f"{key}-01"), "LLLL yyyy"))


def _share(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _outcomes(groups: list[Group]) -> dict[str, Any]:
    shown = groups[:BREAKDOWN_CHART_LIMIT]
    return {
        "labels": [group.label for group in shown],
        "keys": [group.key for group in shown],
        "on_time": [group.figures.answered_on_time for group in shown],
        "late": [group.figures.answered_late for group in shown],
        "other": [group.figures.received - group.figures.answered for group in shown],
        "more": max(0, len(groups) - len(shown)),
    }


def _parts(groups: list[Group]) -> dict[str, Any]:
    return {"labels": [group.label for group in groups], "values": [group.figures.received for group in groups]}


def _series(groups: list[Group], name: str) -> list[Any]:
    values: list[Any] = []
    for group in groups:
        figures: Figures = group.figures
        value = getattr(figures, name)
        values.append(_share(value) if name.endswith("_share") else value)
    return values


def chart_data(board: Dashboard) -> dict[str, Any]:
    """The series the charts draw (dashboards.js reads them from a JSON script element)."""
    labels = [_step_label(group.key, board.step) for group in board.trend]
    return {
        "trend": {
            "labels": labels,
            "received": _series(board.trend, "received"),
            "answered": _series(board.trend, "answered"),
            "overdue": _series(board.trend, "overdue"),
            "previous": _series(board.trend_previous, "received")[: len(labels)],
        },
        "satisfaction": {
            "labels": labels,
            "average": [None if v is None else round(v, 2) for v in _series(board.trend, "rating_average")],
            "satisfied": _series(board.trend, "satisfied_share"),
        },
        "category": _outcomes(board.breakdowns["category"]),
        "places": _outcomes(board.breakdowns["places"]),
        "inspector": _outcomes(board.breakdowns["inspector"]),
        "channel": _parts(board.breakdowns["channel"]),
        "kind": _parts(board.breakdowns["kind"]),
        "names": {
            "received": _("Received"),
            "answered": _("Answered"),
            "overdue": _("Overdue"),
            "previous": _("Received, previous period"),
            "on_time": _("Answered on time"),
            "late": _("Answered late"),
            "other": _("Not answered"),
            "average": _("Average rating"),
            "satisfied": _("Satisfied, %"),
            "appeals": _("Appeals"),
        },
    }
