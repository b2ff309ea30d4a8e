"""Appeal statistics for dashboards, reports and the API: pure SQL aggregates.

Population: the appeals *registered* in the period (``registered_on``, a date in Asia/Tashkent)
within the territory and the optional category / kind / channel. Every figure describes that
cohort, so the numbers of one period add up and a period can be compared with the previous one
of the same length. The queries filter on indexed columns (district or mahalla + registration
date) and aggregate in the database; Python only assembles the few result rows.

Definitions
- received: appeals registered in the period;
- resolved: reached a decision (status resolved or answered);
- answered: the reply was sent and the case closed (status answered); on time when the local
  date of closing is not after the deadline, late otherwise;
- overdue: still open with the deadline passed (``overdue_open``), plus answered late;
- days to answer: time from receipt to closing, in days (median and 90th percentile; PostgreSQL's
  percentile_cont, the same interpolation computed in Python on SQLite);
- forwarded: sent to the competent body (status forwarded); unconsidered: left unconsidered
  (status rejected); repeated: marked as a repeated appeal; overrides: the inspector changed the
  suggested category;
- satisfaction: the citizens' ratings (1–5) of these appeals: count, average, share of 4 and 5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask import has_request_context
from sqlalchemy import Select, and_, case, func, select, true, union
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.expression import ColumnElement

from webapp.analytics.rollups import service as rollups
from webapp.analytics.rollups.models import AppealHandler
from webapp.analytics.stats.sqlfuncs import (
    days_between,
    interpolated_percentile,
    literal_date,
    local_date,
    month_of,
    percentile_cont,
    week_start,
)
from webapp.cases.models import CaseEvent, PendingTask
from webapp.casework.appeals.models import Appeal, AppealRating, AppealStatus
from webapp.casework.overdue import overdue_count
from webapp.extensions import db
from webapp.platform import labels
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import local_today

GROUPS = ("category", "kind", "channel", "district", "mahalla", "inspector", "week", "month")
_CODE_LABELS: dict[str, dict[str, Any]] = {"category": labels.CATEGORY, "kind": labels.KIND, "channel": labels.CHANNEL}
SATISFIED_SCORE = 4  # ratings of 4 and 5 count as satisfied
MAX_PERIOD_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class StatsFilter:
    """Which appeals: registered from ``date_from`` to ``date_to`` (inclusive) in a territory.

    Territory ids narrow from region to district to mahalla; all None means the whole country.
    """

    date_from: dt.date
    date_to: dt.date
    region_id: int | None = None
    district_id: int | None = None
    mahalla_id: int | None = None
    category: str | None = None
    kind: str | None = None
    channel: str | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> StatsFilter:
        """The period of the same length just before this one, same territory and filters."""
        return replace(
            self,
            date_from=self.date_from - dt.timedelta(days=self.days),
            date_to=self.date_from - dt.timedelta(days=1),
        )


@dataclass(frozen=True)
class Figures:
    received: int = 0
    resolved: int = 0
    answered: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    open: int = 0
    overdue_open: int = 0
    repeated: int = 0
    forwarded: int = 0
    unconsidered: int = 0
    overrides: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    ratings: int = 0
    rating_average: float | None = None
    satisfied: int = 0

    @property
    def overdue(self) -> int:
        return self.overdue_open + self.answered_late

    @property
    def on_time_share(self) -> float | None:
        """Answered on time, as a share of all answered (None when nothing was answered)."""
        return self.answered_on_time / self.answered if self.answered else None

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "resolved": self.resolved,
            "answered": self.answered,
            "answered_on_time": self.answered_on_time,
            "answered_late": self.answered_late,
            "on_time_share": _rounded(self.on_time_share, 4),
            "open": self.open,
            "overdue_open": self.overdue_open,
            "overdue": self.overdue,
            "median_days": _rounded(self.median_days, 2),
            "p90_days": _rounded(self.p90_days, 2),
            "repeated": self.repeated,
            "forwarded": self.forwarded,
            "unconsidered": self.unconsidered,
            "categorisation_overrides": self.overrides,
            "ratings": self.ratings,
            "rating_average": _rounded(self.rating_average, 2),
            "satisfied": self.satisfied,
            "satisfied_share": _rounded(self.satisfied_share, 4),
        }


# Figures compared with the previous period (the KPI cards and the API's "change").
COMPARED = (
    "received",
    "answered",
    "answered_on_time",
    "overdue",
    "on_time_share",
    "median_days",
    "p90_days",
    "repeated",
    "forwarded",
    "unconsidered",
    "rating_average",
    "satisfied_share",
)


@dataclass(frozen=True)
class Change:
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        """Relative change in percent; None when the previous value is zero or missing."""
        if self.delta is None or not self.previous:
            return None
        return 100.0 * self.delta / abs(self.previous)

    def as_dict(self) -> dict[str, Any]:
        return {
            "current": _rounded(self.current, 4),
            "previous": _rounded(self.previous, 4),
            "delta": _rounded(self.delta, 4),
            "percent": _rounded(self.percent, 1),
        }


@dataclass(frozen=True)
class Group:
    """One row of a breakdown.

    ``key`` is the stable code (category / kind / channel code, district or mahalla code, the
    inspector's username, the week's Monday YYYY-MM-DD, the month YYYY-MM); ``name`` the name
    stored in the database (mahalla, district, inspector; empty for coded groups); ``label``
    the name to show, translated when there is a request (the code itself otherwise).
    """

    by: str
    key: str
    name: str
    figures: Figures

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        names = _CODE_LABELS.get(self.by)
        if names is None or self.key not in names or not has_request_context():
            return self.key
        return str(names[self.key])


@dataclass(frozen=True)
class Comparison:
    current: Figures
    previous: Figures
    previous_filter: StatsFilter
    changes: dict[str, Change] = field(default_factory=dict)


def compare(current: Figures, previous: Figures, previous_filter: StatsFilter) -> Comparison:
    changes = {name: Change(_as_float(getattr(current, name)), _as_float(getattr(previous, name))) for name in COMPARED}
    return Comparison(current, previous, previous_filter, changes)


# --- queries -----------------------------------------------------------------------------------


def _district_ids(region_id: int) -> list[int]:
    return list(db.session.scalars(select(District.id).where(District.region_id == region_id)))


def _territory(flt: StatsFilter) -> list[ColumnElement[bool]]:
    """The territory condition on Appeal (the leading column of the indexes); none for the country."""
    if flt.mahalla_id is not None:
        return [Appeal.mahalla_id == flt.mahalla_id]
    if flt.district_id is not None:
        return [Appeal.district_id == flt.district_id]
    if flt.region_id is not None:
        return [Appeal.district_id.in_(_district_ids(flt.region_id))]
    return []


def _conditions(flt: StatsFilter, literal_dates: bool = False) -> list[ColumnElement[bool]]:
    """WHERE conditions on Appeal: territory, registration period, category / kind / channel.

    ``literal_dates``: the period's dates in the SQL text, not parameters (for a statement whose
    best plan depends on them: a generic plan of a prepared statement would not know them)."""
    conditions = _territory(flt)
    if literal_dates:
        conditions.append(Appeal.registered_on.between(literal_date(flt.date_from), literal_date(flt.date_to)))
    else:
        conditions.append(Appeal.registered_on.between(flt.date_from, flt.date_to))
    for column, value in ((Appeal.category, flt.category), (Appeal.kind, flt.kind), (Appeal.channel, flt.channel)):
        if value:
            conditions.append(column == value)
    return conditions


def _count_if(condition: ColumnElement[bool] | QueryableAttribute[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _answered() -> ColumnElement[bool]:
    return and_(Appeal.status == AppealStatus.ANSWERED, Appeal.closed_at.is_not(None))


def _days_to_answer() -> ColumnElement[Any]:
    return days_between(Appeal.received_at, Appeal.closed_at)


def _figure_columns(today: dt.date) -> list[ColumnElement[Any]]:
    answered = _answered()
    on_time = and_(answered, local_date(Appeal.closed_at) <= Appeal.deadline)
    return [
        func.count().label("received"),
        _count_if(Appeal.status.in_(("resolved", "answered"))).label("resolved"),
        _count_if(answered).label("answered"),
        _count_if(on_time).label("answered_on_time"),
        _count_if(Appeal.is_open).label("open"),
        _count_if(and_(Appeal.is_open, Appeal.deadline < today)).label("overdue_open"),
        _count_if(Appeal.is_repeated).label("repeated"),
        _count_if(Appeal.status == AppealStatus.FORWARDED).label("forwarded"),
        _count_if(Appeal.status == AppealStatus.REJECTED).label("unconsidered"),
        _count_if(Appeal.categorisation_overridden).label("overrides"),
    ]


def _postgres() -> bool:
    return bool(db.engine.dialect.name == "postgresql")


def _group_key(by: str) -> ColumnElement[Any]:
    keys: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
        "category": Appeal.category,
        "kind": Appeal.kind,
        "channel": Appeal.channel,
        "district": Appeal.district_id,
        "mahalla": Appeal.mahalla_id,
        "week": week_start(Appeal.registered_on),
        "month": month_of(Appeal.registered_on),
    }
    return keys[by].expression


def _inspector_links(flt: StatsFilter) -> Any:
    """(appeal, inspector) pairs: inspectors who completed a task on the appeal or hold one now."""
    ids = select(Appeal.id).where(*_conditions(flt))
    inspectors = select(User.id).where(User.role == Role.INSPECTOR.value)
    completed = select(CaseEvent.appeal_id.label("appeal_id"), CaseEvent.actor_id.label("inspector_id")).where(
        CaseEvent.appeal_id.in_(ids), CaseEvent.kind == "task_completed", CaseEvent.actor_id.in_(inspectors)
    )
    holding = select(PendingTask.appeal_id.label("appeal_id"), PendingTask.assignee_id.label("inspector_id")).where(
        PendingTask.appeal_id.in_(ids), PendingTask.assignee_id.in_(inspectors)
    )
    return union(completed, holding).subquery("inspector_links")


def _keyed(query: Select[Any], flt: StatsFilter, by: str | None) -> tuple[Select[Any], ColumnElement[Any] | None]:
    """Add the group key (and the join it needs) to a query over Appeal filtered by ``flt``."""
    if by is None:
        return query, None
    if by == "inspector":
        links = _inspector_links(flt)
        key: ColumnElement[Any] = links.c.inspector_id
        query = query.join(links, links.c.appeal_id == Appeal.id)
    else:
        key = _group_key(by)
    return query.add_columns(key.label("group_key")).group_by(key), key


def _rated(flt: StatsFilter) -> Any:
    """Per appeal of the filter: its ratings' count, sum and satisfied count (ratings index only)."""
    ids = select(Appeal.id).where(*_conditions(flt))
    return (
        select(
            AppealRating.appeal_id.label("appeal_id"),
            func.count(AppealRating.score).label("n"),
            func.sum(AppealRating.score).label("total"),
            func.sum(case((AppealRating.score >= SATISFIED_SCORE, 1), else_=0)).label("satisfied"),
        )
        .where(AppealRating.appeal_id.in_(ids))
        .group_by(AppealRating.appeal_id)
        .subquery("rated")
    )


