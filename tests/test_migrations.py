"""The Alembic migrations in migrations/ build exactly the schema the models declare.

Each test makes its own app on a fresh database (a SQLite file under tmp_path; with
TEST_DATABASE_URL also a throw-away schema in PostgreSQL), so the session ``app`` fixture and its
database are never touched. migrations/env.py calls ``logging.config.fileConfig``, which would
disable every logger created before it; the logging state is restored after each run.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from pprint import pformat
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, select, text

from webapp import create_app
from webapp.casework.appeals.search_ddl import is_unmanaged
from webapp.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
VERSION_TABLE = "alembic_version"

# migrations/env.py is Flask-Migrate's stock template: it tries Flask-SQLAlchemy's deprecated
# db.get_engine() first (it still works in 3.1; removed in 3.2).
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@contextmanager
def kept_logging() -> Iterator[None]:
    """Undo what migrations/env.py's fileConfig does to the process-wide logging set-up."""
    root = logging.getLogger()
    root_state = (root.level, list(root.handlers))
    loggers = {
        name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
        for name, lg in logging.Logger.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    try:
        yield
    finally:
        new_handlers = [h for h in root.handlers if h not in root_state[1]]
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]
        for name, lg in logging.Logger.manager.loggerDict.items():
            if not isinstance(lg, logging.Logger):
                continue
            if name in loggers:
                lg.disabled, lg.level, handlers, lg.propagate = loggers[name]
                lg.handlers[:] = handlers
            else:
                new_handlers.extend(h for h in lg.handlers if h not in new_handlers)
                lg.handlers[:] = []
                lg.disabled = False
        for handler in new_handlers:
            handler.close()


def _pg_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh, uniquely named schema, dropped (with everything in it) afterwards."""
    schema = f"mig_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield schema
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(URL, engine options) of an empty database of the parametrised kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/m.sqlite3", {}
        return
    url = _pg_url()
    if url is None:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test")
    with postgres_schema(url) as schema:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}


@contextmanager
def migration_app(database: tuple[str, dict[str, Any]]) -> Iterator[Flask]:
    """A separate app on the given database, with its app context pushed (over the autouse one)."""
    url, engine_options = database
    config: dict[str, Any] = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True}
    if engine_options:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app = create_app(config)
    with kept_logging(), app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def include_name(name: str | None, kind: str, _parent: Any) -> bool:
    """The search structures made by DDL (FTS5 table and its shadow tables, PostgreSQL GIN indexes)."""
    return not (kind in ("table", "index", "column") and is_unmanaged(name))


def schema_differences(metadata: MetaData | None = None) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        return list(compare_metadata(context, db.metadata if metadata is None else metadata))


def altered_metadata() -> MetaData:
    """The models' metadata plus one table and one column: the comparison must see both."""
    copy = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    Table("probe_only_in_models", copy, Column("id", Integer, primary_key=True))
    copy.tables["users"].append_column(Column("probe_column", Integer))
    return copy


def table_names() -> set[str]:
    with db.engine.connect() as connection:
        return {name for name in inspect(connection).get_table_names() if not is_unmanaged(name)}


def test_the_migration_history_is_one_linear_chain() -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert len(script.get_heads()) == 1, script.get_heads()
    assert len(script.get_bases()) == 1, script.get_bases()
    revisions = list(script.walk_revisions())
    assert all(not isinstance(r.down_revision, tuple) for r in revisions), "merge revisions found"


def test_upgrade_builds_exactly_the_declared_schema(database: tuple[str, dict[str, Any]]) -> None:
    with migration_app(database):
        assert table_names() == set()
        flask_migrate.upgrade()
        differences = schema_differences()
        assert differences == [], "migrations and models differ:\n" + pformat(differences)
        assert table_names() == {t.name for t in db.metadata.sorted_tables} | {VERSION_TABLE}

        # the comparison is not vacuous
        noticed = schema_differences(altered_metadata())
        assert ("add_table", "probe_only_in_models") in [(d[0], d[1].name) for d in noticed if d[0] == "add_table"]
        assert any(d[0] == "add_column" and d[3].name == "probe_column" for d in noticed if isinstance(d, tuple))


def test_downgrade_to_base_removes_every_table_and_upgrade_runs_again(
    database: tuple[str, dict[str, Any]],
) -> None:
    existing = logging.getLogger("tests.migrations.probe")
    with migration_app(database):
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        leftover = table_names() - {VERSION_TABLE}
        assert leftover == set(), f"tables left after downgrade to base: {sorted(leftover)}"
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() is None

        flask_migrate.upgrade()
        assert schema_differences() == []
    # migrations/env.py's fileConfig disabled it; kept_logging put it back
    assert not existing.disabled


