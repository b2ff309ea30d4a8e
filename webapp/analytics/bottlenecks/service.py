"""Time spent in each BPMN user task, per process version, territory and period.

The figures come from ``task_timings`` (one row per completed task, written with the completion)
and, for the tasks waiting now, from the pending-task projection. On PostgreSQL the median and
the 90th percentile are ``percentile_cont`` aggregates computed in the database, from the
(district, version, completed) index; SQLite (the embedded default) has no ordered-set
aggregates, so the durations are streamed in order and the same linear interpolation is done here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import ColumnElement, and_, func, select, text, true

from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.rollups import service as rollups
from webapp.analytics.rollups.models import WaitingTaskCount
from webapp.analytics.stats.sqlfuncs import interpolated_percentile, percentile_cont
from webapp.cases.models import PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.versions import APPEAL_PROCESS, library_for
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.query_params import BadParameter, Id, IsoDate, QueryModel, check_period
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.territory.service import district_scope
from webapp.platform.timeutil import TASHKENT, local_today
from webapp.platform.transaction import transaction
from webapp.prevention.registry.plans import PLAN_PROCESS
from webapp.studio.diagrams.service import ProcessOutline, version_outline

METRICS = ("median", "p90")
DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 3 * 366
# Roles that see the territory-wide figures: methodologists and administrators everywhere.
NATIONWIDE = (Role.ADMIN.value, Role.METHODOLOGIST.value)


class BadFilter(BadParameter):
    """A filter value names nothing (``field`` says which): answered with 400 like any bad parameter."""


class BottleneckArgs(QueryModel):
    """The page's (and its export's) query string; a malformed value is a BadParameter naming it."""

    region: Id | None = None
    district: Id | None = None
    mahalla: Id | None = None
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    version: Id | None = None
    metric: Literal["median", "p90"] = "median"


class OutOfScope(PermissionError):
    """The territory asked for lies outside the caller's: answered with 403."""


@dataclass(frozen=True)
class Territory:
    """At most one of region / district / mahalla narrows the figures (the narrowest wins)."""

    region: Region | None = None
    district: District | None = None
    mahalla: Mahalla | None = None

    def condition(self, district_column: Any, mahalla_column: Any) -> ColumnElement[bool]:
        if self.mahalla is not None:
            return mahalla_column == self.mahalla.id  # type: ignore[no-any-return]
        if self.district is not None:
            return district_column == self.district.id  # type: ignore[no-any-return]
        if self.region is not None:
            return district_column.in_(_districts_of(self.region.id))  # type: ignore[no-any-return]
        return true()


@dataclass(frozen=True)
class Query:
    version: ProcessVersion
    territory: Territory
    date_from: dt.date
    date_to: dt.date
    metric: str = "median"


@dataclass
class TaskFigures:
    name: str
    title: str
    process_id: str
    lane: str | None
    completed: int = 0
    median: float | None = None  # seconds
    p90: float | None = None
    waiting: int = 0

    def value(self, metric: str) -> float | None:
        return self.p90 if metric == "p90" else self.median


@dataclass
class Figures:
    query: Query
    tasks: list[TaskFigures] = field(default_factory=list)
    processes: dict[str, ProcessOutline] = field(default_factory=dict)

    @property
    def slowest(self) -> float:
        values = [t.value(self.query.metric) or 0.0 for t in self.tasks]
        return max(values, default=0.0)

    def level(self, task: TaskFigures) -> float | None:
        """0 (fastest) … 1 (slowest of the version) by the chosen metric; None without completions."""
        value = task.value(self.query.metric)
        if value is None:
            return None
        top = self.slowest
        return round(value / top, 3) if top > 0 else 0.0


def _districts_of(region_id: int) -> Any:
    return select(District.id).where(District.region_id == region_id).scalar_subquery()


# --- who sees what ---------------------------------------------------------------------------


def scope_condition(user: User, district_column: Any) -> ColumnElement[bool]:
    """The caller's territory, as a condition on a district column (methodologists: everywhere)."""
    return district_scope(user, district_column, NATIONWIDE)


def rollup_scope(user: User, territory: Territory) -> rollups.Scope | None:
    """Where the task rollups hold the figures asked for: the territory chosen (a region or district),
    else the caller's whole scope; None for a mahalla (read from ``task_timings``, it is small)."""
    if territory.mahalla is not None:
        return None
    if territory.district is not None:
        return rollups.Scope("d", territory.district.id)
    if territory.region is not None:
        return rollups.Scope("r", territory.region.id)
    if user.role in NATIONWIDE:
        return rollups.Scope("c", 0)
    if user.role == Role.SUPERVISOR.value and user.district_id is not None:
        return rollups.Scope("d", user.district_id)
    if user.role == Role.SUPERVISOR.value and user.region_id is not None:
        return rollups.Scope("r", user.region_id)
    return None


