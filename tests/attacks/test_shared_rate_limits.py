"""Rate limits across gunicorn workers: shared through Redis when RATELIMIT_STORAGE_URI points
there, and a warning at start-up when several workers count alone (memory://). Real gunicorn,
real Redis (127.0.0.1:6379), real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from webapp import create_app
from webapp.extensions import db

pytestmark = pytest.mark.attack
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'limits.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "limits"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@contextmanager
def gunicorn(database: str, storage: str, log: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "limits",
        # The demo settings: production refuses SQLite under several workers, which is all this needs.
        "MAHALLA_DEMO": "1",
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "TRACKING_IP_LIMIT": "3/hour",
    }
    env.pop("TEST_DATABASE_URL", None)
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "webapp.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/login", timeout=10)  # noqa: S310 - loopback test server
                    break
                except (urllib.error.URLError, OSError):
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_wrong_tracking_codes_are_counted_across_workers_in_redis(database: str, tmp_path: Path) -> None:
    if not _redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    with gunicorn(database, "redis://127.0.0.1:6379/0", tmp_path / "redis.log") as base:
        statuses = [_status(f"{base}/api/v1/public/appeals/2026-{n:06d}?code=WRONG") for n in range(8)]
    assert statuses == [404, 404, 404, 429, 429, 429, 429, 429]
    assert "RATELIMIT_STORAGE_URI" not in (tmp_path / "redis.log").read_text()


def test_several_workers_with_per_process_limits_log_a_warning(database: str, tmp_path: Path) -> None:
    with gunicorn(database, "memory://", tmp_path / "memory.log"):
        pass
    log = (tmp_path / "memory.log").read_text()
    assert "gunicorn runs 2 workers but RATELIMIT_STORAGE_URI is memory://" in log
