"""Fill the database with a realistic synthetic country: territory, staff, appeals over years.

The live state of every generated open case is a clone of a REAL case: for each path through
the appeal lifecycle (statement, complaint, proposal, crime-related, social, forwarded,
anonymous) one appeal is registered and driven task by task through the workflow service, and
the serialized state, the pending tasks and the case events at each step become templates.
A synthetic appeal that stops at a step gets that step's state with fresh task ids and its own
category, urgency, mahalla, channel and number, so it can be completed through the engine like any
case. The engine makes the clone (``engine.state_template``): this module knows nothing of how a
state is written.

Rows are written in batches: PostgreSQL ``COPY`` (psycopg) or, elsewhere, Core executemany.
On PostgreSQL a large run drops the secondary indexes of the big tables and rebuilds them at the
end (much faster than maintaining them row by row), and skips per-row foreign-key triggers for
its own session (``session_replication_role = replica``): the rows are consistent by construction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, insert, select, text, update

from devtools.demo.seed import _answer as demo_answer
from devtools.demo.seed import worker as demo_worker
from devtools.demo.texts import APPEALS
from devtools.synthetic import names
from engine import StateTemplate, state_template
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.rollups import service as rollups
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.tasks.service import tasks_of_appeal
from webapp.cases.versions import current_version
from webapp.casework.appeals.models import Appeal, AppealNumberCounter, AppealRating
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.service import NewAppeal, format_number, register_appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.auth.service import hash_password
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import TASHKENT, as_utc, local_today, utcnow

PASSWORD = "demo"  # noqa: S105 - generated staff share the documented demo password
BIG_RUN = 100_000  # from this many appeals on PostgreSQL, indexes are rebuilt after loading
EVENT_KINDS = ("registered", "process_started", "task_created", "task_completed", "case_closed")
REVIEW_TASK = "review_overdue_case"

# Paths through the lifecycle: (share of non-anonymous, non-forwarded appeals, scenario for the
# demo's answers, kind). Anonymous and forwarded appeals are drawn separately.
PATHS: dict[str, dict[str, Any]] = {
    "plain": {"kind": "ariza", "scenario": {}},
    "complaint": {"kind": "shikoyat", "scenario": {}},
    "proposal": {"kind": "taklif", "scenario": {}},
    "crime": {"kind": "ariza", "scenario": {"crime": True}},
    "social": {"kind": "ariza", "scenario": {"social": True}},
    "forward": {"kind": "ariza", "scenario": {"forward": True}},
    "anonymous": {"kind": "ariza", "scenario": {"anonymous": True}},
}

# Typical days a task takes (median of a log-normal), before the district's and inspector's pace.
TASK_DAYS = {
    "check_registration": 0.4,
    "write_conclusion": 1.0,
    "approve_conclusion": 1.0,
    "forward_appeal": 1.5,
    "analyse_appeal": 2.5,
    "refer_law_enforcement": 1.5,
    "refer_social_services": 1.5,
    "evaluate_proposal": 6.0,
    "take_measures": 3.5,
    "prepare_reply": 1.5,
    "approve_reply": 0.8,
    "record_result": 0.8,
    "evaluate_effectiveness": 2.0,
}
CATEGORY_WEIGHTS = {
    "crime_prevention": 14,
    "public_safety": 18,
    "family_conflict": 16,
    "minors_youth": 11,
    "social_assistance": 15,
    "utilities": 20,
    "other": 6,
}
CHANNEL_WEIGHTS = {"walk_in": 30, "written": 18, "oral": 10, "web": 17, "api": 22, "open311": 3}
KIND_WEIGHTS = {"ariza": 62, "shikoyat": 28, "taklif": 10}

# The case data a clone gets of its own (the rest of the template case's data is shared).
CLONED_FIELDS = ("category", "urgency", "mahalla", "appeal_number", "channel")


@dataclass
class Options:
    appeals: int
    seed: int = 1
    mahallas: int | None = None
    years: float = 2
    batch: int = 20_000
    now: dt.datetime | None = None

    def mahalla_count(self) -> int:
        if self.mahallas:
            return self.mahallas
        if self.appeals >= BIG_RUN:
            return max(1000, self.appeals // 500)
        return max(6, min(1000, self.appeals // 50))


@dataclass
class Summary:
    appeals: int = 0
    events: int = 0
    pending_tasks: int = 0
    open_cases: int = 0
    ratings: int = 0
    mahallas: int = 0
    districts: int = 0
    regions: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


# --- bulk writing ------------------------------------------------------------------------------


def _is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def write_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (psycopg), Core executemany elsewhere.

    JSON columns take their values already serialised (str) on PostgreSQL, as Python objects elsewhere.
    """
    if not rows:
        return
    columns, rows = _with_subject(table, columns, rows)
    if _is_postgres(connection):
        raw = connection.connection.driver_connection
        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    json_columns = [i for i, c in enumerate(columns) if c in ("data", "elements")]
    if json_columns and table.name == CaseEvent.__tablename__:
        rows = [
            tuple(json.loads(v) if i in json_columns and isinstance(v, str) else v for i, v in enumerate(row))
            for row in rows
        ]
    connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _with_subject(
    table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
    """An appeal's rows on the case runtime are keyed by the appeal itself (``subject_id`` = the appeal
    id, as the models' default does for the ORM; COPY bypasses that default)."""
    if "subject_id" not in table.c or "subject_id" in columns or "appeal_id" not in columns:
        return columns, rows
    at = list(columns).index("appeal_id")
    return (*columns, "subject_id"), [(*row, row[at]) for row in rows]


def _reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Ids for ``count`` new rows (taken from the sequence on PostgreSQL)."""
    if _is_postgres(connection):
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        rows = connection.execute(
            text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"), {"s": sequence, "n": count}
        )
        return [int(r[0]) for r in rows]
    start = int(connection.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")) or 0) + 1  # noqa: S608
    return list(range(start, start + count))


def _reserve_numbers(connection: Connection, year: int, count: int) -> int:
    """Take ``count`` consecutive registration numbers of ``year`` at once; returns the first."""
    counter = AppealNumberCounter.__table__
    last = connection.scalar(
        update(counter)
        .where(counter.c.year == year)
        .values(last_value=counter.c.last_value + count)
        .returning(counter.c.last_value)
    )
    if last is None:
        connection.execute(insert(counter).values(year=year, last_value=count))
        last = count
    return int(last) - count + 1


def _fast_load_settings(connection: Connection) -> None:
    """On PostgreSQL, For this transaction: no wait for the WAL flush; no per-row foreign-key triggers when allowed
    (superuser only; the generated rows are consistent by construction)."""
    if not _is_postgres(connection):
        return
    connection.execute(text("SET LOCAL synchronous_commit = off"))
    if connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        connection.execute(text("SET LOCAL session_replication_role = replica"))


BIG_TABLES = ("appeals", "case_events", "pending_tasks", "process_instances", "appeal_ratings", "task_timings")


def _drop_secondary_indexes(connection: Connection) -> list[str]:
    """Drop the indexes of the big tables that no constraint needs; return their definitions."""
    rows = connection.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ),
        {"tables": list(BIG_TABLES)},
    ).all()
    for name, _definition in rows:
        connection.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in rows]


def _create_indexes(connection: Connection, definitions: Iterable[str], echo: Callable[[str], None]) -> None:
    for definition in definitions:
        started = time.monotonic()
        connection.execute(text(definition))
        echo(f"  {definition.split(' ON ')[0].replace('CREATE INDEX ', 'index ')}: {time.monotonic() - started:.1f} s")


# --- territory and staff -----------------------------------------------------------------------


@dataclass
class Place:
    id: int
    code: str
    district_id: int
    inspector_id: int
    weight: float
    repeat_rate: float
    hot_addresses: list[str]


@dataclass
class DistrictInfo:
    id: int
    code: str
    supervisor_id: int
    pace: float


def _territory(options: Options, rng: random.Random) -> tuple[list[Place], dict[int, DistrictInfo], int]:
    """Regions, districts and mahallas with their inspectors, supervisors and region heads.

    Reuses a synthetic territory generated before (same codes), so appeals can be added in runs.
    """
    existing = db.session.scalar(select(Region.id).where(Region.code == names.REGIONS[0][0]))
    if existing is None:
        _create_territory(db.session.connection(), options.mahalla_count(), rng)
    connection = db.session.connection()
    codes = [code for code, _name, _d in names.REGIONS]
    district_rows = connection.execute(
        select(District.id, District.code, Region.code.label("region"))
        .join(Region, Region.id == District.region_id)
        .where(Region.code.in_(codes))
        .order_by(District.id)
    ).all()
    supervisors = {
        district_id: user_id
        for district_id, user_id in connection.execute(
            select(User.district_id, User.id).where(User.role == Role.SUPERVISOR.value, User.username.like("sup.%"))
        )
        if district_id is not None
    }
    districts = {
        row.id: DistrictInfo(row.id, row.code, supervisors[row.id], rng.choice((0.7, 0.85, 1.0, 1.0, 1.2, 1.5, 1.9)))
        for row in district_rows
    }
    inspectors: dict[int, int] = dict(
        connection.execute(
            select(user_mahallas.c.mahalla_id, User.id)
            .join(User, User.id == user_mahallas.c.user_id)
            .where(User.username.like("insp.%"))
        ).all()
    )
    places = []
    for mahalla_id, code, district_id in connection.execute(
        select(Mahalla.id, Mahalla.code, Mahalla.district_id)
        .where(Mahalla.district_id.in_(list(districts)))
        .order_by(Mahalla.id)
    ):
        hot = rng.random() < 0.08
        places.append(
            Place(
                mahalla_id,
                code,
                district_id,
                inspectors[mahalla_id],
                weight=rng.lognormvariate(0, 0.6),
                repeat_rate=rng.uniform(0.12, 0.3) if hot else rng.uniform(0.02, 0.07),
                hot_addresses=[f"{names.street(rng.randrange(1000))}, {rng.randint(1, 120)}-uy" for _ in range(3)],
            )
        )
    return places, districts, len({row.region for row in district_rows})


def _create_territory(connection: Connection, mahalla_count: int, rng: random.Random) -> None:
    district_count = max(1, mahalla_count // 40)
    region_specs = names.REGIONS[: max(1, min(len(names.REGIONS), district_count, mahalla_count))]
    district_count = max(district_count, len(region_specs))
    password = hash_password(PASSWORD)
    now = utcnow()
    write_rows(
        connection,
        Region.__table__,
        ("code", "name"),
        [(code, name) for code, name, _d in region_specs],
    )
    region_ids = dict(
        connection.execute(select(Region.code, Region.id).where(Region.code.in_([r[0] for r in region_specs]))).all()
    )
    district_rows = []
    for index in range(district_count):
        code, _name, known = region_specs[index % len(region_specs)]
        ordinal = index // len(region_specs)
        name = known[ordinal] if ordinal < len(known) else f"{ordinal + 1}-{names.MAHALLA_WORDS[index % 48]} tumani"
        district_rows.append((f"{code}-{ordinal + 1:02d}", name, region_ids[code]))
    write_rows(connection, District.__table__, ("code", "name", "region_id"), district_rows)
    district_ids = dict(
        connection.execute(
            select(District.code, District.id).where(District.code.in_([d[0] for d in district_rows]))
        ).all()
    )
    mahalla_rows = []
    per_district: dict[str, int] = {}
    for index in range(mahalla_count):
        district_code = district_rows[index % district_count][0]
        ordinal = per_district[district_code] = per_district.get(district_code, 0) + 1
        mahalla_rows.append(
            (f"{district_code}-{ordinal:03d}", names.mahalla_name(index * 7 + ordinal), district_ids[district_code])
        )
    for start in range(0, len(mahalla_rows), 5000):
        write_rows(connection, Mahalla.__table__, ("code", "name", "district_id"), mahalla_rows[start : start + 5000])
    mahalla_ids = dict(
        connection.execute(
            select(Mahalla.code, Mahalla.id).where(Mahalla.district_id.in_(list(district_ids.values())))
        ).all()
    )
    columns = (
        "username",
        "full_name",
        "password_hash",
        "role",
        "email",
        "active",
        "region_id",
        "district_id",
        "created_at",
    )
    users: list[tuple[Any, ...]] = [
        (
            f"head.{code.lower()}",
            names.person(rng.randrange(360)),
            password,
            Role.SUPERVISOR.value,
            None,
            True,
            region_ids[code],
            None,
            now,
        )
        for code, _name, _d in region_specs
    ]
    users += [
        (
            f"sup.{code.lower()}",
            names.person(rng.randrange(360)),
            password,
            Role.SUPERVISOR.value,
            None,
            True,
            None,
            district_ids[code],
            now,
        )
        for code, _n, _r in district_rows
    ]
    users += [
        (
            f"insp.{code.lower()}",
            names.person(rng.randrange(360)),
            password,
            Role.INSPECTOR.value,
            None,
            True,
            None,
            None,
            now,
        )
        for code in mahalla_ids
    ]
    for start in range(0, len(users), 5000):
        write_rows(connection, User.__table__, columns, users[start : start + 5000])
    user_ids = dict(connection.execute(select(User.username, User.id).where(User.username.like("insp.%"))).all())
    links = [(user_ids[f"insp.{code.lower()}"], mahalla_id) for code, mahalla_id in mahalla_ids.items()]
    for start in range(0, len(links), 5000):
        write_rows(connection, user_mahallas, ("user_id", "mahalla_id"), links[start : start + 5000])
    db.session.commit()


# --- templates from real cases ----------------------------------------------------------------


@dataclass
class Step:
    """A case after ``index`` completed tasks: what the synthetic clone of that point looks like."""

    status: str
    stage: int
    is_open: bool
    deadline_days: int
    state: StateTemplate  # the engine's state, with holes for task ids and the CLONED_FIELDS
    pending: list[tuple[str, str, str, str, int]]  # (id, name, title, role, due days from creation)
    events: list[tuple[str, str | None, str | None, str | None, int | None, str, str | None]]
    completed_task: str | None  # the task whose completion led here


def _record_path(path: str, place: Place, inspector: User, supervisor: User) -> list[Step]:
    """Register one real appeal on ``path`` and drive it to the end, recording every step."""
    spec = PATHS[path]
    scenario = spec["scenario"]
    category = {"crime": "crime_prevention", "social": "social_assistance"}.get(path, "public_safety")
    mahalla = db.session.get(Mahalla, place.id)
    assert mahalla is not None
    anonymous = bool(scenario.get("anonymous"))
    appeal = register_appeal(
        NewAppeal(
            mahalla=mahalla,
            kind=spec["kind"],
            text=next(t for _k, c, _u, t in APPEALS if c == category),
            channel="walk_in",
            applicant_name="" if anonymous else names.person(7),
            address=place.hot_addresses[0],
            anonymous=anonymous,
            category=category,
            urgency="normal",
        ),
        inspector,
    )
    workers = {Role.INSPECTOR.value: inspector, Role.SUPERVISOR.value: supervisor}
    steps: list[Step] = []
    last_event = 0
    completed: str | None = None
    for _round in range(20):
        db.session.expire_all()
        fresh = db.session.get(Appeal, appeal.id)
        assert fresh is not None
        record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
        assert record is not None
        pending = [t for t in tasks_of_appeal(appeal.id) if t.name != REVIEW_TASK]
        events = (
            db.session.execute(
                select(CaseEvent)
                .where(CaseEvent.appeal_id == appeal.id, CaseEvent.id > last_event)
                .order_by(CaseEvent.id)
            )
            .scalars()
            .all()
        )
        last_event = max([e.id for e in events], default=last_event)
        steps.append(
            Step(
                status=fresh.status,
                stage=fresh.stage,
                is_open=fresh.is_open,
                deadline_days=(fresh.deadline - fresh.registered_on).days,
                state=state_template(record.state, CLONED_FIELDS),
                pending=[(t.id, t.name, t.title, t.role, (t.due_date - fresh.registered_on).days) for t in pending],
                events=[
                    (
                        e.kind,
                        e.task_id,
                        e.task_name,
                        e.task_title,
                        e.stage,
                        json.dumps(e.data or {}, ensure_ascii=False),
                        json.dumps(e.elements, ensure_ascii=False) if e.elements is not None else None,
                    )
                    for e in events
                    if e.kind in EVENT_KINDS
                ],
                completed_task=completed,
            )
        )
        if not pending:
            break
        task = pending[0]
        completed = task.name
        done_on = local_today(as_utc(fresh.received_at))  # within the diagrams' date ranges (received_on … today)
        complete_task(task, demo_worker(task, workers), demo_answer(task.name, fresh, scenario, done_on))
    if steps[-1].is_open:
        raise RuntimeError(f"the {path} template case did not finish")
    return steps


# --- the appeals -------------------------------------------------------------------------------

APPEAL_COLUMNS = (
    "id", "number", "year", "sequence", "channel", "kind", "category", "urgency", "anonymous",
    "applicant_name", "applicant_phone", "address", "text", "mahalla_id", "district_id", "status", "stage",
    "is_open", "received_at", "registered_on", "deadline", "closed_at", "registered_by_id", "created_at",
    "updated_at", "applicant_email", "applicant_passport", "is_collective", "applicant_is_minor",
    "legal_representative", "representative_name", "power_of_attorney", "access_code_hash",
    "suggested_category", "suggested_urgency", "suggested_route", "categorisation_overridden", "is_repeated",
    "extended_until", "extension_reason", "extended_by_id", "reopened_count",
)  # fmt: skip
EVENT_COLUMNS = (
    "appeal_id", "occurred_at", "actor_id", "kind", "task_id", "task_name", "task_title", "stage", "data", "elements",
)  # fmt: skip
INSTANCE_COLUMNS = (
    "id", "appeal_id", "process_version_id", "state", "version", "is_completed", "status", "status_reason",
    "incident_error", "next_timer_at", "last_progress_at", "created_at", "updated_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "instance_id", "appeal_id", "name", "title", "role", "mahalla_id", "district_id", "assignee_id",
    "due_date", "created_at", "assigned_at", "is_overdue", "needs_reassignment",
)  # fmt: skip
RATING_COLUMNS = ("appeal_id", "score", "resolved", "comment", "created_at")
TIMING_COLUMNS = (
    "task_id", "appeal_id", "process_version_id", "task_name", "district_id", "mahalla_id", "ready_at",
    "completed_at", "seconds", "actor_id",
)  # fmt: skip
CLOSED_STATE = '{"completed": true, "synthetic": true}'  # closed synthetic cases are never restored


class _Weighted:
    def __init__(self, weights: Mapping[Any, float] | Sequence[tuple[Any, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.values = [v for v, _w in items]
        total = 0.0
        self.cumulative = []
        for _v, w in items:
            total += w
            self.cumulative.append(total)

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


def _texts_by_category() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for _kind, category, _urgency, body in APPEALS:
        texts.setdefault(category, []).append(body)
    every = [body for *_rest, body in APPEALS]
    return {category: texts.get(category, every) for category in CATEGORY_WEIGHTS}


def _time_at(start: dt.datetime, span: float, fraction: float) -> dt.datetime:
    """Appeals grow over the years: density rising linearly from 0.7 to 1.3 (inverse CDF)."""
    x = (-0.7 + math.sqrt(0.49 + 1.2 * fraction)) / 0.6
    return start + dt.timedelta(seconds=span * x)


def generate(options: Options, echo: Callable[[str], None] = print) -> Summary:
    """Generate ``options.appeals`` appeals (with territory, staff and templates as needed)."""
    started = time.monotonic()
    rng = random.Random(options.seed)  # noqa: S311 - reproducible synthetic data, not secrets
    summary = Summary()
    now = options.now or utcnow()
    today = now.astimezone(TASHKENT).date()
    version = current_version()
    db.session.commit()
    places, districts, summary.regions = _territory(options, rng)
    summary.mahallas, summary.districts = len(places), len(districts)
    echo(f"territory: {summary.regions} regions, {summary.districts} districts, {summary.mahallas} mahallas")
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_([places[0].inspector_id, districts[places[0].district_id].supervisor_id]))
        )
    }
    first = places[0]
    templates = {
        path: _record_path(path, first, users[first.inspector_id], users[districts[first.district_id].supervisor_id])
        for path in PATHS
    }
    echo(f"templates: {', '.join(f'{p} ({len(s) - 1} tasks)' for p, s in templates.items())}")

    postgres = _is_postgres(db.session.connection())
    indexes: list[str] = []
    if postgres and options.appeals >= BIG_RUN:
        indexes = _drop_secondary_indexes(db.session.connection())
        db.session.commit()
        echo(f"dropped {len(indexes)} secondary indexes for the load")
    try:
        _generate_batches(options, rng, summary, places, districts, templates, version.id, now, today, echo, started)
    finally:
        db.session.rollback()
        if indexes:
            echo("rebuilding indexes ...")
            _create_indexes(db.session.connection(), indexes, echo)
            db.session.commit()
    # The bulk load bypasses the rollup triggers on PostgreSQL (replica role): recompute them.
    echo("rolling up ...")
    appeal_rows, task_rows = rollups.rebuild()
    db.session.commit()
    echo(f"rollups: {appeal_rows:,} appeal rows, {task_rows:,} task rows")
    if postgres:
        # VACUUM sets the visibility map, without which no index-only scan is used on fresh rows.
        echo("vacuuming and analysing tables ...")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in (
                *BIG_TABLES,
                "appeal_rollups",
                "task_rollups",
                "appeal_handlers",
                "waiting_task_counts",
                "mahallas",
                "users",
            ):
                connection.execute(text(f"VACUUM (ANALYZE) {table}"))
    summary.seconds = time.monotonic() - started
    return summary


def _generate_batches(
    options: Options,
    rng: random.Random,
    summary: Summary,
    places: list[Place],
    districts: dict[int, DistrictInfo],
    templates: dict[str, list[Step]],
    version_id: int,
    now: dt.datetime,
    today: dt.date,
    echo: Callable[[str], None],
    started: float,
) -> None:
    start = now - dt.timedelta(days=365 * options.years)
    span = (now - start).total_seconds()
    place_pick = _Weighted([(p, p.weight) for p in places])
    categories = _Weighted(CATEGORY_WEIGHTS)
    channels = _Weighted(CHANNEL_WEIGHTS)
    kinds = _Weighted(KIND_WEIGHTS)
    texts = _texts_by_category()
    total = options.appeals
    batch_size = max(1, options.batch)
    writer = _Writer(summary, total, echo, started)
    for batch_start in range(0, total, batch_size):
        batch_started = time.monotonic()
        count = min(batch_size, total - batch_start)
        fractions = sorted(rng.uniform(batch_start / total, (batch_start + count) / total) for _ in range(count))
        received = []
        for fraction in fractions:
            moment = _time_at(start, span, fraction).astimezone(TASHKENT)
            hour = rng.choices((8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 20), (5, 12, 14, 13, 9, 12, 11, 9, 7, 4, 4))[0]
            moment = moment.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
            received.append(min(moment, now.astimezone(TASHKENT) - dt.timedelta(minutes=5)))
        connection = db.session.connection()
        appeal_ids = _reserve_ids(connection, Appeal.__table__, count)
        by_year: dict[int, int] = {}
        for moment in received:
            by_year[moment.year] = by_year.get(moment.year, 0) + 1
        next_sequence = {year: _reserve_numbers(connection, year, n) for year, n in sorted(by_year.items())}
        appeals: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        instances: list[tuple[Any, ...]] = []
        tasks: list[tuple[Any, ...]] = []
        ratings: list[tuple[Any, ...]] = []
        timings: list[tuple[Any, ...]] = []
        open_appeals: list[int] = []
        for appeal_id, moment in zip(appeal_ids, received, strict=True):
            place = place_pick.pick(rng)
            district = districts[place.district_id]
            year = moment.year
            sequence = next_sequence[year]
            next_sequence[year] = sequence + 1
            number = (format_number(year, sequence), year, sequence)
            row, case = _appeal(
                rng,
                appeal_id,
                number,
                moment,
                place,
                district,
                templates,
                (categories, channels, kinds),
                texts,
                now,
                today,
            )
            appeals.append(tuple(row))
            events.extend(case["events"])
            timings.extend((*t[:2], version_id, *t[3:]) for t in case["timings"])
            summary.statuses[row[15]] = summary.statuses.get(row[15], 0) + 1
            if case["rating"]:
                ratings.append(case["rating"])
            if row[17]:
                open_appeals.append(len(appeals) - 1)
            instances.append(case["instance"])
            tasks.extend(case["tasks"])
        instance_ids = _reserve_ids(connection, ProcessInstance.__table__, len(instances))
        instance_rows = [
            (iid, rest[1], version_id, *rest[3:]) for iid, rest in zip(instance_ids, instances, strict=True)
        ]
        by_appeal = {rest[1]: iid for iid, rest in zip(instance_ids, instances, strict=True)}
        task_rows = [(t[0], by_appeal[t[2]], *t[2:]) for t in tasks]
        db.session.commit()  # the reserved ids and numbers (the counter row lock is released)
        writer.submit(
            Batch(
                count,
                appeals,
                instance_rows,
                task_rows,
                events,
                ratings,
                timings,
                len(open_appeals),
                time.monotonic() - batch_started,
            )
        )
    writer.close()


@dataclass
class Batch:
    appeals: int
    appeal_rows: list[tuple[Any, ...]]
    instance_rows: list[tuple[Any, ...]]
    task_rows: list[tuple[Any, ...]]
    event_rows: list[tuple[Any, ...]]
    rating_rows: list[tuple[Any, ...]]
    timing_rows: list[tuple[Any, ...]]
    open_cases: int
    build_seconds: float


class _Writer:
    """Writes batches in one transaction each; on PostgreSQL in a thread of its own, so the next
    batch is built while the server loads this one."""

    def __init__(self, summary: Summary, total: int, echo: Callable[[str], None], started: float) -> None:
        self.summary, self.total, self.echo, self.started = summary, total, echo, started
        self.engine = db.engine
        self.threaded = self.engine.dialect.name == "postgresql"
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="synthetic-writer", daemon=True)
        if self.threaded:
            self.thread.start()

    def submit(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        if self.threaded:
            self.queue.put(batch)
        else:
            self._write(db.session.connection(), batch)
            db.session.commit()

    def close(self) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.engine.begin() as connection:
                    _fast_load_settings(connection)
                    self._write(connection, batch)
            except BaseException as exc:  # handed to the main thread
                self.error = exc

    def _write(self, connection: Connection, batch: Batch) -> None:
        began = time.monotonic()
        write_rows(connection, Appeal.__table__, APPEAL_COLUMNS, batch.appeal_rows)
        write_rows(connection, ProcessInstance.__table__, INSTANCE_COLUMNS, batch.instance_rows)
        write_rows(connection, PendingTask.__table__, TASK_COLUMNS, batch.task_rows)
        write_rows(connection, CaseEvent.__table__, EVENT_COLUMNS, batch.event_rows)
        write_rows(connection, AppealRating.__table__, RATING_COLUMNS, batch.rating_rows)
        write_rows(connection, TaskTiming.__table__, TIMING_COLUMNS, batch.timing_rows)
        summary = self.summary
        summary.appeals += batch.appeals
        summary.events += len(batch.event_rows)
        summary.pending_tasks += len(batch.task_rows)
        summary.open_cases += batch.open_cases
        summary.ratings += len(batch.rating_rows)
        elapsed = time.monotonic() - self.started
        rate = summary.appeals / max(elapsed, 0.001)
        self.echo(
            f"  {summary.appeals:>9,} / {self.total:,} appeals, {summary.events:,} events, "
            f"{summary.pending_tasks:,} pending tasks ({elapsed:.0f} s, {rate:,.0f}/s; "
            f"batch built in {batch.build_seconds:.1f} s, written in {time.monotonic() - began:.1f} s)"
        )


def _phone(rng: random.Random) -> str:
    return f"+998 9{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _appeal(
    rng: random.Random,
    appeal_id: int,
    number: tuple[str, int, int],
    received: dt.datetime,
    place: Place,
    district: DistrictInfo,
    templates: dict[str, list[Step]],
    pickers: tuple[_Weighted, _Weighted, _Weighted],
    texts: dict[str, list[str]],
    now: dt.datetime,
    today: dt.date,
) -> tuple[list[Any], dict[str, Any]]:
    """One appeal row and its case: events, live instance, pending tasks and rating."""
    categories, channels, kinds = pickers
    category = categories.pick(rng)
    channel = channels.pick(rng)
    kind = kinds.pick(rng)
    urgent = rng.random() < (0.25 if category in ("crime_prevention", "family_conflict") else 0.08)
    roll = rng.random()
    if roll < 0.03 and channel in ("web", "api", "written", "open311"):
        path = "anonymous"
    elif roll < 0.09:
        path = "forward"
    elif kind == "taklif":
        path = "proposal"
    elif kind == "shikoyat":
        path = "complaint"
    elif category == "crime_prevention" and rng.random() < 0.45:
        path = "crime"
    elif category in ("social_assistance", "minors_youth") and rng.random() < 0.4:
        path = "social"
    else:
        path = "plain"
    kind = PATHS[path]["kind"] if path not in ("forward", "anonymous") else kind
    steps = templates[path]
    registered_on = received.date() if received.hour < 18 else received.date() + dt.timedelta(days=1)
    # How long each task takes: the district's pace, the inspector's, and now and then a stall.
    pace = district.pace * (0.8 + 0.4 * ((place.id * 2654435761) % 100) / 100)
    stall_at = rng.randrange(1, len(steps)) if rng.random() < 0.04 else -1
    moments = [received]
    for index in range(1, len(steps)):
        task = steps[index].completed_task or ""
        days = rng.lognormvariate(math.log(TASK_DAYS.get(task, 1.0) * pace), 0.7)
        if urgent:
            days *= 0.6
        if index == stall_at:
            days += rng.uniform(20, 300)
        moments.append(moments[-1] + dt.timedelta(days=days))
    reached = len(steps) - 1
    for index in range(1, len(steps)):
        if moments[index] > now:
            reached = index - 1
            break
    step = steps[reached]
    deadline = registered_on + dt.timedelta(days=step.deadline_days)
    extended = None
    if (step.is_open and deadline < today and rng.random() < 0.15) or (not step.is_open and rng.random() < 0.02):
        extended = deadline + dt.timedelta(days=30)
        deadline = extended
    closed_at = moments[reached] if not step.is_open else None
    repeated = rng.random() < place.repeat_rate
    address = (
        rng.choice(place.hot_addresses) if repeated else f"{names.street(rng.randrange(64))}, {rng.randint(1, 150)}-uy"
    )
    anonymous = path == "anonymous"
    applicant = "" if anonymous else names.person(rng.randrange(360))
    inspector = place.inspector_id
    supervisor = district.supervisor_id
    suggested = category if rng.random() > 0.08 else categories.pick(rng)
    row: list[Any] = [
        appeal_id, *number, channel, kind, category, "urgent" if urgent else "normal", anonymous,
        applicant, "" if anonymous else _phone(rng),
        address, rng.choice(texts[category]), place.id, place.district_id, step.status, step.stage,
        step.is_open, received, registered_on, deadline, closed_at, inspector, received,
        moments[reached], "", "", rng.random() < 0.03, rng.random() < 0.01, "", "", "", "",
        suggested, "urgent" if urgent else "normal", "", suggested != category, repeated,
        extended, "Qoʻshimcha oʻrganish talab etiladi." if extended else "", supervisor if extended else None, 0,
    ]  # fmt: skip
    ids: dict[str, str] = {}  # the template case's task ids → this case's

    def new_id(template_id: str) -> str:
        if template_id not in ids:
            ids[template_id] = _new_uuid(rng)
        return ids[template_id]

    def fresh(template_id: str | None) -> str | None:
        return None if template_id is None else new_id(template_id)

    events: list[tuple[Any, ...]] = []
    timings: list[tuple[Any, ...]] = []  # the completed tasks' times (the bottleneck page's projection)
    for index in range(reached + 1):
        at = moments[index]
        for kind_, task_id, task_name, title, stage, data, elements in steps[index].events:
            actor = None
            if kind_ == "registered":
                actor = inspector
            elif kind_ == "task_completed":
                actor = (
                    supervisor
                    if steps[index - 1].pending and steps[index - 1].pending[0][3] == "supervisor"
                    else inspector
                )
            events.append((appeal_id, at, actor, kind_, fresh(task_id), task_name, title, stage, data, elements))
            if kind_ == "task_completed" and task_name and index > 0:
                ready = moments[index - 1]
                timings.append(
                    (fresh(task_id), appeal_id, None, task_name, place.district_id, place.id, ready, at,
                     (at - ready).total_seconds(), actor)
                )  # fmt: skip
    values = {
        "category": category,
        "urgency": row[7],
        "mahalla": place.code,
        "appeal_number": number[0],
        "channel": channel,
    }
    last = moments[reached]
    tasks: list[tuple[Any, ...]] = []
    if step.is_open:
        state = step.state.render({t: new_id(t) for t in step.state.task_ids}, values)
        created_on = last.astimezone(TASHKENT).date()
        for task_id, name, title, role, due_days in step.pending:
            due = min(deadline, created_on + dt.timedelta(days=max(due_days, 1)))
            assignee = inspector if role == Role.INSPECTOR.value else None
            tasks.append(
                (fresh(task_id), None, appeal_id, name, title, role, place.id, place.district_id, assignee, due,
                 last, last if assignee else None, due < today, False)
            )  # fmt: skip
    else:
        state = CLOSED_STATE
    instance = (None, appeal_id, None, state, 1, not step.is_open, "running", "", "", None, last, received, last)
    rating = None
    if step.status == "answered" and not step.is_open and rng.random() < 0.35:
        on_time = closed_at is not None and closed_at.astimezone(TASHKENT).date() <= deadline
        score = rng.choices((1, 2, 3, 4, 5), (3, 5, 12, 35, 45) if on_time else (15, 20, 30, 20, 15))[0]
        rating = (appeal_id, score, score >= 3, "", last + dt.timedelta(days=rng.uniform(0.5, 6)))
    return row, {"events": events, "instance": instance, "tasks": tasks, "rating": rating, "timings": timings}
