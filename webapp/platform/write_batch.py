"""Writes sent together: a user action's inserts, updates and deletes go to the database in as few
statements as it allows (issue 16: a task completion's state, task rows, event, timing and
notification in one round trip).

Inside ``with batched_writes():`` (a completion's writes), ``write(statement)`` does not send the
statement at once: it joins the session's batch. The batch goes out before anything that must see
it — a read of a table it writes (read-your-writes, like the ORM's autoflush), any statement sent
directly, a flush of ORM objects, the commit, the end of the block — and is dropped with a
rollback. Outside such a block ``write`` sends the statement at once. No savepoint inside a block.

On PostgreSQL a batch of several statements is one statement (each a data-modifying ``WITH`` of a
``SELECT``; PostgreSQL runs every one of them exactly once); other databases get them one by one,
in order.

A guarded update (``update_guarded``: one row, only if some of its columns still hold what was read —
an optimistic lock) joins the batch too, and the caller's exception is raised when the batch is sent
and the row no longer matched. On PostgreSQL the guard is a part of the same statement, run before the
others, and every other part is conditional on it: when the row did not match, nothing else is
written either (the writes of a racing action — a second completion of the same task — would
otherwise collide with the winner's rows before the refusal could be seen). A batch holding
statements given to ``write`` sends its guarded updates first, on their own.

The batch's own items (``insert_rows``, ``update_row``, ``update_guarded``, ``delete_rows``) are sent through statements
built once per shape — the table and the columns written — with their values as parameters, and a
whole ``WITH`` once per sequence of shapes: SQLAlchemy then neither builds nor keys the statement
again (a completion's writes are the same few shapes every time). A statement given to ``write`` is
sent as it is.

What a batch may hold, so that one statement does what the sequence would: statements on different
rows. Within one ``WITH`` no part sees another's effect, so an UPDATE or DELETE of a table the batch
already writes sends the batch first; ``update_row`` merges the changes of one row instead (two
updates of the same row in one statement would keep only one). An INSERT may follow a DELETE of the
same table as long as it does not re-create a key the DELETE removes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnDefault,
    Delete,
    Insert,
    Table,
    Update,
    bindparam,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from webapp.extensions import db
from webapp.platform.statements import built_once

_KEY = "write_batch"


@dataclass
class _Batch:
    statements: list[Any] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)  # tables the statements write
    rows: dict[tuple[str, Any], dict[str, Any]] = field(default_factory=dict)  # update_row's merged values
    sending: bool = False
    depth: int = 0  # open batched_writes blocks


def _batch(session: Session) -> _Batch:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = _Batch()
    return found


@contextmanager
def batched_writes() -> Iterator[None]:
    """Collect the block's ``write``/``update_row`` statements and send them together (at the latest
    when the block ends). An exception drops what still waits: the caller rolls back."""
    session = db.session()
    _batch(session).depth += 1
    try:
        yield
    except BaseException:
        session.info[_KEY] = _Batch(depth=_batch(session).depth - 1)  # the caller rolls back
        raise
    batch = _batch(session)
    batch.depth -= 1
    if batch.depth == 0:
        send(session)


def _batching(session: Session) -> _Batch | None:
    found = session.info.get(_KEY)
    return found if found is not None and found.depth > 0 else None


def write(statement: Insert | Update | Delete) -> None:
    """Add an INSERT, UPDATE or DELETE to the session's batch (see the module's note). An INSERT
    must name every column that has a Python-side default (``insert_rows`` does it)."""
    session = db.session()
    batch = _batching(session)
    if batch is None:
        session.execute(statement)
        return
    table = statement.table.name  # type: ignore[union-attr]
    if not isinstance(statement, Insert) and table in batch.tables:
        send(session)
        batch = _batch(session)
    batch.statements.append(statement)
    batch.tables.add(table)


@dataclass(frozen=True)
class _Rows:
    """Rows to insert into one table: each row its own INSERT inside a ``WITH`` (a single-row INSERT
    is a cached statement, a many-rows VALUES is compiled anew each time), else one executemany."""

    table: Table
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class _RowUpdate:
    table: Table
    row_id: Any
    values: dict[str, Any]


def insert_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows through the batch. The columns' Python-side defaults are filled in here: inside
    a ``WITH`` the database gets only what the statement says."""
    if not rows:
        return
    full = [_with_defaults(table, row) for row in rows]
    session = db.session()
    batch = _batching(session)
    if batch is None:
        session.execute(insert(table), full)
        return
    batch.statements.append(_Rows(table, full))
    batch.tables.add(table.name)


