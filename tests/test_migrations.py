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
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, text

from webapp import create_app
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


def schema_differences(metadata: MetaData | None = None) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
        return set(inspect(connection).get_table_names())


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
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, incident_code, incident_params FROM process_instances ORDER BY id")
            ).all()
        decoded = [(i, code, json.loads(p) if isinstance(p, str) else p) for i, code, p in rows]
        assert decoded == [(1, "engine.unknown", {"detail": "mark_accepted: NameError: x"}), (2, None, None)]
