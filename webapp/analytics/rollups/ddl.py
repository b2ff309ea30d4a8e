"""The SQL that fills the rollups: one contribution query per source row, used three ways.

- by triggers (PostgreSQL: PL/pgSQL functions; SQLite: trigger bodies) on ``appeals``,
  ``appeal_ratings`` and ``task_timings``: the old row's contribution is subtracted and the new
  row's added, as one upsert, in the writing transaction (no extra round trip for the writer);
- by ``rebuild`` (the migration, the synthetic generator, ``mahalla rollups rebuild``): the same
  query over whole tables, grouped.

An appeal contributes to 16 rows per grain: its district's (all, mahalla, category, kind,
channel), its region's (all, district, category, kind, channel) and the country's (all, region,
district, category, kind, channel), and 6 more (dim ``inspector``: district, region, country) for each
person who completed or holds one of its tasks (``appeal_handlers``, see the end of this module).
A completed task contributes one row per grain and territory. The tasks waiting now are counted
per process version, district and task (``waiting_task_counts``, the end of this module).
Durations are bucketed on a log scale (``percentiles.bucket_of``), so the percentiles read from the
rollups are within one bucket (10 %) of the exact ones.
"""

# ruff: noqa: S608 - every piece of this SQL is a constant of this module (no input reaches it)
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

APPEAL_MEASURES = (
    "received",
    "resolved",
    "answered",
    "answered_on_time",
    "open",
    "repeated",
    "forwarded",
    "unconsidered",
    "overrides",
    "ratings",
    "rating_total",
    "satisfied",
)
RATING_MEASURES = ("ratings", "rating_total", "satisfied")
SATISFIED_SCORE = 4
BUCKET_BASE = 1.1  # duration buckets: [0, 1 s), then [1.1^(k-1), 1.1^k) seconds
# The appeal columns a contribution depends on (an update of any other column costs nothing).
APPEAL_COLUMNS = (
    "id",
    "status",
    "closed_at",
    "received_at",
    "registered_on",
    "deadline",
    "is_open",
    "is_repeated",
    "categorisation_overridden",
    "category",
    "kind",
    "channel",
    "mahalla_id",
    "district_id",
)
TIMING_COLUMNS = ("district_id", "process_version_id", "task_name", "completed_at", "seconds")
APPEAL_DIMS = {
    "d": ("all", "mahalla", "category", "kind", "channel"),
    "r": ("all", "district", "category", "kind", "channel"),
    "c": ("all", "region", "district", "category", "kind", "channel"),
}
GRAINS = ("d", "m")
APPEAL_KEY = ("grain", "scope", "scope_id", "dim", "period_start", "value", "bucket")
TASK_KEY = ("grain", "scope", "scope_id", "process_version_id", "period_start", "task_name", "bucket")


class _Dialect:
    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def month(self, date: str) -> str:
        return f"CAST(date_trunc('month', {date}) AS DATE)" if self.pg else f"date({date}, 'start of month')"

    def local_date(self, moment: str) -> str:
        return f"CAST(timezone('Asia/Tashkent', {moment}) AS DATE)" if self.pg else f"date({moment}, '+5 hours')"

    def seconds(self, start: str, end: str) -> str:
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({end} - {start}))"
        return f"((julianday({end}) - julianday({start})) * 86400.0)"

    def bucket(self, seconds: str) -> str:
        return f"CASE WHEN {seconds} < 1 THEN 0 ELSE 1 + CAST(floor(ln({seconds}) / ln({BUCKET_BASE})) AS INTEGER) END"

    def true(self, column: str) -> str:
        return f"{column} = true" if self.pg else f"{column} = 1"


# Concurrent writers lock the rows they update in key order, so two of them never deadlock; a
# rebuild writes in key order, so the rows one reading asks for lie together on disk.
_ORDER = " ORDER BY 1, 2, 3, 4, 5, 6, 7"


