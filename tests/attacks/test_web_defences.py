"""The web defences: security headers and a strict CSP, Secure cookies under HTTPS, spreadsheet
formulas neutralised in every export, access codes stored with a keyed hash, a lost database
answered 503 in the user's language (never 500)."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, login
from tests.prevention.conftest import xlsx_text
from tests.webapp.cases import register
from webapp import create_app
from webapp.casework.appeals.service import access_code_digest
from webapp.config import from_environment
from webapp.intake.public.service import tracked_appeal
from webapp.platform.security.startup import gunicorn_workers, per_process_limit_warning
from webapp.platform.tabular import csv_chunks, neutralise, write_xlsx

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
_TEXT = re.compile(r"<t[^>]*>(.*?)</t>", re.S)
HOSTILE_CELLS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_html_pages_carry_a_strict_csp_and_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    api = client.get("/api/v1/openapi.json")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handlers() -> None:
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders.extend(f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text))
        offenders.extend(f"{template.name}: javascript:" for _ in re.findall(r"javascript:", text))
    assert offenders == []


def test_cookies_are_secure_by_default_under_https(app: Flask, client: FlaskClient, world: World) -> None:
    assert from_environment({"PREFERRED_URL_SCHEME": "https"})["SESSION_COOKIE_SECURE"] is True
    assert from_environment({"PREFERRED_URL_SCHEME": "https"})["REMEMBER_COOKIE_SECURE"] is True
    assert from_environment({})["SESSION_COOKIE_SECURE"] is False
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        login(client, world.inspector.username)
        cookies = [v for k, v in client.get("/").headers.items() if k == "Set-Cookie"]
        cookies += [c for c in client._cookies.values()]  # type: ignore[attr-defined]
        assert all(getattr(c, "secure", True) for c in cookies if not isinstance(c, str))
        assert all("Secure" in c for c in cookies if isinstance(c, str))
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_formula_cells_are_neutralised_in_csv_and_xlsx(cell: str, tmp_path: Path) -> None:
    assert neutralise(cell) == "'" + cell
    text = "".join(csv_chunks(["name"], [[cell], ["Aliyev Vali"], [-5]]))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1:] == [["'" + cell], ["Aliyev Vali"], ["-5"]]
    target = tmp_path / "t.xlsx"
    write_xlsx(str(target), ["name"], [[cell]])
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet
    texts = [html.unescape(t).replace("_x000D_", "\r").replace("_x0009_", "\t") for t in _TEXT.findall(sheet)]
    assert texts == ["name", "'" + cell]


def test_a_citizen_name_with_a_formula_stays_text_in_the_appeals_export(world: World, login_as: Any) -> None:
    register(world, applicant_name=HOSTILE_CELLS[0])
    client = login_as(world.supervisor)
    response = client.get("/exports/appeals?format=csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
    xml = xlsx_text(client.get("/exports/appeals?format=xlsx"))
    assert "<f>" not in xml and "&apos;=HYPERLINK" in xml.replace("'=", "&apos;=")


def test_access_codes_are_stored_with_a_keyed_hash(app: Flask, world: World) -> None:
    appeal = register(world)
    code = appeal.issued_access_code
    plain = hashlib.sha256(f"{appeal.number}:{code}".encode()).hexdigest()
    assert appeal.access_code_hash != plain  # not the fast unkeyed hash of ~40 bits
    assert appeal.access_code_hash == access_code_digest(appeal.number, code)
    assert tracked_appeal(appeal.number, code) is not None
    previous = app.config.get("ACCESS_CODE_KEY", "")
    app.config["ACCESS_CODE_KEY"] = "another server's secret"
    try:
        assert access_code_digest(appeal.number, code) != appeal.access_code_hash
        assert tracked_appeal(appeal.number, code) is None
    finally:
        app.config["ACCESS_CODE_KEY"] = previous


@pytest.mark.parametrize(
    ("argv", "env", "workers"),
    [
        (["/srv/.venv/bin/gunicorn", "--workers", "3", "webapp.wsgi:app"], {}, 3),
        (["gunicorn", "-w4", "webapp.wsgi:app"], {}, 4),
        (["gunicorn", "--workers=2", "webapp.wsgi:app"], {}, 2),
        (["gunicorn", "webapp.wsgi:app"], {"WEB_CONCURRENCY": "5"}, 5),
        (["gunicorn", "webapp.wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 6"}, 6),
        (["mahalla", "run"], {"WEB_CONCURRENCY": "5"}, 1),
    ],
)
def test_start_up_knows_how_many_gunicorn_workers_count_alone(argv: list[str], env: dict, workers: int) -> None:
    assert gunicorn_workers(argv, env) == workers
    warning = per_process_limit_warning(argv, env, "memory://")
    assert (warning is not None) is (workers > 1)
    assert per_process_limit_warning(argv, env, "redis://127.0.0.1:6379/0") is None


@pytest.fixture
def app_without_database(tmp_path: Path) -> Flask:
    """The app pointed at a PostgreSQL server that does not answer (a closed local port)."""
    return create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )


@pytest.mark.parametrize(("language", "phrase"), [("ru", "База данных"), ("uz", "bazasiga hozir ulanib")])
def test_a_lost_database_is_answered_503_in_the_users_language(
    app_without_database: Flask, language: str, phrase: str
) -> None:
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["lang"] = language
    page = client.get("/murojaat")  # the public form lists the mahallas from the database
    assert page.status_code == 503
    assert phrase in page.get_data(as_text=True)
    api = client.get("/api/v1/public/appeals/2026-000001?code=ABCDEFGH")
    assert api.status_code == 503
    assert api.get_json()["error"]["status"] == 503


def _pooled_backend_pids() -> list[int]:
    from webapp.extensions import db

    db.session.remove()
    connections = [db.engine.connect() for _ in range(max(1, db.engine.pool.checkedin()))]
    try:
        return [int(c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()) for c in connections]
    finally:
        for connection in connections:
            connection.close()


def _drop_the_pool_s_connections() -> None:
    """The server ends every connection of the app's pool (as a restarted database or proxy would)."""
    from sqlalchemy import create_engine

    from webapp.extensions import db

    pids = _pooled_backend_pids()
    killer = create_engine(db.engine.url)
    try:
        with killer.connect() as connection:
            for pid in pids:
                connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    finally:
        killer.dispose()