BEFORE_INCIDENT_CODES = "4d5dd7cfdc1e"
INCIDENT_CODES = "b7c3e9a1d5f2"


def test_incidents_recorded_before_codes_become_the_detail_of_the_generic_code(
    database: tuple[str, dict[str, Any]],
) -> None:
    """A case in incident from the previous release keeps its English text, now as engine.unknown's detail."""
    with migration_app(database):
        flask_migrate.upgrade(revision=BEFORE_INCIDENT_CODES)
        now = "2026-01-05 10:00:00+00:00"
        with db.engine.begin() as connection:
            # Only this table matters here: its parents (appeal, version) are not what is migrated.
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for instance_id, status, error in ((1, "incident", "mark_accepted: NameError: x"), (2, "running", "")):
                connection.execute(
                    text(
                        "INSERT INTO process_instances (id, appeal_id, process_version_id, state, version, "
                        "is_completed, status, status_reason, incident_element, incident_error, last_progress_at, "
                        "created_at, updated_at) VALUES (:id, :id, 1, '{}', 1, false, :status, '', :element, :error, "
                        ":now, :now, :now)"
                    ),
                    {
                        "id": instance_id,
                        "status": status,
                        "element": "mark_accepted" if error else None,
                        "error": error,
                        "now": now,
                    },
                )
        # Up to the migration under test only: later ones re-check the parents left out above.
        flask_migrate.upgrade(revision=INCIDENT_CODES)
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, incident_code, incident_params FROM process_instances ORDER BY id")
            ).all()
        decoded = [(i, code, json.loads(p) if isinstance(p, str) else p) for i, code, p in rows]
        assert decoded == [(1, "engine.unknown", {"detail": "mark_accepted: NameError: x"}), (2, None, None)]


BEFORE_KEYED_ACCESS_CODES = "c5e1f0a2b3d4"


def _filler(column: dict[str, Any]) -> Any:
    """A value of the column's type, for the NOT NULL columns a raw test row must fill."""
    kind = str(column["type"]).upper()
    if "INT" in kind:
        return 1
    if "BOOL" in kind:
        return False
    if "TIMESTAMP" in kind or "DATETIME" in kind:
        return "2026-01-05 10:00:00+00:00"
    if "DATE" in kind:
        return "2026-01-05"
    if "JSON" in kind:
        return "{}"
    if "NUMERIC" in kind or "FLOAT" in kind:
        return 0
    return "x"


def test_access_codes_stored_before_are_keyed_and_still_work(database: tuple[str, dict[str, Any]]) -> None:
    """An appeal registered by the previous release (unkeyed SHA-256) is tracked with its code after the upgrade."""
    import hashlib

    from webapp.intake.public.service import tracked_appeal

    number, code = "2026-000042", "ABCD2345"
    with migration_app(database):
        flask_migrate.upgrade(revision=BEFORE_KEYED_ACCESS_CODES)
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            # The rows the appeal points at (a later migration re-checks its foreign keys on PostgreSQL).
            for table in ("regions", "districts", "mahallas", "users"):
                row = {c["name"]: _filler(c) for c in inspect(connection).get_columns(table) if not c["nullable"]}
                row["id"] = 1
                connection.execute(
                    text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + n for n in row)})"),  # noqa: S608
                    row,
                )
            columns = [c for c in inspect(connection).get_columns("appeals") if c["name"] != "id"]
            values = {c["name"]: _filler(c) for c in columns if not c["nullable"]}
            values.update(id=1, number=number, access_code_hash=hashlib.sha256(f"{number}:{code}".encode()).hexdigest())
            names = ", ".join(values)
            connection.execute(
                text(f"INSERT INTO appeals ({names}) VALUES ({', '.join(':' + n for n in values)})"),  # noqa: S608
                values,
            )
        flask_migrate.upgrade()
        stored = db.session.scalar(text("SELECT access_code_hash FROM appeals WHERE id = 1"))
        assert stored != hashlib.sha256(f"{number}:{code}".encode()).hexdigest()
        assert tracked_appeal(number, code) is not None
        assert tracked_appeal(number, "WRONG234") is None


BEFORE_ONE_RUNTIME = "e16a0b1c2d3e"


def _insert(connection: Any, table: str, **values: Any) -> None:
    """A row of the previous release's table: the given values, fillers for the other NOT NULL columns."""
    row = {c["name"]: _filler(c) for c in inspect(connection).get_columns(table) if not c["nullable"]}
    row.update(values)
    names = ", ".join(row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)  # noqa: S608