def rebuild(dialect: str) -> list[str]:
    """Empty both rollup tables and fill them from the raw rows (one grouped insert each)."""
    memory = ["SET LOCAL work_mem = '256MB'"] if dialect == "postgresql" else []
    return [
        *memory,
        "DELETE FROM appeal_rollups",
        "DELETE FROM task_rollups",
        appeal_rebuild(dialect),
        task_rebuild(dialect),
    ]


def _keys(pairs: Sequence[tuple[str, str, str]]) -> str:
    return " UNION ALL ".join(f"SELECT '{g}' AS grain, '{s}' AS scope, '{d}' AS dim" for g, s, d in pairs)


def _appeal_keys() -> str:
    return _keys([(g, s, d) for g in GRAINS for s, dims in APPEAL_DIMS.items() for d in dims])


def _task_keys() -> str:
    return _keys([(g, s, "all") for g in GRAINS for s in ("d", "r", "c")])


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _appeal_base(d: _Dialect, source: str, ratings: str, rating_only: bool, extra: str = "") -> str:
    """Per source appeal (alias a, with its sign) the key columns and signed-ready measures.

    ``ratings`` is a FROM-clause item r(appeal_id, n, total, satisfied) (or, for a rating's own
    contribution, the rating) joined to the appeal."""
    answered = "(a.status = 'answered' AND a.closed_at IS NOT NULL)"
    measures = {
        "received": "1",
        "resolved": _flag("a.status IN ('resolved', 'answered')"),
        "answered": _flag(answered),
        "answered_on_time": _flag(f"{answered} AND {d.local_date('a.closed_at')} <= a.deadline"),
        "open": _flag(d.true("a.is_open")),
        "repeated": _flag(d.true("a.is_repeated")),
        "forwarded": _flag("a.status = 'forwarded'"),
        "unconsidered": _flag("a.status = 'rejected'"),
        "overrides": _flag(d.true("a.categorisation_overridden")),
        "ratings": "COALESCE(r.n, 0)",
        "rating_total": "COALESCE(r.total, 0)",
        "satisfied": "COALESCE(r.satisfied, 0)",
    }
    if rating_only:
        measures = {name: (value if name in RATING_MEASURES else "0") for name, value in measures.items()}
    bucket = f"CASE WHEN {answered} THEN {d.bucket(d.seconds('a.received_at', 'a.closed_at'))} ELSE -1 END"
    columns = ", ".join(f"{value} AS {name}" for name, value in measures.items())
    return (
        f"SELECT a.sign AS sign, a.registered_on AS day, {d.month('a.registered_on')} AS month, "
        f"a.district_id AS district_id, dd.region_id AS region_id, a.mahalla_id AS mahalla_id, "
        f"a.category AS category, a.kind AS kind, a.channel AS channel, {bucket} AS bucket, {columns}{extra} "
        f"FROM {source} JOIN districts dd ON dd.id = a.district_id {ratings}"
    )


def _upsert(table: str, key: Sequence[str], measures: Sequence[str], select: str, conflict: bool) -> str:
    columns = ", ".join((*key, *measures))
    if not conflict:
        return f"INSERT INTO {table} ({columns}) {select}"
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    return f"INSERT INTO {table} ({columns}) {select} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


def _appeal_statement(d: _Dialect, base: str, conflict: bool) -> str:
    sums = ", ".join(f"SUM(b.sign * b.{m})" for m in APPEAL_MEASURES)
    select = (
        "SELECT k.grain, k.scope, "
        "CASE k.scope WHEN 'd' THEN b.district_id WHEN 'r' THEN b.region_id ELSE 0 END, k.dim, "
        "CASE k.grain WHEN 'd' THEN b.day ELSE b.month END, "
        "CASE k.dim WHEN 'all' THEN '' WHEN 'mahalla' THEN CAST(b.mahalla_id AS VARCHAR) "
        "WHEN 'district' THEN CAST(b.district_id AS VARCHAR) WHEN 'region' THEN CAST(b.region_id AS VARCHAR) "
        "WHEN 'category' THEN b.category WHEN 'kind' THEN b.kind ELSE b.channel END, "
        f"b.bucket, {sums} "
        f"FROM ({base}) b CROSS JOIN ({_appeal_keys()}) k "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7{_ORDER}"
    )
    return _upsert("appeal_rollups", APPEAL_KEY, APPEAL_MEASURES, select, conflict)


