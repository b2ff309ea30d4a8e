"""The application's PostgreSQL sessions run without JIT compilation (webapp._postgresql_session),
and keep what the connection's own options set (here the test run's schema, as PGOPTIONS or the URL
would in a deployment)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from tests.conftest import require_postgres
from webapp.extensions import db


def test_postgresql_sessions_run_without_jit_and_keep_their_own_options(app: Flask) -> None:
    require_postgres(app)
    assert db.session.scalar(text("SHOW jit")) == "off"
    db.session.rollback()  # a rolled-back transaction does not undo it
    assert db.session.scalar(text("SHOW jit")) == "off"
    assert str(db.session.scalar(text("SHOW search_path"))).startswith("test_")  # the fixture's option
