"""/healthz, /readyz, /metrics, request ids and JSON logs, and the refusal of unsafe production settings."""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user
from tests.test_migrations import kept_logging
from webapp import create_app
from webapp.extensions import db
from webapp.platform.auth.models import Role
from webapp.platform.auth.service import hash_password
from webapp.platform.observability import logs
from webapp.platform.observability.safety import (
    UnsafeConfiguration,
    configuration_problems,
    refuse_unsafe_configuration,
)


@pytest.fixture
def migrated(tmp_path: Path) -> Any:
    """An app on a database built by the migrations (as production runs), on SQLite."""
    from flask_migrate import upgrade

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"}
    )
    with app.app_context(), warnings.catch_warnings(), kept_logging():
        # migrations/env.py asks Flask-Migrate's db.get_engine() (see tests/test_migrations.py).
        warnings.filterwarnings("ignore", "'get_engine' is deprecated", DeprecationWarning)
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_without_login(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_readyz_is_ready_on_a_migrated_database(migrated: Flask) -> None:
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_readyz_names_migrations_behind(migrated: Flask) -> None:
    with migrated.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = 'b7c3e9a1d5f2'"))
        db.session.commit()
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["migrations"] and "mahalla db upgrade" in body["checks"]["migrations"]


def test_readyz_names_an_unreachable_database_and_broker(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "ATTACHMENTS_DIR": str(tmp_path / "a"),
            "EXPORTS_DIR": str(tmp_path / "e"),
            "MAIL_DIR": str(tmp_path / "m"),
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["database", "broker"]
    assert body["checks"]["database"].startswith("fail: unreachable")


def test_metrics_are_open_in_the_demo(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAHALLA_DEMO", True)
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in (
        "mahalla_http_requests_total",
        "mahalla_http_request_duration_seconds",
        "mahalla_task_completions_total",
        "mahalla_engine_step_errors_total",
        "mahalla_outbox_queue_depth",
        "mahalla_outbox_failed_messages",
        "mahalla_due_timer_lag_seconds",
        "mahalla_job_runs_total",
        "mahalla_job_failures_total",
    ):
        assert name in text, name
    assert 'endpoint="observability.healthz"' in text


@pytest.mark.parametrize(
    ("settings", "headers", "status"),
    [
        ({}, {}, 404),
        ({"METRICS_TOKEN": "s3cret"}, {}, 404),
        ({"METRICS_TOKEN": "s3cret"}, {"Authorization": "Bearer wrong"}, 404),
        ({"METRICS_TOKEN": "s3cret"}, {"Authorization": "Bearer s3cret"}, 200),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8"}, {}, 404),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, 127.0.0.1/32"}, {}, 200),
    ],
)
def test_metrics_are_protected_in_production(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, settings: dict, headers: dict, status: int
) -> None:
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    assert client.get("/metrics", headers=headers).status_code == status


def test_the_request_id_is_taken_or_made_and_returned(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    odd = client.get("/healthz", headers={"X-Request-ID": "no spaces <allowed>"}).headers["X-Request-ID"]
    assert odd != "no spaces <allowed>" and len(odd) == 32


def test_json_log_lines_carry_the_request_id(app: Flask) -> None:
    record = logging.LogRecord("mahalla.test", logging.WARNING, __file__, 1, "outbox %s", ("stuck",), None)
    with app.test_request_context("/x", headers={"X-Request-ID": "rid-7"}):
        from flask import g

        g.request_id = "rid-7"
        logs.RequestIdFilter().filter(record)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == "rid-7" and line["message"] == "outbox stuck" and line["level"] == "WARNING"


PRODUCTION = {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/m"}


@pytest.mark.parametrize(
    ("settings", "workers", "named"),
    [
        ({"SECRET_KEY": None}, 1, "SECRET_KEY is not set"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///m.sqlite3"}, 2, "DATABASE_URL is SQLite while gunicorn runs 2 workers"),
        (
            {"PREFERRED_URL_SCHEME": "https", "SESSION_COOKIE_SECURE_SETTING": "0"},
            1,
            "SESSION_COOKIE_SECURE=0 while PREFERRED_URL_SCHEME=https",
        ),
    ],
)
def test_unsafe_settings_are_named(settings: dict, workers: int, named: str) -> None:
    [problem] = configuration_problems({**PRODUCTION, **settings}, web_workers=workers)
    assert problem.startswith(named)


def test_safe_settings_and_the_demo_pass() -> None:
    assert configuration_problems({**PRODUCTION, "PREFERRED_URL_SCHEME": "https"}, web_workers=4) == []
    assert configuration_problems({"MAHALLA_DEMO": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, web_workers=4) == []
    assert configuration_problems({**PRODUCTION, "SQLALCHEMY_DATABASE_URI": "sqlite:///m"}, web_workers=1) == []


def test_https_makes_the_session_cookie_secure_by_default() -> None:
    from webapp.config import from_environment

    assert from_environment({"PREFERRED_URL_SCHEME": "https"})["SESSION_COOKIE_SECURE"] is True
    assert from_environment({})["SESSION_COOKIE_SECURE"] is False


def test_demo_accounts_outside_the_demo_are_refused(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "TESTING", False)
    make_user("admin", Role.ADMIN)  # a demo user name, with another password: fine
    db.session.commit()
    refuse_unsafe_configuration(app, web_workers=1)
    make_user("adviser1", Role.YOUTH_ADVISER).password_hash = hash_password("demo")
    db.session.commit()
    with pytest.raises(UnsafeConfiguration, match=r"demo accounts with the demo password exist \(adviser1\)"):
        refuse_unsafe_configuration(app, web_workers=1)
    monkeypatch.setitem(app.config, "MAHALLA_DEMO", True)
    refuse_unsafe_configuration(app, web_workers=1)


def test_the_factory_refuses_a_missing_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MAHALLA_DEMO", raising=False)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is not set"):
        create_app()