def _ratings_of(appeal_id: str | None) -> str:
    where = f"WHERE appeal_id = {appeal_id} " if appeal_id else ""
    return (
        "LEFT JOIN (SELECT appeal_id, COUNT(*) AS n, SUM(score) AS total, "
        f"SUM(CASE WHEN score >= {SATISFIED_SCORE} THEN 1 ELSE 0 END) AS satisfied "
        f"FROM appeal_ratings {where}GROUP BY appeal_id) r ON r.appeal_id = a.id"
    )


def _row(record: str, sign: int, columns: Sequence[str]) -> str:
    return f"SELECT {sign} AS sign, " + ", ".join(f"{record}.{c} AS {c}" for c in columns)


def appeal_rebuild(dialect: str) -> str:
    d = _Dialect(dialect)
    source = f"(SELECT 1 AS sign, {', '.join(APPEAL_COLUMNS)} FROM appeals) a"
    return _appeal_statement(d, _appeal_base(d, source, _ratings_of(None), False), conflict=False)


def appeal_change(dialect: str, records: Sequence[tuple[str, int]]) -> str:
    """The upsert for an appeal trigger: ``records`` are (OLD|NEW, sign)."""
    d = _Dialect(dialect)
    rows = " UNION ALL ".join(_row(record, sign, APPEAL_COLUMNS) for record, sign in records)
    ident = f"{records[0][0]}.id"
    return _appeal_statement(d, _appeal_base(d, f"({rows}) a", _ratings_of(ident), False), conflict=True)


def rating_change(dialect: str, records: Sequence[tuple[str, int]]) -> str:
    """The upsert for a rating trigger: the rating's own measures at its appeal's keys."""
    d = _Dialect(dialect)
    return _appeal_statement(d, _rating_base(d, records, links=False), conflict=True)


def _rating_base(d: _Dialect, records: Sequence[tuple[str, int]], links: bool) -> str:
    """A rating's contribution per appeal (``links``: once per person linked to the appeal)."""
    rows = " UNION ALL ".join(
        f"SELECT {sign} AS sign, {record}.appeal_id AS appeal_id, {record}.score AS score" for record, sign in records
    )
    linked = ", l.user_id AS user_id" if links else ""
    join = f" JOIN {LINKS} l ON l.appeal_id = x.appeal_id AND l.n > 0" if links else ""
    source = (
        f"(SELECT x.sign AS sign, {', '.join('ap.' + c + ' AS ' + c for c in APPEAL_COLUMNS)}{linked} "
        f"FROM ({rows}) x JOIN appeals ap ON ap.id = x.appeal_id{join}) a"
    )
    ratings = (
        f"JOIN (SELECT {records[0][0]}.appeal_id AS appeal_id, 1 AS n, {records[0][0]}.score AS total, "
        f"CASE WHEN {records[0][0]}.score >= {SATISFIED_SCORE} THEN 1 ELSE 0 END AS satisfied) r "
        "ON r.appeal_id = a.id"
    )
    if len(records) > 1:  # an update: each side with its own score
        ratings = (
            f"JOIN ({' UNION ALL '.join(_rating_side(record, sign) for record, sign in records)}) r "
            "ON r.appeal_id = a.id AND r.sign = a.sign"
        )
    return _appeal_base(d, source, ratings, True, _USER if links else "")


def _rating_side(record: str, sign: int) -> str:
    return (
        f"SELECT {sign} AS sign, {record}.appeal_id AS appeal_id, 1 AS n, {record}.score AS total, "
        f"CASE WHEN {record}.score >= {SATISFIED_SCORE} THEN 1 ELSE 0 END AS satisfied"
    )