@pytest.mark.postgres
def test_a_dropped_connection_is_retried_for_reads_and_answered_503_for_writes(
    app: Flask, world: World, login_as: Any
) -> None:
    from tests.conftest import require_postgres
    from webapp.platform.auth.service import issue_token

    require_postgres(app)
    client = login_as(world.supervisor)
    assert client.get("/prevention/monitoring").status_code == 200
    _drop_the_pool_s_connections()
    assert client.get("/prevention/monitoring").status_code == 200  # retried once on a fresh connection
    token = issue_token(world.inspector, "drop")
    from webapp.extensions import db

    db.session.commit()
    _drop_the_pool_s_connections()
    write = client.post("/api/v1/appeals", json={"text": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert write.status_code == 503  # a write is never repeated behind the user's back
    assert write.get_json()["error"]["status"] == 503
    assert client.get("/prevention/monitoring").status_code == 200  # and the app recovers


@pytest.mark.parametrize("value", ["²", "¹²", "٣", "9" * 40, "-1", "1e9", "\x00", "%"])
def test_odd_digits_in_query_filters_are_refused_or_ignored_never_500(world: World, login_as: Any, value: str) -> None:
    """Found by the long fuzz pass: "²".isdigit() is true, int("²") fails."""
    from webapp.extensions import db
    from webapp.platform.auth.service import issue_token

    token = issue_token(world.supervisor, "odd")
    db.session.commit()
    client = login_as(world.supervisor)
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/supervision/stuck", "/api/v1/supervision/overdue"):
        for name in ("stage", "district", "mahalla", "days"):
            assert client.get(path, query_string={name: value}, headers=headers).status_code < 500
    for path in ("/supervision", "/prevention/youth/new", "/prevention/monitoring"):
        assert client.get(path, query_string={"mahalla": value, "stage": value, "district": value}).status_code < 500