def _with_defaults(table: Table, row: Mapping[str, Any], *, on_update: bool = False) -> dict[str, Any]:
    """The row with the Python-side defaults (``on_update``: the ``onupdate`` ones) of the columns it lacks."""
    full = dict(row)
    for column in table.columns:
        default = column.onupdate if on_update else column.default
        if column.name in full or not isinstance(default, ColumnDefault):
            continue
        full[column.name] = default.arg(None) if default.is_callable else default.arg  # type: ignore[operator]
    return full


def update_row(table: Table, row_id: Any, values: dict[str, Any]) -> None:
    """Change columns of one row (by its ``id``) in the session's batch; changes of the same row merge."""
    session = db.session()
    batch = _batching(session)
    if batch is None:
        session.execute(update(table).where(table.c.id == row_id).values(**values))
        return
    key = (table.name, row_id)
    if key in batch.rows:
        batch.rows[key].update(values)
        return
    if table.name in batch.tables:
        send(session)
        batch = _batch(session)
    merged = dict(values)
    batch.rows[key] = merged
    batch.statements.append(_RowUpdate(table, row_id, merged))
    batch.tables.add(table.name)


@dataclass(frozen=True)
class _GuardedUpdate:
    table: Table
    row_id: Any
    guard: dict[str, Any]  # column: the value the row must still hold
    values: dict[str, Any]
    refused: Callable[[], BaseException]


def update_guarded(
    table: Table, row_id: Any, guard: Mapping[str, Any], values: Mapping[str, Any], refused: Callable[[], BaseException]
) -> None:
    """Change columns of one row (by its ``id``) only if its ``guard`` columns still hold the given
    values (an optimistic lock), through the session's batch; ``refused()`` is raised when the row no
    longer matched — at once without a batch, else when the batch is sent. ``values`` are the whole
    change (no Python-side ``onupdate`` defaults are added)."""
    item = _GuardedUpdate(table, row_id, dict(guard), dict(values), refused)
    session = db.session()
    batch = _batching(session)
    if batch is None:
        _send_in_turn(session, [item])
        return
    if table.name in batch.tables:
        send(session)
        batch = _batch(session)
    batch.statements.append(item)
    batch.tables.add(table.name)


@dataclass(frozen=True)
class _RowsDelete:
    table: Table
    ids: list[Any]


def delete_rows(table: Table, ids: Sequence[Any]) -> None:
    """Delete rows by their ``id`` through the batch (it is sent first when it writes the table)."""
    if not ids:
        return
    session = db.session()
    batch = _batching(session)
    if batch is None:
        session.execute(delete(table).where(table.c.id.in_(list(ids))))
        return
    if table.name in batch.tables:
        send(session)
        batch = _batch(session)
    batch.statements.append(_RowsDelete(table, list(ids)))
    batch.tables.add(table.name)


def pending(session: Session | None = None) -> int:
    """How many statements wait in the session's batch."""
    found = (session or db.session()).info.get(_KEY)
    return len(found.statements) if found is not None else 0


def send(session: Session | None = None) -> None:
    """Send the session's batch now (a no-op when it is empty)."""
    session = session or db.session()
    batch = session.info.get(_KEY)
    if batch is None or not batch.statements or batch.sending:
        return
    items = batch.statements
    session.info[_KEY] = _Batch(sending=True, depth=batch.depth)
    try:
        if session.get_bind().dialect.name == "postgresql":
            _send_together(session, items)
        else:
            _send_in_turn(session, items)
    finally:
        session.info[_KEY] = _Batch(depth=batch.depth)


