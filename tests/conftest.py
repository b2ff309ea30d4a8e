"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), a small world.

Each test starts from empty tables; ``world`` builds a region with two districts, three
mahallas and one user of each kind. Fixtures build on each other: app → client → login.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from webapp import create_app
from webapp.extensions import db, limiter
from webapp.platform.auth.models import Role, User
from webapp.platform.auth.service import hash_password
from webapp.platform.territory.models import District, Mahalla, Region

PASSWORD = "secret-pass"
_PASSWORD_HASH = hash_password(PASSWORD)
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def is_postgres(app: Flask) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


def require_postgres(app: Flask) -> None:
    """Skip outside CI when PostgreSQL is not configured; in CI a missing database is a failure."""
    if is_postgres(app):
        return
    if os.environ.get("CI") == "true" and os.environ.get("TEST_DATABASE_URL"):
        pytest.fail("TEST_DATABASE_URL is set in CI but the app is not on PostgreSQL")
    pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test")


def _private_schema(url: str) -> Iterator[dict[str, Any]]:
    """On PostgreSQL, a schema of this test run's own, so concurrent runs never meet."""
    if not url.startswith("postgresql"):
        yield {}
        return
    import psycopg

    schema = f"test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = database_url(tmp_path_factory.mktemp("db"))
    mailbox = tmp_path_factory.mktemp("mailbox")
    schema = _private_schema(url)
    engine_config = next(schema)
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "SERVER_NAME": "localhost",
            "MAIL_DIR": str(mailbox),
            **engine_config,
        }
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    next(schema, None)


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        # Deleting appeals and timings fires the rollup triggers: empty the rollups after them.
        for name in ("appeal_rollups", "task_rollups"):
            db.session.execute(db.metadata.tables[name].delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        limiter.reset()  # rate limits and sign-in lockouts do not leak into the next test


@dataclass
class World:
    region: Region
    district: District
    other_district: District
    mahalla: Mahalla
    second_mahalla: Mahalla
    foreign_mahalla: Mahalla
    inspector: User
    inspector2: User
    foreign_inspector: User
    supervisor: User
    foreign_supervisor: User
    region_supervisor: User
    methodologist: User
    admin: User


def make_user(username: str, role: Role, **fields: Any) -> User:
    user = User(username=username, full_name=username.title(), role=role.value, password_hash=_PASSWORD_HASH, **fields)
    db.session.add(user)
    return user


@pytest.fixture
def world(app_context: None) -> World:
    region = Region(code="R1", name="Toshkent shahri")
    district = District(code="D1", name="Chilonzor tumani", region=region)
    other = District(code="D2", name="Yunusobod tumani", region=region)
    mahalla = Mahalla(code="M1", name="Bunyodkor MFY", district=district)
    second = Mahalla(code="M2", name="Qatortol MFY", district=district)
    foreign = Mahalla(code="M3", name="Bodomzor MFY", district=other)
    db.session.add_all([region, district, other, mahalla, second, foreign])
    result = World(
        region=region,
        district=district,
        other_district=other,
        mahalla=mahalla,
        second_mahalla=second,
        foreign_mahalla=foreign,
        inspector=make_user("inspector1", Role.INSPECTOR, mahallas=[mahalla]),
        inspector2=make_user("inspector2", Role.INSPECTOR, mahallas=[second]),
        foreign_inspector=make_user("inspector3", Role.INSPECTOR, mahallas=[foreign]),
        supervisor=make_user("supervisor", Role.SUPERVISOR, district=district),
        foreign_supervisor=make_user("supervisor2", Role.SUPERVISOR, district=other),
        region_supervisor=make_user("cityhead", Role.SUPERVISOR, region=region),
        methodologist=make_user("methodologist", Role.METHODOLOGIST),
        admin=make_user("admin", Role.ADMIN),
    )
    db.session.commit()
    return result


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


_PER_REQUEST = re.compile(r'(name="csrf_token"[^>]*value=|csrf-token" content=|nonce=)"[^"]*"')


def without_tokens(html: str) -> str:
    """The page with what changes from one request to the next blanked: CSRF tokens (signed with
    the second they were made) and script nonces. For comparing two renderings of a page."""
    return _PER_REQUEST.sub(r'\1""', html)


def submit_form(client: FlaskClient, url: str, data: dict[str, Any], *, follow: bool = False) -> Any:
    """GET the page, take the CSRF token from its form, POST the data as a browser would."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} gave {page.status_code}"
    payload = {"csrf_token": csrf_token(page.get_data(as_text=True)), **data}
    return client.post(url, data=payload, follow_redirects=follow)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    response = submit_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def login_as(client: FlaskClient, world: World) -> Any:
    def _login(user: User) -> FlaskClient:
        login(client, user.username)
        return client

    return _login