def _task_statement(d: _Dialect, source: str, conflict: bool) -> str:
    day = d.local_date("t.completed_at")
    base = (
        f"SELECT t.sign AS sign, {day} AS day, {d.month(day)} AS month, t.district_id AS district_id, "
        f"dd.region_id AS region_id, t.process_version_id AS version_id, t.task_name AS task_name, "
        f"{d.bucket('t.seconds')} AS bucket FROM {source} JOIN districts dd ON dd.id = t.district_id"
    )
    select = (
        "SELECT k.grain, k.scope, CASE k.scope WHEN 'd' THEN b.district_id WHEN 'r' THEN b.region_id ELSE 0 END, "
        "b.version_id, CASE k.grain WHEN 'd' THEN b.day ELSE b.month END, b.task_name, b.bucket, SUM(b.sign) "
        f"FROM ({base}) b CROSS JOIN ({_task_keys()}) k "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7{_ORDER}"
    )
    return _upsert("task_rollups", TASK_KEY, ("completed",), select, conflict)


def task_rebuild(dialect: str) -> str:
    d = _Dialect(dialect)
    return _task_statement(d, f"(SELECT 1 AS sign, {', '.join(TIMING_COLUMNS)} FROM task_timings) t", False)


def task_change(dialect: str, records: Sequence[tuple[str, int]]) -> str:
    d = _Dialect(dialect)
    rows = " UNION ALL ".join(_row(record, sign, TIMING_COLUMNS) for record, sign in records)
    return _task_statement(d, f"({rows}) t", conflict=True)


# --- triggers ------------------------------------------------------------------------------------

# (table, trigger name prefix, statement builder, columns whose change matters on update)
_SOURCES = (
    ("appeals", "appeal_rollups", appeal_change, APPEAL_COLUMNS),
    ("appeal_ratings", "rating_rollups", rating_change, ("appeal_id", "score")),
    ("task_timings", "task_rollups", task_change, TIMING_COLUMNS),
)
_EVENTS = (("INSERT", (("NEW", 1),)), ("DELETE", (("OLD", -1),)), ("UPDATE", (("OLD", -1), ("NEW", 1))))


def _changed(columns: Sequence[str], pg: bool) -> str:
    op = "IS DISTINCT FROM" if pg else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in columns)


def postgresql() -> list[str]:
    statements = []
    for table, name, build, columns in _SOURCES:
        branches = " ".join(
            f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN {build('postgresql', records)};"
            for i, (event, records) in enumerate(_EVENTS)
        )
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}_apply() RETURNS trigger LANGUAGE plpgsql AS $body$ "
            f"BEGIN {branches} END IF; RETURN NULL; END $body$"
        )
        for event, _records in _EVENTS:
            when = f" WHEN ({_changed(columns, True)})" if event == "UPDATE" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"EXECUTE FUNCTION {name}_apply()"
            )
    return statements


def sqlite() -> list[str]:
    statements = []
    for table, name, build, columns in _SOURCES:
        for event, records in _EVENTS:
            when = f" WHEN {_changed(columns, False)}" if event == "UPDATE" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
            statements.append(
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN {build('sqlite', records)}; END"
            )
    return statements


def drop(dialect: str) -> list[str]:
    statements = []
    for table, name, _build, _columns in _SOURCES:
        for event, _records in _EVENTS:
            on = f" ON {table}" if dialect == "postgresql" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}{on}")
        if dialect == "postgresql":
            statements.append(f"DROP FUNCTION IF EXISTS {name}_apply()")
    return statements


def triggers(dialect: str) -> list[str]:
    return postgresql() if dialect == "postgresql" else sqlite()


# --- the people who worked on an appeal (the dashboards' breakdown by inspector) ---------------
#
# The raw breakdown counts an appeal once for each person who completed a task on it (a
# ``task_completed`` case event) or holds one of its pending tasks now. ``appeal_handlers`` keeps,
# per (appeal, person), how many such events and pending tasks there are (``n``); an appeal's
# figures are added to the person's rows (dim ``inspector``, value the user id) when the link
# appears (n 0 -> 1), taken away when it goes (n 1 -> 0), and follow the appeal's and its ratings'
# changes while it lasts. Every person is kept; the reader keeps those whose role is inspector now.