def _send_together(session: Session, items: list[Any]) -> None:
    """PostgreSQL: the items as one statement (a data-modifying ``WITH`` part each)."""
    guarded = [item for item in items if isinstance(item, _GuardedUpdate)]
    if not all(_is_own(item) for item in items):
        if guarded:  # a statement sent as it is cannot be made conditional: the guards go first
            _send_in_turn(session, guarded)
            items = [item for item in items if not isinstance(item, _GuardedUpdate)]
        parts = [part for item in items for part in _parts(item)]
        if len(parts) == 1:
            session.execute(parts[0])
            return
        combined = select(literal(len(parts)))
        for index, part in enumerate(reversed(parts)):
            combined = combined.add_cte(part.cte(f"w{index}"))
        session.execute(combined)
        return
    shaped = [part for item in items for part in _shaped(item)]
    if len(shaped) == 1 and not guarded:
        shape, values = shaped[0]
        session.execute(_template(shape, ""), _named(values, ""))
        return
    shapes = tuple(shape for shape, _values in shaped)
    params: dict[str, Any] = {}
    for index, (_shape, values) in enumerate(reversed(shaped)):
        params.update(_named(values, f"w{index}_"))
    answer = session.execute(built_once(("write_batch", shapes), lambda: _combined(shapes)), params).one()
    for item, changed in zip(guarded, answer[1:], strict=True):
        if changed != 1:
            raise item.refused()


def _combined(shapes: tuple[_Shape, ...]) -> Any:
    """The shapes as one statement. It answers one row: the number of parts, then how many rows each
    guarded update changed (0 or 1). The guarded updates come first and every other part runs only
    if all of them changed their row.

    PostgreSQL runs the data-modifying parts of a WITH last-listed first (ExecPostprocessPlan over
    es_auxmodifytables, built with lcons): listed in reverse, they run in the order written, so
    serial keys follow it (test_write_batch checks it). A guard is read by the statement's own
    answer, which runs before those parts: the guard's update runs first, whatever its place."""
    count = len(shapes)
    guards = [
        _template(shape, f"w{count - 1 - index}_").cte(f"w{count - 1 - index}")
        for index, shape in enumerate(shapes)
        if shape[0] == "guarded"
    ]
    matched = [exists(select(literal(1)).select_from(guard)) for guard in guards]
    combined = select(literal(count), *(select(func.count()).select_from(guard).scalar_subquery() for guard in guards))
    for guard in guards:
        combined = combined.add_cte(guard)
    for index, shape in enumerate(reversed(shapes)):
        if shape[0] != "guarded":
            part = _conditional(shape, f"w{index}_", matched) if matched else _template(shape, f"w{index}_")
            combined = combined.add_cte(part.cte(f"w{index}"))
    return combined


def _conditional(shape: _Shape, prefix: str, conditions: list[Any]) -> Any:
    """The part of ``shape`` written only when every one of ``conditions`` holds."""
    kind, table, columns = shape[:3]
    if kind == "insert":
        values = [bindparam(f"{prefix}v_{name}", type_=table.c[name].type) for name in columns]
        return insert(table).from_select(list(columns), select(*values).where(*conditions))
    return _build_template(shape, prefix).where(*conditions)


def _send_in_turn(session: Session, items: list[Any]) -> None:
    """Other databases: the items one after the other, in order (several rows of a table at once)."""
    for item in items:
        if isinstance(item, _Rows) and len(item.rows) > 1:
            session.execute(insert(item.table), item.rows)
        elif _is_own(item):
            for shape, values in _shaped(item):
                result = session.execute(_template(shape, ""), _named(values, ""))
                if isinstance(item, _GuardedUpdate) and len(result.all()) != 1:
                    raise item.refused()
        else:
            session.execute(_parts(item)[0])


def _is_own(item: Any) -> bool:
    return isinstance(item, (_Rows, _RowUpdate, _GuardedUpdate, _RowsDelete))


# A part's shape: (kind, table, columns[, guard columns]). Its values: the columns' values, the
# row's key ("k") and the guard's values (named _GUARD + column).
_Shape = tuple[Any, ...]
_KEY_PARAM = "k"  # the parameter of a row's id (or of the ids deleted); column values are "v_<name>"
_GUARD = "guard:"  # never a column's name: a guard's value, sent as "g_<name>"