def test_plans_of_the_previous_release_run_on_the_one_case_runtime(database: tuple[str, dict[str, Any]]) -> None:
    """A plan stored by the previous release (its own state, task table and history) keeps its
    state, its waiting task and every event after the upgrade, and its task can then be completed."""
    from engine import Instance, content_hash
    from webapp.cases.models import PendingTask, ProcessInstance
    from webapp.cases.versions import library_of_files, read_process_directory
    from webapp.platform.auth.models import User
    from webapp.prevention.registry.journal import person_events
    from webapp.prevention.registry.plans import PLAN_PROCESS, complete_plan_task, tasks_of_plan

    with migration_app(database) as app:
        flask_migrate.upgrade(revision=BEFORE_ONE_RUNTIME)
        files = read_process_directory(Path(app.config["PROCESSES_DIR"]) / "prevention")
        instance = Instance.start(
            library_of_files(PLAN_PROCESS, files), {"phase": "draft", "cycle": 0, "checkins_in_cycle": 0}
        )
        (ready,) = instance.ready_user_tasks()
        with db.engine.begin() as connection:
            _insert(connection, "regions", id=1, code="R1")
            _insert(connection, "districts", id=1, code="D1", region_id=1)
            _insert(connection, "mahallas", id=1, code="M1", district_id=1)
            _insert(connection, "users", id=1, username="inspector", role="inspector", district_id=1, active=True)
            _insert(connection, "users", id=2, username="other", role="inspector", district_id=1, active=True)
            _insert(connection, "user_mahallas", user_id=1, mahalla_id=1)
            _insert(
                connection,
                "process_versions",
                id=1,
                process_id=PLAN_PROCESS,
                content_hash=content_hash(files),
                number=1,
                files=json.dumps(files),
                note="",
            )
            _insert(
                connection,
                "supervised_persons",
                id=1,
                mahalla_id=1,
                district_id=1,
                full_name="Karimov Jasur",
                status="active",
                responsible_inspector_id=1,
            )
            for plan_id, status in ((1, "drafting"), (2, "cancelled")):
                _insert(
                    connection,
                    "prevention_plans",
                    id=plan_id,
                    person_id=1,
                    mahalla_id=1,
                    district_id=1,
                    process_version_id=1,
                    state=instance.serialize(),
                    version=3,
                    cycle=0,
                    status=status,
                    extensions=0,
                    checkins_done=0,
                )
            _insert(
                connection,
                "prevention_plan_tasks",
                id=ready.id,
                plan_id=1,
                person_id=1,
                name=ready.name,
                title=ready.title,
                role="inspector",
                mahalla_id=1,
                district_id=1,
                assignee_id=1,
                due_date="2026-01-12",
            )
            for event_id, plan_id, kind in ((1, None, "registered"), (2, 2, "plan_opened"), (3, 2, "plan_cancelled")):
                _insert(
                    connection,
                    "prevention_events",
                    id=event_id,
                    person_id=1,
                    plan_id=plan_id,
                    kind=kind,
                    occurred_at=f"2026-01-0{event_id} 10:00:00+00:00",
                    data="{}",
                )
            _insert(connection, "prevention_events", id=4, person_id=1, plan_id=1, kind="plan_opened", data="{}")

        flask_migrate.upgrade()
        assert schema_differences() == []
        with db.engine.connect() as connection:
            instances = connection.execute(
                text(
                    "SELECT subject_kind, subject_id, appeal_id, process_version_id, version, status, is_completed "
                    "FROM process_instances ORDER BY subject_id"
                )
            ).all()
        assert [tuple(row) for row in instances] == [
            ("prevention_plan", 1, None, 1, 3, "running", False),
            ("prevention_plan", 2, None, 1, 3, "cancelled", False),
        ]
        (task,) = tasks_of_plan(1)
        assert (task.id, task.subject_kind, task.assignee_id, task.appeal_id) == (ready.id, "prevention_plan", 1, None)
        assert [(e.kind, e.subject_kind, e.subject_id) for e in person_events(1)] == [
            ("registered", "supervised_person", 1),
            ("plan_opened", "prevention_plan", 2),
            ("plan_cancelled", "prevention_plan", 2),
            ("plan_opened", "prevention_plan", 1),  # 2026-01-05: the filler's moment
        ]

        # The migrated plan runs on: its drafting task completes and the approval waits.
        inspector = db.session.get(User, 1)
        assert inspector is not None
        complete_plan_task(
            task,
            inspector,
            {"measure_talk": True, "plan_goals": "Har oy profilaktik suhbat o'tkazish.", "plan_months": 12},
        )
        assert list(db.session.scalars(select(PendingTask.name))) == ["approve_plan"]
        assert db.session.scalar(select(ProcessInstance.version).where(ProcessInstance.subject_id == 1)) == 4