LINKS = "appeal_handlers"
INSPECTOR_DIM = "inspector"
_USER = ", a.user_id AS user_id"
_LINK_UPSERT = "ON CONFLICT (appeal_id, user_id) DO UPDATE SET n = appeal_handlers.n + excluded.n"
# (table, trigger name prefix, the person's column, columns whose change matters, the condition)
_LINK_SOURCES = (
    ("case_events", "event_links", "actor_id", ("appeal_id", "actor_id", "kind"), "{r}.kind = 'task_completed'"),
    ("pending_tasks", "task_links", "assignee_id", ("appeal_id", "assignee_id"), ""),
)


def _inspector_statement(d: _Dialect, base: str, conflict: bool) -> str:
    sums = ", ".join(f"SUM(b.sign * b.{m})" for m in APPEAL_MEASURES)
    keys = _keys([(g, s, INSPECTOR_DIM) for g in GRAINS for s in APPEAL_DIMS])
    select = (
        "SELECT k.grain, k.scope, "
        "CASE k.scope WHEN 'd' THEN b.district_id WHEN 'r' THEN b.region_id ELSE 0 END, k.dim, "
        "CASE k.grain WHEN 'd' THEN b.day ELSE b.month END, CAST(b.user_id AS VARCHAR), "
        f"b.bucket, {sums} "
        f"FROM ({base}) b CROSS JOIN ({keys}) k "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7{_ORDER}"
    )
    return _upsert("appeal_rollups", APPEAL_KEY, APPEAL_MEASURES, select, conflict)


def _appeal_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{c} AS {c}" for c in APPEAL_COLUMNS)


def _link_qualifies(record: str, person: str, condition: str) -> str:
    extra = f" AND {condition.format(r=record)}" if condition else ""
    return f"{record}.appeal_id IS NOT NULL AND {record}.{person} IS NOT NULL{extra}"


def _link_change(dialect: str, record: str, sign: int, person: str, condition: str) -> list[str]:
    """A link source row appearing (+1) or going (-1): the link's count, then, when the link has just
    appeared (now 1) or gone (now 0), the appeal's whole contribution at the person's keys."""
    d = _Dialect(dialect)
    qualifies = _link_qualifies(record, person, condition)
    count = (
        f"INSERT INTO {LINKS} (appeal_id, user_id, n) SELECT {record}.appeal_id, {record}.{person}, {sign} "
        f"WHERE {qualifies} {_LINK_UPSERT}"
    )
    source = (
        f"(SELECT {sign} AS sign, {_appeal_columns('ap')}, l.user_id AS user_id FROM appeals ap "
        f"JOIN {LINKS} l ON l.appeal_id = ap.id WHERE ap.id = {record}.appeal_id "
        f"AND l.user_id = {record}.{person} AND l.n = {1 if sign > 0 else 0} AND {qualifies}) a"
    )
    base = _appeal_base(d, source, _ratings_of(f"{record}.appeal_id"), False, _USER)
    return [count, _inspector_statement(d, base, conflict=True)]


def inspector_appeal_change(dialect: str, records: Sequence[tuple[str, int]]) -> str:
    """An appeal's change at the keys of every person linked to it."""
    d = _Dialect(dialect)
    rows = " UNION ALL ".join(_row(record, sign, APPEAL_COLUMNS) for record, sign in records)
    source = f"(SELECT x.*, l.user_id AS user_id FROM ({rows}) x JOIN {LINKS} l ON l.appeal_id = x.id AND l.n > 0) a"
    base = _appeal_base(d, source, _ratings_of(f"{records[0][0]}.id"), False, _USER)
    return _inspector_statement(d, base, conflict=True)


def inspector_rating_change(dialect: str, records: Sequence[tuple[str, int]]) -> str:
    d = _Dialect(dialect)
    return _inspector_statement(d, _rating_base(d, records, links=True), conflict=True)


