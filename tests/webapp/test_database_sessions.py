"""The application's PostgreSQL sessions run without JIT compilation (webapp._postgresql_sessions)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from tests.conftest import require_postgres
from webapp import create_app
from webapp.extensions import db


def test_postgresql_sessions_run_without_jit(app: Flask) -> None:
    require_postgres(app)
    assert db.session.scalar(text("SHOW jit")) == "off"
    db.session.rollback()  # a new transaction of the same session keeps it
    assert db.session.scalar(text("SHOW jit")) == "off"


def _options(uri: str, engine_options: dict[str, Any]) -> dict[str, Any]:
    app = create_app(
        {"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": uri, "SQLALCHEMY_ENGINE_OPTIONS": engine_options}
    )
    return dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])


def test_own_connect_options_are_kept_beside_it_and_sqlite_gets_none() -> None:
    postgresql = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    own = {"connect_args": {"options": "-c work_mem=64MB"}, "pool_recycle": 60}
    assert _options(postgresql, own) == {"connect_args": {"options": "-c work_mem=64MB -c jit=off"}, "pool_recycle": 60}
    chosen = {"connect_args": {"options": "-c jit=on"}}
    assert _options(postgresql, chosen) == chosen  # an operator's own jit setting wins
    assert _options("sqlite://", {"pool_recycle": 60}) == {"pool_recycle": 60}