def _shaped(item: Any) -> list[tuple[_Shape, dict[str, Any]]]:
    if isinstance(item, _Rows):
        return [(("insert", item.table, tuple(row)), row) for row in item.rows]
    if isinstance(item, _RowUpdate):
        values = _with_defaults(item.table, item.values, on_update=True)
        return [(("update", item.table, tuple(values)), {**values, _KEY_PARAM: item.row_id})]
    if isinstance(item, _GuardedUpdate):
        guard = {_GUARD + name: value for name, value in item.guard.items()}
        shape = ("guarded", item.table, tuple(item.values), tuple(item.guard))
        return [(shape, {**item.values, **guard, _KEY_PARAM: item.row_id})]
    return [(("delete", item.table, ()), {_KEY_PARAM: item.ids})]


def _named(values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    named = {}
    for name, value in values.items():
        if name == _KEY_PARAM:
            named[prefix + name] = value
        elif name.startswith(_GUARD):
            named[f"{prefix}g_{name[len(_GUARD) :]}"] = value
        else:
            named[f"{prefix}v_{name}"] = value
    return named


def _template(shape: _Shape, prefix: str) -> Any:
    """The statement of a part's shape, with parameters named after its columns (and ``prefix``)."""
    return built_once(("write_batch", shape, prefix), lambda: _build_template(shape, prefix))


def _build_template(shape: _Shape, prefix: str) -> Any:
    kind, table, columns = shape[:3]
    values = {table.c[name]: bindparam(f"{prefix}v_{name}", type_=table.c[name].type) for name in columns}
    if kind == "insert":
        return insert(table).values(values)
    key = table.c.id == bindparam(f"{prefix}{_KEY_PARAM}", type_=table.c.id.type)
    if kind == "update":
        return update(table).where(key).values(values)
    if kind == "guarded":  # it returns the row it changed: the batch counts them
        guard = [table.c[name] == bindparam(f"{prefix}g_{name}", type_=table.c[name].type) for name in shape[3]]
        return update(table).where(key, *guard).values(values).returning(table.c.id)
    return delete(table).where(table.c.id.in_(bindparam(f"{prefix}{_KEY_PARAM}", expanding=True)))


def _parts(item: Any) -> list[Any]:
    """The statements of one batch item."""
    if isinstance(item, _Rows):
        return [insert(item.table).values(**row) for row in item.rows]
    if isinstance(item, _RowUpdate):
        values = _with_defaults(item.table, item.values, on_update=True)
        return [update(item.table).where(item.table.c.id == item.row_id).values(**values)]
    if isinstance(item, _RowsDelete):
        return [delete(item.table).where(item.table.c.id.in_(item.ids))]
    if isinstance(item, Update):
        table = item.table
        if not isinstance(table, Table):
            return [item]
        named = {str(getattr(key, "key", key)) for key in (item._values or {})}  # what it sets
        full = _with_defaults(table, dict.fromkeys(named), on_update=True)
        missing = {name: value for name, value in full.items() if name not in named}
        return [item.values(**missing)] if missing else [item]
    return [item]


def _reads_written(state: ORMExecuteState, batch: _Batch) -> bool:
    if not state.is_select:
        return True
    read = _tables_read(state.statement)
    return not read or bool(read & batch.tables)  # no table seen (text SQL): send, to be safe


_TABLES_BY_SHAPE: dict[Any, frozenset[str]] = {}


def _tables_read(statement: Any) -> frozenset[str]:
    """The tables a statement reads, subqueries included; remembered per statement shape (its cache
    key, which SQLAlchemy computes for the statement anyway and keeps on it)."""
    key = statement._generate_cache_key()
    found = _TABLES_BY_SHAPE.get(key.key) if key is not None else None
    if found is None:
        found = frozenset(e.name for e in visitors.iterate(statement) if isinstance(e, TableClause))
        if key is not None:
            if len(_TABLES_BY_SHAPE) > 2000:
                _TABLES_BY_SHAPE.clear()
            _TABLES_BY_SHAPE[key.key] = found
    return found


@event.listens_for(Session, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    batch = state.session.info.get(_KEY)
    if batch is not None and batch.statements and not batch.sending and _reads_written(state, batch):
        send(state.session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    send(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    send(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    batch = session.info.get(_KEY)
    if batch is not None:
        session.info[_KEY] = _Batch(depth=batch.depth)