def _counts(flt: StatsFilter, by: str | None, today: dt.date) -> dict[Any, dict[str, Any]]:
    """All figures of the filter (per group): from the rollups when they hold that breakdown (the
    territory's whole cohort, no category / kind / channel filter), else from the appeals."""
    if not (flt.mahalla_id or flt.category or flt.kind or flt.channel):
        scope = rollups.Scope.of(flt.region_id, flt.district_id)
        counts = rollups.appeal_counts(scope, by, flt.date_from, flt.date_to)
        if counts is not None:
            overdue = _overdue_open(flt, by, today)
            for group, values in counts.items():
                values["overdue_open"] = overdue.get(group, 0)
            return counts
    return _raw_counts(flt, by, today)


def _overdue_open(flt: StatsFilter, by: str | None, today: dt.date) -> dict[Any, int]:
    """Open past the deadline today, per group: depends on the day, so never rolled up (open appeals
    are few and the (district, is_open, deadline) or, for the country, the partial index of open
    appeals finds them). The dates are literals: with parameters, a prepared statement's generic
    plan reads the whole period by the registration date index (every appeal, not the open ones)."""
    query = (
        select(func.count().label("n"))
        .select_from(Appeal)
        .where(*_conditions(flt, literal_dates=True), Appeal.is_open == true(), Appeal.deadline < literal_date(today))
    )
    if by == "inspector":  # the links the triggers keep, not the case events of the whole period
        key: ColumnElement[Any] | None = AppealHandler.user_id.expression
        query = (
            query.join(AppealHandler, and_(AppealHandler.appeal_id == Appeal.id, AppealHandler.n > 0))
            .where(AppealHandler.user_id.in_(select(User.id).where(User.role == Role.INSPECTOR.value)))
            .add_columns(AppealHandler.user_id.label("group_key"))
            .group_by(AppealHandler.user_id)
        )
    else:
        query, key = _keyed(query, flt, by)
    rows = db.session.execute(query).mappings().all()
    return {(row["group_key"] if key is not None else None): int(row["n"]) for row in rows}