BEFORE_NOTICES_ON_THE_RUNTIME = "d19b7e5a0002"


def test_notices_in_approval_of_the_previous_release_wait_in_the_shared_task_table(
    database: tuple[str, dict[str, Any]],
) -> None:
    """A notice the previous release kept in approval (its state and task id on its own row) waits
    as a pending task of the case runtime after the upgrade and can be approved; a reviewed notice
    keeps its completed instance and its decision in the event log."""
    from engine import Instance, content_hash
    from webapp.cases.instances import events_of
    from webapp.cases.models import PendingTask, ProcessInstance
    from webapp.cases.subjects import task_case
    from webapp.cases.versions import library_of_files, read_process_directory
    from webapp.cooperation.notices.approval import PROCESS, subject
    from webapp.cooperation.notices.models import PreventionNotice
    from webapp.cooperation.notices.service import review_notice
    from webapp.platform.auth.models import User

    with migration_app(database) as app:
        flask_migrate.upgrade(revision=BEFORE_NOTICES_ON_THE_RUNTIME)
        files = read_process_directory(Path(app.config["PROCESSES_DIR"]) / "notices")
        library = library_of_files(PROCESS, files)
        waiting = Instance.start(library, {"title": "Telefon firibgarligi"})
        (ready,) = waiting.ready_user_tasks()
        reviewed = Instance.start(library, {"title": "Eski xabarnoma"})
        reviewed.complete(next(iter(reviewed.ready_user_tasks())).id, {"notice_approved": False})
        with db.engine.begin() as connection:
            _insert(connection, "regions", id=1, code="R1")
            _insert(connection, "districts", id=1, code="D1", region_id=1)
            for mahalla_id in (1, 2):
                _insert(connection, "mahallas", id=mahalla_id, code=f"M{mahalla_id}", district_id=1)
            _insert(connection, "users", id=1, username="inspector", role="inspector", district_id=1, active=True)
            _insert(connection, "users", id=2, username="rahbar", role="supervisor", district_id=1, active=True)
            _insert(
                connection,
                "process_versions",
                id=1,
                process_id=PROCESS,
                content_hash=content_hash(files),
                number=1,
                files=json.dumps(files),
                note="",
            )
            for notice_id, status, state, task_id in (
                (1, "awaiting_approval", waiting.serialize(), ready.id),
                (2, "returned", reviewed.serialize(), None),
            ):
                extra = {"reviewer_id": 2, "reviewed_at": "2026-01-06 10:00:00+00:00"} if task_id is None else {}
                _insert(
                    connection,
                    "prevention_notices",
                    id=notice_id,
                    district_id=1,
                    author_id=1,
                    title=f"Xabarnoma {notice_id}",
                    status=status,
                    process_version_id=1,
                    state=state,
                    task_id=task_id,
                    review_comment="Aniqroq yozing." if task_id is None else "",
                    **extra,
                )
                for mahalla_id in (2, 1):
                    _insert(connection, "notice_mahallas", notice_id=notice_id, mahalla_id=mahalla_id)

        flask_migrate.upgrade()
        assert schema_differences() == []
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT subject_kind, subject_id, process_version_id, version, status, is_completed "
                    "FROM process_instances ORDER BY subject_id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            ("prevention_notice", 1, 1, 1, "running", False),
            ("prevention_notice", 2, 1, 1, "running", True),
        ]
        (task,) = db.session.scalars(select(PendingTask)).all()
        assert (task.id, task.name, task.role, task.district_id, task.mahalla_id, task.subject_id) == (
            ready.id,
            "approve_notice",
            "supervisor",
            1,
            1,
            1,
        )
        assert task.title == ready.title and task_case(task) == {"kind": "prevention_notice", "ref": "notice-1"}
        decided = [(e.kind, e.actor_id, e.data) for e in events_of(subject(2))]
        assert decided == [
            ("approval_started", 1, {}),
            ("task_completed", 2, {"notice_approved": False, "supervisor_comment": "Aniqroq yozing."}),
        ]

        # The migrated approval runs on: the supervisor approves the notice.
        supervisor = db.session.get(User, 2)
        notice = db.session.get(PreventionNotice, 1)
        assert supervisor is not None and notice is not None
        assert sorted(m.id for m in notice.mahallas) == [1, 2]  # SQLite's copy of the table kept them
        assert review_notice(notice, supervisor, True, "") == 0  # nobody subscribed
        assert db.session.get(PreventionNotice, 1).status == "approved"  # type: ignore[union-attr]
        assert db.session.scalars(select(PendingTask)).all() == []
        instance = db.session.scalar(select(ProcessInstance).where(ProcessInstance.subject_id == 1))
        assert instance is not None and instance.is_completed and instance.version == 2