def _in_scope(user: User, district: District) -> bool:
    if user.role in NATIONWIDE:
        return True
    if user.role == Role.SUPERVISOR.value:
        if user.district_id is not None:
            return district.id == user.district_id
        return user.region_id is not None and district.region_id == user.region_id
    return False


@dataclass(frozen=True)
class TerritoryChoices:
    regions: list[Region]
    districts: list[District]
    mahallas: list[Mahalla]


def territory_choices(user: User) -> TerritoryChoices:
    """The regions, districts and mahallas the caller may narrow the figures to."""
    districts = list(
        db.session.scalars(select(District).where(scope_condition(user, District.id)).order_by(District.name))
    )
    mahallas = list(
        db.session.scalars(select(Mahalla).where(scope_condition(user, Mahalla.district_id)).order_by(Mahalla.name))
    )
    regions = list(db.session.scalars(select(Region).order_by(Region.name))) if user.role in NATIONWIDE else []
    return TerritoryChoices(regions, districts, mahallas)


def _no_territory(name: str) -> BadFilter:
    return BadFilter(name, "not_found", _("There is no such territory."))


def territory_from(user: User, args: BottleneckArgs) -> Territory:
    """The territory of the request (ids ``region``, ``district``, ``mahalla``), checked against the
    caller's scope: BadFilter when one names nothing, OutOfScope when it lies outside."""
    region_id, district_id, mahalla_id = args.region, args.district, args.mahalla
    if mahalla_id is not None:
        mahalla = db.session.get(Mahalla, mahalla_id)
        if mahalla is None:
            raise _no_territory("mahalla")
        if not _in_scope(user, mahalla.district):
            raise OutOfScope("mahalla")
        return Territory(mahalla=mahalla)
    if district_id is not None:
        district = db.session.get(District, district_id)
        if district is None:
            raise _no_territory("district")
        if not _in_scope(user, district):
            raise OutOfScope("district")
        return Territory(district=district)
    if region_id is not None:
        region = db.session.get(Region, region_id)
        if region is None:
            raise _no_territory("region")
        if user.role not in NATIONWIDE and not (user.district_id is None and user.region_id == region.id):
            raise OutOfScope("region")
        return Territory(region=region)
    return Territory()


def period_from(args: BottleneckArgs, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or local_today()
    date_to = args.date_to or today
    date_from = args.date_from or date_to - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    check_period(date_from, date_to)
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise BadParameter("from", "period_too_long", _("The period may be at most three years long."))
    return date_from, date_to


# The lineages whose task timings the page shows: the appeal lifecycle (the default) and the
# prevention plan, whose tasks are timed by the same completion path (webapp.cases.timings).
MEASURED_LINEAGES = (APPEAL_PROCESS, PLAN_PROCESS)


def lifecycle_versions() -> list[ProcessVersion]:
    """The published versions of the appeal lifecycle, newest first."""
    return [v for v in measured_versions() if v.process_id == APPEAL_PROCESS]


def measured_versions() -> list[ProcessVersion]:
    """The published versions of every measured lineage: the appeal lifecycle's, then the others',
    each newest first."""
    versions = db.session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_id.in_(MEASURED_LINEAGES))
        .order_by(ProcessVersion.id.desc())
    )
    return sorted(versions, key=lambda v: MEASURED_LINEAGES.index(v.process_id))


def _newest_with_cases(versions: list[ProcessVersion]) -> ProcessVersion | None:
    """The newest version that cases run on (a version just published has no figures yet)."""
    for version in versions:
        running = select(ProcessInstance.id).where(ProcessInstance.process_version_id == version.id).limit(1)
        if db.session.scalar(running) is not None:
            return version
    return versions[0] if versions else None


def _most_measured(
    user: User, versions: list[ProcessVersion], territory: Territory, date_from: dt.date, date_to: dt.date
) -> ProcessVersion | None:
    """The version with the most completed tasks in the period and territory (newest on a tie)."""
    if not versions:
        return None
    scope = rollup_scope(user, territory)
    if scope is not None:
        counts = rollups.task_counts(scope, [v.id for v in versions], date_from, date_to)
        return max(versions, key=lambda v: (counts.get(v.id, 0), v.id)) if counts else None
    probe = Query(versions[0], territory, date_from, date_to, "median")
    start, end = _bounds(probe)
    rows = db.session.execute(
        select(TaskTiming.process_version_id, func.count())
        .where(
            TaskTiming.process_version_id.in_([v.id for v in versions]),
            TaskTiming.completed_at >= start,
            TaskTiming.completed_at < end,
            scope_condition(user, TaskTiming.district_id),
            territory.condition(TaskTiming.district_id, TaskTiming.mahalla_id),
        )
        .group_by(TaskTiming.process_version_id)
    ).all()
    if not rows:
        return None
    counts = {version_id: int(count) for version_id, count in rows}
    return max(versions, key=lambda v: (counts.get(v.id, 0), v.id))