def _raw_counts(flt: StatsFilter, by: str | None, today: dt.date) -> dict[Any, dict[str, Any]]:
    """All figures of the filter (per group), in one query: counts, ratings, percentiles on PostgreSQL."""
    rated = _rated(flt)
    query = (
        select(
            *_figure_columns(today),
            func.coalesce(func.sum(rated.c.n), 0).label("ratings"),
            func.sum(rated.c.total).label("rating_total"),
            func.coalesce(func.sum(rated.c.satisfied), 0).label("satisfied"),
        )
        .select_from(Appeal)
        .outerjoin(rated, rated.c.appeal_id == Appeal.id)
        .where(*_conditions(flt))
    )
    query, key = _keyed(query, flt, by)
    if _postgres():
        answered = _answered()
        days = case((answered, _days_to_answer()), else_=None)
        query = query.add_columns(
            percentile_cont(0.5, days).label("median_days"), percentile_cont(0.9, days).label("p90_days")
        )
    rows = db.session.execute(query).mappings().all()
    result = {(row["group_key"] if key is not None else None): dict(row) for row in rows}
    if not _postgres():
        for group, values in _days_by_group(flt, by).items():
            if group in result:
                result[group]["median_days"] = interpolated_percentile(values, 0.5)
                result[group]["p90_days"] = interpolated_percentile(values, 0.9)
    return result