def inspector_rebuild(dialect: str) -> list[str]:
    """The links from the case events and pending tasks, then the people's rollup rows (after
    ``rebuild``, which empties the whole ``appeal_rollups``)."""
    d = _Dialect(dialect)
    sources = " UNION ALL ".join(
        f"SELECT {table}.appeal_id AS appeal_id, {table}.{person} AS user_id FROM {table} "
        f"WHERE {_link_qualifies(table, person, condition)}"
        for table, _name, person, _columns, condition in _LINK_SOURCES
    )
    source = (
        f"(SELECT 1 AS sign, {_appeal_columns('ap')}, l.user_id AS user_id FROM appeals ap "
        f"JOIN {LINKS} l ON l.appeal_id = ap.id AND l.n > 0) a"
    )
    return [
        f"DELETE FROM {LINKS}",
        f"INSERT INTO {LINKS} (appeal_id, user_id, n) SELECT appeal_id, user_id, COUNT(*) FROM ({sources}) s "
        "GROUP BY appeal_id, user_id",
        f"DELETE FROM appeal_rollups WHERE dim = '{INSPECTOR_DIM}'",
        _inspector_statement(d, _appeal_base(d, source, _ratings_of(None), False, _USER), conflict=False),
    ]


def _link_statements(dialect: str, person: str, condition: str, records: Sequence[tuple[str, int]]) -> list[str]:
    return [s for record, sign in records for s in _link_change(dialect, record, sign, person, condition)]


def _inspector_sources() -> list[tuple[str, str, Any, Sequence[str], str]]:
    """(table, trigger prefix, statements for the records, columns whose change matters, the
    condition a row must meet for the trigger to fire on insert or delete)."""
    sources: list[tuple[str, str, Any, Sequence[str], str]] = [
        ("appeals", "appeal_inspector_rollups", lambda dl, rs: [inspector_appeal_change(dl, rs)], APPEAL_COLUMNS, ""),
        (
            "appeal_ratings",
            "rating_inspector_rollups",
            lambda dl, rs: [inspector_rating_change(dl, rs)],
            ("appeal_id", "score"),
            "",
        ),
    ]
    for table, name, person, columns, condition in _LINK_SOURCES:
        sources.append(
            (
                table,
                name,
                lambda dl, rs, p=person, c=condition: _link_statements(dl, p, c, rs),
                columns,
                _link_qualifies("{r}", person, condition),
            )
        )
    return sources


def inspector_triggers(dialect: str) -> list[str]:
    """The triggers keeping ``appeal_handlers`` and the people's rollup rows."""
    pg = dialect == "postgresql"
    statements = []
    for table, name, build, columns, condition in _inspector_sources():
        whens = {
            "INSERT": condition.format(r="NEW") if condition else "",
            "DELETE": condition.format(r="OLD") if condition else "",
            "UPDATE": _changed(columns, pg),
        }
        if pg:
            branches = " ".join(
                f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN {_block(build(dialect, records))}"
                for i, (event, records) in enumerate(_EVENTS)
            )
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}_apply() RETURNS trigger LANGUAGE plpgsql AS $body$ "
                f"BEGIN {branches} END IF; RETURN NULL; END $body$"
            )
        for event, records in _EVENTS:
            trigger = f"{name}_{event.lower()}"
            when = f" WHEN ({whens[event]})" if whens[event] else ""
            statements.append(f"DROP TRIGGER IF EXISTS {trigger}{' ON ' + table if pg else ''}")
            body = f"EXECUTE FUNCTION {name}_apply()" if pg else f"BEGIN {_block(build(dialect, records))} END"
            statements.append(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW{when} {body}")
    return statements


def _block(statements: Sequence[str]) -> str:
    return " ".join(f"{statement};" for statement in statements)


def inspector_drop(dialect: str) -> list[str]:
    pg = dialect == "postgresql"
    statements = []
    for table, name, _build, _columns, _condition in _inspector_sources():
        for event, _records in _EVENTS:
            statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}{' ON ' + table if pg else ''}")
        if pg:
            statements.append(f"DROP FUNCTION IF EXISTS {name}_apply()")
    return statements