def version_from(
    args: BottleneckArgs,
    versions: list[ProcessVersion],
    user: User | None = None,
    territory: Territory | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> ProcessVersion | None:
    """The version asked for; by default the one with the most data in the period (so the page
    never opens on an empty version while another has figures), else the newest that cases run on."""
    wanted = args.version
    if wanted is None:
        # By default the appeals' lineage (another one when no appeal procedure is published yet).
        versions = [v for v in versions if v.process_id == APPEAL_PROCESS] or versions
        if user is not None and territory is not None and period is not None:
            measured = _most_measured(user, versions, territory, *period)
            if measured is not None:
                return measured
        return _newest_with_cases(versions)
    for version in versions:
        if version.id == wanted:
            return version
    raise BadFilter("version", "not_found", _("There is no such version of the appeal procedure."))


def query_from(user: User, args: BottleneckArgs, versions: list[ProcessVersion]) -> Query | None:
    """The page's filters checked against the data; None when no version is published yet."""
    territory = territory_from(user, args)
    date_from, date_to = period_from(args)
    version = version_from(args, versions, user, territory, (date_from, date_to))
    if version is None:
        return None
    return Query(version, territory, date_from, date_to, args.metric)


# --- the figures ---------------------------------------------------------------------------------


def _bounds(query: Query) -> tuple[dt.datetime, dt.datetime]:
    """The period's days in Tashkent, as UTC instants [start, end)."""
    start = dt.datetime.combine(query.date_from, dt.time(), tzinfo=TASHKENT).astimezone(dt.UTC)
    end = dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time(), tzinfo=TASHKENT).astimezone(dt.UTC)
    return start, end


def _timing_filter(user: User, query: Query) -> ColumnElement[bool]:
    start, end = _bounds(query)
    return and_(
        TaskTiming.process_version_id == query.version.id,
        TaskTiming.completed_at >= start,
        TaskTiming.completed_at < end,
        scope_condition(user, TaskTiming.district_id),
        query.territory.condition(TaskTiming.district_id, TaskTiming.mahalla_id),
    )


def durations_statement(condition: ColumnElement[bool]) -> Any:
    """Per task: completions, median and 90th percentile of the seconds (PostgreSQL)."""
    return (
        select(
            TaskTiming.task_name,
            func.count(),
            percentile_cont(0.5, TaskTiming.seconds),
            percentile_cont(0.9, TaskTiming.seconds),
        )
        .where(condition)
        .group_by(TaskTiming.task_name)
    )


def _durations_by_database(condition: ColumnElement[bool]) -> dict[str, tuple[int, float | None, float | None]]:
    rows = db.session.execute(durations_statement(condition))
    return {name: (int(count), _float(median), _float(p90)) for name, count, median, p90 in rows}


def _durations_streamed(condition: ColumnElement[bool]) -> dict[str, tuple[int, float | None, float | None]]:
    rows = db.session.execute(
        select(TaskTiming.task_name, TaskTiming.seconds)
        .where(condition)
        .order_by(TaskTiming.task_name, TaskTiming.seconds)
        .execution_options(yield_per=5000)
    )
    result: dict[str, tuple[int, float | None, float | None]] = {}
    for name, values in _grouped(rows):
        result[name] = (len(values), interpolated_percentile(values, 0.5), interpolated_percentile(values, 0.9))
    return result


def _grouped(rows: Iterable[Any]) -> Iterator[tuple[str, list[float]]]:
    name: str | None = None
    values: list[float] = []
    for row_name, seconds in rows:
        if row_name != name:
            if name is not None:
                yield name, values
            name, values = row_name, []
        values.append(float(seconds))
    if name is not None:
        yield name, values


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _waiting(user: User, query: Query) -> dict[str, int]:
    """Tasks waiting now per task: from the counts the triggers keep per version and district
    (a few rows per task, however many tasks wait); for a mahalla, counted from its tasks."""
    if query.territory.mahalla is None:
        counts = WaitingTaskCount
        total = func.sum(counts.n)
        rows = db.session.execute(
            select(counts.task_name, total)
            .where(
                counts.process_version_id == query.version.id,
                scope_condition(user, counts.district_id),
                query.territory.condition(counts.district_id, None),
            )
            .group_by(counts.task_name)
            .having(total > 0)
        )
        return {name: int(count) for name, count in rows}
    # The version of each waiting task's case, looked up by its key (a correlated subquery, not a
    # join): the cost follows the mahalla's waiting tasks, not every case there ever was.
    version = (
        select(ProcessInstance.process_version_id)
        .where(ProcessInstance.id == PendingTask.instance_id)
        .correlate(PendingTask)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(PendingTask.name, func.count())
        .where(
            version == query.version.id,
            scope_condition(user, PendingTask.district_id),
            query.territory.condition(PendingTask.district_id, PendingTask.mahalla_id),
        )
        .group_by(PendingTask.name)
    )
    return {name: int(count) for name, count in rows}