def _days_by_group(flt: StatsFilter, by: str | None) -> dict[Any, list[float]]:
    """SQLite fallback for the percentiles: the sorted days to answer per group."""
    days = _days_to_answer()
    query = select(days.label("days")).select_from(Appeal).where(*_conditions(flt), _answered())
    if by is not None:
        if by == "inspector":
            links = _inspector_links(flt)
            query = query.join(links, links.c.appeal_id == Appeal.id).add_columns(links.c.inspector_id)
        else:
            query = query.add_columns(_group_key(by))
    result: dict[Any, list[float]] = {}
    for row in db.session.execute(query.order_by(days)):
        result.setdefault(row[1] if by is not None else None, []).append(float(row[0]))
    return result


def _figures(counts: dict[str, Any] | None) -> Figures:
    counts = counts or {}
    answered = int(counts.get("answered") or 0)
    on_time = int(counts.get("answered_on_time") or 0)
    ratings = int(counts.get("ratings") or 0)
    total = counts.get("rating_total")
    return Figures(
        received=int(counts.get("received") or 0),
        resolved=int(counts.get("resolved") or 0),
        answered=answered,
        answered_on_time=on_time,
        answered_late=answered - on_time,
        open=int(counts.get("open") or 0),
        overdue_open=int(counts.get("overdue_open") or 0),
        repeated=int(counts.get("repeated") or 0),
        forwarded=int(counts.get("forwarded") or 0),
        unconsidered=int(counts.get("unconsidered") or 0),
        overrides=int(counts.get("overrides") or 0),
        median_days=_as_float(counts.get("median_days")),
        p90_days=_as_float(counts.get("p90_days")),
        ratings=ratings,
        rating_average=float(total) / ratings if ratings and total is not None else None,
        satisfied=int(counts.get("satisfied") or 0),
    )


def figures(flt: StatsFilter, today: dt.date | None = None) -> Figures:
    """The totals for the filter."""
    today = today or local_today()
    return _figures(_counts(flt, None, today).get(None))


def comparison(flt: StatsFilter, today: dt.date | None = None) -> Comparison:
    """The totals for the filter and for the previous period of the same length."""
    previous = flt.previous()
    return compare(figures(flt, today), figures(previous, today), previous)


def grouped(flt: StatsFilter, by: str, today: dt.date | None = None) -> list[Group]:
    """The figures per category / kind / channel / district / mahalla / inspector / week / month.

    Weeks (keyed by their Monday) and months are listed in order with empty ones filled in; other
    breakdowns list only groups with appeals, largest first.
    """
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    today = today or local_today()
    counts = _counts(flt, by, today)
    if by in ("week", "month"):
        keys = _periods(flt, by)
        return [Group(by, key, "", _figures(counts.get(key))) for key in keys]
    names = _names(by, [key for key in counts if key is not None])
    groups = [
        Group(by, *names.get(key, (str(key), "")), _figures(row)) for key, row in counts.items() if key is not None
    ]
    return sorted(groups, key=lambda group: (-group.figures.received, group.key))


