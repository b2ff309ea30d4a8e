"""Reading the rollups (and rebuilding them from the raw tables).

A period is read as whole months from the month rows and the days at either end from the day
rows — or, when those days are most of their month, as that month's rows less the day rows of its
other days (weekly trends from day rows only) — so a year costs about as much as a month: the
number of rows read depends on the period's length and the breakdown, not on the number of appeals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, Subquery, and_, case, cast, func, or_, select, text, union_all

from webapp.analytics.rollups import ddl
from webapp.analytics.rollups.models import AppealRollup, TaskRollup
from webapp.analytics.rollups.percentiles import percentile
from webapp.analytics.stats.sqlfuncs import literal_date, month_of, pairs_text, week_start
from webapp.extensions import db
from webapp.platform.auth.models import Role, User

DAY = 86400.0
# The breakdowns the rollups answer: (scope, group) -> the rollup dimension.
_TIME_GROUPS = (None, "week", "month")


@dataclass(frozen=True)
class Scope:
    """Where the figures are read: a district (d), a region (r) or the country (c, id 0)."""

    level: str
    id: int

    @classmethod
    def of(cls, region_id: int | None, district_id: int | None) -> Scope:
        if district_id is not None:
            return cls("d", district_id)
        if region_id is not None:
            return cls("r", region_id)
        return cls("c", 0)


def dimension(scope: Scope, by: str | None) -> str | None:
    """The rollup dimension for a breakdown in a scope; None when the rollups cannot answer it."""
    dim = "all" if by in _TIME_GROUPS else by
    return dim if dim in ddl.APPEAL_DIMS[scope.level] or dim == ddl.INSPECTOR_DIM else None


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


Piece = tuple[str, dt.date, dt.date, int]


def _month_end(month: dt.date) -> dt.date:
    return _next_month(month) - dt.timedelta(days=1)


# A month's rows cost about as much to read as a week of day rows (a month fills more of the
# duration buckets of a group than a day does).
MONTH_IN_DAYS = 7


def _read_as_month(first: dt.date, last: dt.date) -> bool:
    """Whether the days [first, last] of one month are read as the month's rows less its other days
    (fewer rows than the days themselves; the day rows add up to the month rows exactly)."""
    month = first.replace(day=1)
    outside = (first - month).days + (_month_end(month) - last).days
    return MONTH_IN_DAYS + outside < (last - first).days + 1


def segments(date_from: dt.date, date_to: dt.date, days_only: bool = False) -> list[Piece]:
    """(grain, first, last period_start, sign) pieces whose signed sum covers [date_from, date_to]:
    whole months, and the days at either end — those days, or when they are most of their month
    (``_read_as_month``), the month less its other days: two years from a 5th read 9 days of day
    rows per group, not 31."""
    first = date_from if date_from.day == 1 else _next_month(date_from)
    end = first
    while _next_month(end) - dt.timedelta(days=1) <= date_to:
        end = _next_month(end)
    if days_only or end == first:
        return [("d", date_from, date_to, 1)]
    day = dt.timedelta(days=1)
    lead = date_from < first and _read_as_month(date_from, first - day)
    trail = end <= date_to and _read_as_month(end, date_to)
    months_from = date_from.replace(day=1) if lead else first
    pieces: list[Piece] = [("m", months_from, end if trail else end - day, 1)]
    if lead:
        pieces.append(("d", months_from, date_from - day, -1))
    elif date_from < first:
        pieces.append(("d", date_from, first - day, 1))
    if trail:
        pieces.append(("d", date_to + day, _month_end(end), -1))
    elif end <= date_to:
        pieces.append(("d", end, date_to, 1))
    return pieces


def _period(table: Any, pieces: Sequence[Piece]) -> ColumnElement[bool]:
    return or_(
        *(
            and_(table.grain == grain, table.period_start.between(literal_date(first), literal_date(last)))
            for grain, first, last, _sign in pieces
        )
    )


def _signed_rows(
    table: Any, pieces: Sequence[Piece], keys: Sequence[Any], measures: Sequence[str], conditions: Sequence[Any]
) -> Subquery:
    """The rollup rows of the pieces (``keys`` and ``measures`` columns), the measures negated in
    the rows of subtracted pieces: those are a separate branch (``UNION ALL``), so the rows that
    add — nearly all — are read as they are, with no per-row test of their sign."""
    branches = []
    for sign in (1, -1):
        chosen = [piece for piece in pieces if piece[3] == sign]
        if chosen:
            values = [(getattr(table, m) if sign > 0 else -getattr(table, m)).label(m) for m in measures]
            branches.append(select(*keys, *values).where(*conditions, _period(table, chosen)))
    return (union_all(*branches) if len(branches) > 1 else branches[0]).subquery("signed")


def appeal_counts(
    scope: Scope, by: str | None, date_from: dt.date, date_to: dt.date
) -> dict[Any, dict[str, Any]] | None:
    """Per group (None for the totals): the summed measures and the median and 90th percentile of
    the days to answer (estimated from the buckets); None when the rollups cannot answer."""
    dim = dimension(scope, by)
    if dim is None:
        return None
    r = AppealRollup
    key: Any = _time_key_column(by, r.period_start) if by in ("week", "month") else r.value
    conditions = [r.scope == scope.level, r.scope_id == scope.id, r.dim == dim]
    if dim == ddl.INSPECTOR_DIM:  # everyone who worked on an appeal is kept: the inspectors of today
        inspectors = select(cast(User.id, String)).where(User.role == Role.INSPECTOR.value)
        conditions.append(r.value.in_(inspectors))
    # Summed per group and duration bucket by the database, then per group with the group's
    # histogram of answered appeals as text: one row per group reaches Python, however many of
    # the buckets the appeals fill.
    signed = _signed_rows(
        r,
        segments(date_from, date_to, days_only=by == "week"),
        [key.label("group_key"), r.bucket.label("bucket")],
        ddl.APPEAL_MEASURES,
        conditions,
    )
    sums = [func.sum(signed.c[m]).label(m) for m in ddl.APPEAL_MEASURES]
    by_bucket = (
        select(signed.c.group_key, signed.c.bucket, *sums).group_by(signed.c.group_key, signed.c.bucket)
    ).subquery("by_bucket")
    answered = case((by_bucket.c.bucket >= 0, by_bucket.c.answered), else_=0)
    rows = db.session.execute(
        select(
            by_bucket.c.group_key,
            *(func.sum(by_bucket.c[m]) for m in ddl.APPEAL_MEASURES),
            pairs_text(by_bucket.c.bucket, answered),
        ).group_by(by_bucket.c.group_key)
    )
    result: dict[Any, dict[str, Any]] = {}
    for row in rows:
        totals: dict[str, Any] = {m: int(v or 0) for m, v in zip(ddl.APPEAL_MEASURES, row[1:-1], strict=True)}
        if not totals["received"] and not totals["ratings"]:
            continue  # every appeal of the group moved away: no group, as the raw query
        histogram = _histogram(row[-1])
        median, p90 = percentile(histogram, 0.5), percentile(histogram, 0.9)
        totals["median_days"] = None if median is None else median / DAY
        totals["p90_days"] = None if p90 is None else p90 / DAY
        totals["rating_total"] = totals["rating_total"] if totals["ratings"] else None
        result[_group(by, row[0])] = totals
    return result


def _histogram(pairs: str | None) -> dict[int, int]:
    """``bucket:count,…`` (pairs_text) as {bucket: count}, empty buckets left out."""
    histogram: dict[int, int] = {}
    for pair in (pairs or "").split(","):
        bucket, _sep, count = pair.partition(":")
        if count and int(count):
            histogram[int(bucket)] = int(count)
    return histogram


def _time_key_column(by: str, day: Any) -> Any:
    """The week (its Monday) or month of a period's first day, as the database's text: the rows of a
    week or month are summed by the database, not here."""
    return week_start(day) if by == "week" else month_of(day)


def _group(by: str | None, raw: Any) -> Any:
    if by is None:
        return None
    if by in ("week", "month"):
        return str(raw)  # already the key (_time_key_column)
    if by in ("mahalla", "district", "region", "inspector"):
        return int(raw)
    return raw


def task_durations(
    scope: Scope, version_id: int, date_from: dt.date, date_to: dt.date
) -> dict[str, tuple[int, float | None, float | None]]:
    """Per task of the version: completions, median and 90th percentile seconds (estimated)."""
    r = TaskRollup
    conditions = [r.scope == scope.level, r.scope_id == scope.id, r.process_version_id == version_id]
    signed = _signed_rows(r, segments(date_from, date_to), [r.task_name, r.bucket], ["completed"], conditions)
    rows = db.session.execute(
        select(signed.c.task_name, signed.c.bucket, func.sum(signed.c.completed)).group_by(
            signed.c.task_name, signed.c.bucket
        )
    )
    histograms: dict[str, dict[int, int]] = {}
    for name, bucket, count in rows:
        if count:
            histograms.setdefault(name, {})[int(bucket)] = int(count)
    return {
        name: (sum(h.values()), percentile(h, 0.5), percentile(h, 0.9))
        for name, h in histograms.items()
        if sum(h.values())
    }


def task_counts(scope: Scope, version_ids: Iterable[int], date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """Completed tasks per process version in the period."""
    r = TaskRollup
    conditions = [r.scope == scope.level, r.scope_id == scope.id, r.process_version_id.in_(list(version_ids))]
    signed = _signed_rows(r, segments(date_from, date_to), [r.process_version_id], ["completed"], conditions)
    rows = db.session.execute(
        select(signed.c.process_version_id, func.sum(signed.c.completed)).group_by(signed.c.process_version_id)
    )
    return {int(version): int(count or 0) for version, count in rows if count}


# --- building ----------------------------------------------------------------------------------


def install_triggers(connection: Connection) -> None:
    for statement in ddl.all_triggers(connection.dialect.name):
        connection.execute(text(statement))


def rebuild(connection: Connection | None = None) -> tuple[int, int]:
    """Recompute the rollup tables (and the waiting task counts) from the raw rows (after a bulk load
    that bypassed the triggers).
    Returns the rows written (appeal rollups, task rollups); the caller commits."""
    connection = connection or db.session.connection()
    counts = [connection.execute(text(statement)).rowcount for statement in ddl.rebuild(connection.dialect.name)]
    people = [connection.execute(text(s)).rowcount for s in ddl.inspector_rebuild(connection.dialect.name)]
    for statement in ddl.waiting_rebuild():
        connection.execute(text(statement))
    return int(counts[-2] or 0) + int(people[-1] or 0), int(counts[-1] or 0)