def task_figures(user: User, query: Query) -> Figures:
    """Per user task of the version: completions, median and p90 time in the period, waiting now.

    Tasks come in diagram order (main process first, then each called process); every user task
    of the version is listed, with zeros where nothing happened.
    """
    library = library_for(query.version)
    processes = version_outline(query.version)
    scope = rollup_scope(user, query.territory)
    if scope is not None:
        durations = rollups.task_durations(scope, query.version.id, query.date_from, query.date_to)
    elif db.engine.dialect.name == "postgresql":
        durations = _durations_by_database(_timing_filter(user, query))
    else:
        durations = _durations_streamed(_timing_filter(user, query))
    waiting = _waiting(user, query)
    order = {process_id: index for index, process_id in enumerate(_process_order(processes, library.main_process_id))}
    tasks = []
    for info in library.user_tasks.values():
        count, median, p90 = durations.get(info.id, (0, None, None))
        tasks.append(
            TaskFigures(
                name=info.id,
                title=info.title,
                # A task of an embedded or event sub-process belongs to the process that holds it.
                process_id=info.process_id if info.process_id in processes else library.main_process_id,
                lane=info.lane,
                completed=count,
                median=median,
                p90=p90,
                waiting=waiting.get(info.id, 0),
            )
        )
    tasks.sort(key=lambda t: (order.get(t.process_id, len(order)), t.process_id, _position(processes, t)))
    return Figures(query=query, tasks=tasks, processes=processes)


def _process_order(processes: dict[str, ProcessOutline], main_id: str) -> list[str]:
    """The main process, then the processes it calls in the order of its call activities, each
    followed by the ones it calls in turn (a referral called from the analysis); each once."""
    order: dict[str, None] = {}

    def visit(process_id: str) -> None:
        if process_id in order or process_id not in processes:
            return
        order[process_id] = None
        for _call, called in processes[process_id].calls:
            visit(called)

    visit(main_id)
    return [main_id, *(p for p in order if p != main_id)]


def _position(processes: dict[str, ProcessOutline], task: TaskFigures) -> int:
    process = processes.get(task.process_id)
    return process.task_order.index(task.name) if process is not None and task.name in process.task_order else 0


def diagram_order(figures: Figures) -> list[ProcessOutline]:
    order = _process_order(figures.processes, library_for(figures.query.version).main_process_id)
    return [figures.processes[p] for p in order if p in figures.processes]


# --- filling the projection from the event log ----------------------------------------------------

_SECONDS = {
    "postgresql": "extract(epoch from c.occurred_at - r.ready_at)",
    "sqlite": "(julianday(c.occurred_at) - julianday(r.ready_at)) * 86400.0",
}
# Each completed task not yet in task_timings, with the moment it was created (became ready).
_BACKFILL = """
INSERT INTO task_timings (task_id, subject_kind, subject_id, appeal_id, process_version_id, task_name,
                          district_id, mahalla_id, ready_at, completed_at, seconds, actor_id)
SELECT c.task_id, 'appeal', c.appeal_id, c.appeal_id, p.process_version_id, c.task_name, a.district_id, a.mahalla_id,
       r.ready_at, c.occurred_at, {seconds}, c.actor_id
FROM case_events c
JOIN (SELECT task_id, min(occurred_at) AS ready_at FROM case_events
      WHERE kind = 'task_created' AND task_id IS NOT NULL GROUP BY task_id) r ON r.task_id = c.task_id
JOIN appeals a ON a.id = c.appeal_id
JOIN process_instances p ON p.appeal_id = c.appeal_id
WHERE c.kind = 'task_completed' AND c.task_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM task_timings t WHERE t.task_id = c.task_id)
"""


def backfill_task_timings() -> int:
    """Add the completed tasks of the event log that task_timings lacks (data loaded in bulk, such
    as generated appeals, bypasses the completion's write path); commit. Returns the rows added."""
    seconds = _SECONDS.get(db.engine.dialect.name, _SECONDS["postgresql"])
    with transaction():
        result = db.session.execute(text(_BACKFILL.format(seconds=seconds)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