def trend(flt: StatsFilter, by: str = "week", today: dt.date | None = None) -> tuple[list[Group], list[Group]]:
    """Weekly or monthly figures for the period and for the previous period of the same length."""
    if by not in ("week", "month"):
        raise ValueError(f"unknown trend step {by!r}")
    return grouped(flt, by, today), grouped(flt.previous(), by, today)


def _periods(flt: StatsFilter, by: str) -> list[str]:
    if by == "week":
        monday = flt.date_from - dt.timedelta(days=flt.date_from.weekday())
        weeks = []
        while monday <= flt.date_to:
            weeks.append(monday.isoformat())
            monday += dt.timedelta(days=7)
        return weeks
    months = []
    year, month = flt.date_from.year, flt.date_from.month
    while (year, month) <= (flt.date_to.year, flt.date_to.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _names(by: str, keys: Sequence[Any]) -> dict[Any, tuple[str, str]]:
    """(code, stored name) for each group key: codes stay as they are, ids become code and name."""
    if by in ("category", "kind", "channel"):
        return {key: (str(key), "") for key in keys}
    if not keys:
        return {}
    if by == "district":
        rows = db.session.execute(select(District.id, District.code, District.name).where(District.id.in_(keys)))
    elif by == "mahalla":
        rows = db.session.execute(select(Mahalla.id, Mahalla.code, Mahalla.name).where(Mahalla.id.in_(keys)))
    else:
        rows = db.session.execute(select(User.id, User.username, User.full_name).where(User.id.in_(keys)))
    return {row[0]: (row[1], row[2]) for row in rows}


def overdue_now(flt: StatsFilter, today: dt.date | None = None) -> int:
    """Appeals overdue today in the filter's territory, any registration date (the one definition:
    ``webapp.casework.overdue``; the supervision console lists the same cases)."""
    today = today or local_today()
    return int(db.session.scalar(overdue_count(*_territory(flt), today=today)) or 0)


# --- territory and periods ---------------------------------------------------------------------


def region_by_code(code: str) -> Region | None:
    return db.session.scalar(select(Region).where(Region.code == code))


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def first_region() -> Region | None:
    return db.session.scalar(select(Region).order_by(Region.name).limit(1))


def district_by_code(code: str) -> District | None:
    return db.session.scalar(select(District).where(District.code == code))


def may_view(user: User, region: Region | None = None, district: District | None = None) -> bool:
    """Whether the user may see statistics of the region / district (None for the whole country).

    Admins and methodologists see everything; a district supervisor their district; a regional
    supervisor their region and its districts.
    """
    if user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value):
        return True
    if user.role != Role.SUPERVISOR.value:
        return False
    if district is not None:
        if user.district_id is not None:
            return district.id == user.district_id
        return user.region_id is not None and district.region_id == user.region_id
    if region is not None:
        return user.district_id is None and user.region_id == region.id
    return False


def may_use_dashboards(user: User) -> bool:
    return user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value) or (
        user.role == Role.SUPERVISOR.value and (user.district_id is not None or user.region_id is not None)
    )


def period_preset(name: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """last_30_days (the default: it means something on the first days of a month too) |
    this_month | last_month | quarter | year: the calendar period containing today (or the last month)."""
    today = today or local_today()
    if name == "last_30_days":
        return today - dt.timedelta(days=29), today
    if name == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return today.replace(month=first_month, day=1), today
    if name == "year":
        return today.replace(month=1, day=1), today
    if name == "this_month":
        return today.replace(day=1), today
    raise ValueError(f"unknown period preset {name!r}")


PRESETS = ("last_30_days", "this_month", "last_month", "quarter", "year")


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


__all__ = [
    "COMPARED",
    "GROUPS",
    "MAX_PERIOD_DAYS",
    "PRESETS",
    "Change",
    "Comparison",
    "Figures",
    "Group",
    "StatsFilter",
    "comparison",
    "figures",
    "grouped",
    "may_use_dashboards",
    "may_view",
    "overdue_now",
    "period_preset",
    "trend",
]
