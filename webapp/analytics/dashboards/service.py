"""What a dashboard shows, assembled from the statistics service (no SQL of its own).

A dashboard is for one district (breakdown by mahalla) or one region (breakdown by district);
the tables it shows are also the tables one can export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from webapp.analytics.stats import service as stats
from webapp.analytics.stats.params import Period
from webapp.analytics.stats.service import Comparison, Figures, Group, StatsFilter
from webapp.platform.territory.models import District, Mahalla, Region

LEVELS = ("district", "region")
# Tables (and charts) of a dashboard; "places" is mahallas in a district view, districts in a region view.
TABLES = ("summary", "trend", "category", "places", "inspector", "channel", "kind")
STEPS = ("week", "month")
WEEKLY_UP_TO_DAYS = 92  # longer periods show months by default

# The columns of every breakdown table: (Figures attribute, header, format).
COLUMNS: tuple[tuple[str, Any, str], ...] = (
    ("received", _l("Received"), "int"),
    ("answered", _l("Answered"), "int"),
    ("answered_on_time", _l("On time"), "int"),
    ("answered_late", _l("Late"), "int"),
    ("on_time_share", _l("On time, %"), "percent"),
    ("overdue_open", _l("Open past deadline"), "int"),
    ("median_days", _l("Median days"), "days"),
    ("p90_days", _l("90th percentile, days"), "days"),
    ("repeated", _l("Repeated"), "int"),
    ("forwarded", _l("Forwarded"), "int"),
    ("unconsidered", _l("Left unconsidered"), "int"),
    ("rating_average", _l("Average rating"), "score"),
    ("satisfied_share", _l("Satisfied, %"), "percent"),
)
# The KPI cards' figures and whether a rise is good (+1), bad (-1) or neither (0).
DIRECTION = {
    "received": 0,
    "answered": 1,
    "answered_on_time": 1,
    "on_time_share": 1,
    "overdue": -1,
    "median_days": -1,
    "p90_days": -1,
    "repeated": -1,
    "forwarded": 0,
    "unconsidered": -1,
    "rating_average": 1,
    "satisfied_share": 1,
}
SUMMARY_ROWS: tuple[tuple[str, Any, str], ...] = (
    ("received", _l("Received"), "int"),
    ("resolved", _l("Resolved"), "int"),
    ("answered", _l("Answered"), "int"),
    ("answered_on_time", _l("Answered on time"), "int"),
    ("answered_late", _l("Answered late"), "int"),
    ("on_time_share", _l("On time, %"), "percent"),
    ("open", _l("Still open"), "int"),
    ("overdue_open", _l("Open past deadline"), "int"),
    ("overdue", _l("Overdue (open past deadline + answered late)"), "int"),
    ("median_days", _l("Median days to answer"), "days"),
    ("p90_days", _l("90th percentile, days to answer"), "days"),
    ("repeated", _l("Repeated appeals"), "int"),
    ("forwarded", _l("Forwarded to the competent body"), "int"),
    ("unconsidered", _l("Left unconsidered"), "int"),
    ("overrides", _l("Suggested category overridden"), "int"),
    ("ratings", _l("Ratings"), "int"),
    ("rating_average", _l("Average rating"), "score"),
    ("satisfied_share", _l("Satisfied, %"), "percent"),
)


@dataclass(frozen=True)
class Scope:
    """The dashboard's territory: a district or a region, narrowed to a mahalla or district."""

    level: str
    region: Region
    district: District | None = None
    mahalla: Mahalla | None = None  # district view: one mahalla
    sub_district: District | None = None  # region view: one district

    @property
    def code(self) -> str:
        return self.district.code if self.level == "district" and self.district else self.region.code

    @property
    def name(self) -> str:
        return self.district.name if self.level == "district" and self.district else self.region.name

    @property
    def places_by(self) -> str:
        return "mahalla" if self.level == "district" else "district"

    def places(self) -> Sequence[Mahalla | District]:
        """Mahallas of the district, or districts of the region (the territory filter's choices)."""
        if self.level == "district" and self.district is not None:
            return self.district.mahallas
        return self.region.districts

    def filter(self, period: Period, attributes: dict[str, str | None]) -> StatsFilter:
        territory: dict[str, int | None] = {}
        if self.mahalla is not None:
            territory["mahalla_id"] = self.mahalla.id
        elif self.level == "district" and self.district is not None:
            territory["district_id"] = self.district.id
        elif self.sub_district is not None:
            territory["district_id"] = self.sub_district.id
        else:
            territory["region_id"] = self.region.id
        return StatsFilter(period.date_from, period.date_to, **territory, **attributes)  # type: ignore[arg-type]


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    filter: StatsFilter
    step: str
    comparison: Comparison
    overdue_now: int
    trend: list[Group]
    trend_previous: list[Group]
    breakdowns: dict[str, list[Group]] = field(default_factory=dict)