def all_triggers(dialect: str) -> list[str]:
    return [*triggers(dialect), *inspector_triggers(dialect), *waiting_triggers(dialect)]


# --- the tasks waiting now (the bottleneck page's "waiting" column) ----------------------------
#
# Per process version, district and task: how many pending tasks there
# are. Kept by triggers on ``pending_tasks`` (a task appears, goes, or moves to another district or
# case) and on ``process_instances`` (a case moved to another version takes its waiting tasks with
# it), so the page reads a few rows per task instead of counting the tasks waiting across the country.

WAITING = "waiting_task_counts"
_WAITING_UPSERT = f"ON CONFLICT (process_version_id, district_id, task_name) DO UPDATE SET n = {WAITING}.n + excluded.n"


def _waiting_task(record: str, sign: int) -> str:
    """A pending task appearing (+1) or going (-1), at its case's version."""
    return (
        f"INSERT INTO {WAITING} (process_version_id, district_id, task_name, n) "
        f"SELECT pi.process_version_id, {record}.district_id, {record}.name, {sign} "
        f"FROM process_instances pi WHERE pi.id = {record}.instance_id {_WAITING_UPSERT}"
    )


def _waiting_case(record: str, sign: int) -> str:
    """A case's waiting tasks leaving (-1, OLD) or joining (+1, NEW) its version's counts."""
    return (
        f"INSERT INTO {WAITING} (process_version_id, district_id, task_name, n) "
        f"SELECT {record}.process_version_id, t.district_id, t.name, {sign} * COUNT(*) "
        f"FROM pending_tasks t WHERE t.instance_id = {record}.id GROUP BY t.district_id, t.name "
        f"{_WAITING_UPSERT}"
    )


def waiting_rebuild() -> list[str]:
    return [
        f"DELETE FROM {WAITING}",
        f"INSERT INTO {WAITING} (process_version_id, district_id, task_name, n) "
        "SELECT pi.process_version_id, t.district_id, t.name, COUNT(*) FROM pending_tasks t "
        "JOIN process_instances pi ON pi.id = t.instance_id GROUP BY 1, 2, 3",
    ]


# (table, trigger name, event, statements, condition)
_WAITING_TRIGGERS = (
    ("pending_tasks", "waiting_tasks_insert", "INSERT", [_waiting_task("NEW", 1)], ""),
    ("pending_tasks", "waiting_tasks_delete", "DELETE", [_waiting_task("OLD", -1)], ""),
    (
        "pending_tasks",
        "waiting_tasks_update",
        "UPDATE",
        [_waiting_task("OLD", -1), _waiting_task("NEW", 1)],
        ("instance_id", "district_id", "name"),
    ),
    (
        "process_instances",
        "waiting_versions_update",
        "UPDATE",
        [_waiting_case("OLD", -1), _waiting_case("NEW", 1)],
        ("process_version_id",),
    ),
)


def waiting_triggers(dialect: str) -> list[str]:
    pg = dialect == "postgresql"
    statements = []
    for table, name, event, body, columns in _WAITING_TRIGGERS:
        when = f" WHEN ({_changed(columns, pg)})" if columns else ""
        statements.append(f"DROP TRIGGER IF EXISTS {name}{' ON ' + table if pg else ''}")
        if pg:
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}_apply() RETURNS trigger LANGUAGE plpgsql AS $body$ "
                f"BEGIN {_block(body)} RETURN NULL; END $body$"
            )
            action = f"EXECUTE FUNCTION {name}_apply()"
        else:
            action = f"BEGIN {_block(body)} END"
        statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} {action}")
    return statements


def waiting_drop(dialect: str) -> list[str]:
    pg = dialect == "postgresql"
    statements = []
    for table, name, _event, _body, _columns in _WAITING_TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS {name}{' ON ' + table if pg else ''}")
        if pg:
            statements.append(f"DROP FUNCTION IF EXISTS {name}_apply()")
    return statements