def default_step(period: Period) -> str:
    return "week" if (period.date_to - period.date_from).days < WEEKLY_UP_TO_DAYS else "month"


def build(scope: Scope, period: Period, flt: StatsFilter, step: str, today: dt.date | None = None) -> Dashboard:
    trend, trend_previous = stats.trend(flt, step, today)
    return Dashboard(
        scope=scope,
        period=period,
        filter=flt,
        step=step,
        comparison=stats.comparison(flt, today),
        overdue_now=stats.overdue_now(flt, today),
        trend=trend,
        trend_previous=trend_previous,
        breakdowns={
            "category": stats.grouped(flt, "category", today),
            "places": stats.grouped(flt, scope.places_by, today),
            "inspector": stats.grouped(flt, "inspector", today),
            "channel": stats.grouped(flt, "channel", today),
            "kind": stats.grouped(flt, "kind", today),
        },
    )


def _value(figures: Figures, name: str) -> Any:
    value = getattr(figures, name)
    if value is None:
        return None
    if name.endswith("_share"):
        return round(100 * value, 1)
    if isinstance(value, float):
        return round(value, 2)
    return value


def table(
    name: str, scope: Scope, flt: StatsFilter, step: str, today: dt.date | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    """One dashboard table as export headers and rows (computes only that table)."""
    if name == "summary":
        result = stats.comparison(flt, today)
        headers = [
            str(_l("Figure")),
            str(_l("This period")),
            str(_l("Previous period")),
            str(_l("Change")),
        ]

        def summary_rows() -> Iterator[list[Any]]:
            for attr, label, _kind in SUMMARY_ROWS:
                current, previous = _value(result.current, attr), _value(result.previous, attr)
                delta = None if current is None or previous is None else round(current - previous, 2)
                yield [str(label), current, previous, delta]

        return headers, summary_rows()
    if name == "trend":
        groups = stats.grouped(flt, step, today)
        first = str(_l("Week starting")) if step == "week" else str(_l("Month"))
        return _group_table(first, "", groups)
    by = scope.places_by if name == "places" else name
    titles = {
        "category": _l("Category"),
        "mahalla": _l("Mahalla"),
        "district": _l("District"),
        "inspector": _l("Inspector"),
        "channel": _l("Channel"),
        "kind": _l("Kind"),
    }
    return _group_table(str(_l("Code")), str(titles[by]), stats.grouped(flt, by, today))


def _group_table(first: str, second: str, groups: list[Group]) -> tuple[list[str], Iterator[list[Any]]]:
    headers = [first] + ([second] if second else []) + [str(label) for _attr, label, _kind in COLUMNS]

    def rows() -> Iterator[list[Any]]:
        for group in groups:
            lead = [group.key] + ([group.label] if second else [])
            yield lead + [_value(group.figures, attr) for attr, _label, _kind in COLUMNS]

    return headers, rows()
