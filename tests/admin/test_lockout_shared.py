"""The lockout is shared by every worker when RATELIMIT_STORAGE_URI points at Redis: failures
recorded by one process lock the account in another (two separate Python processes here, as two
gunicorn workers would be)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# A worker: the app's configuration and rate limiter (not the whole app: start-up stays quick).
WORKER = """
import sys
from flask import Flask
from webapp.config import from_environment
from webapp.extensions import limiter
from webapp.platform.auth import lockout
app = Flask("worker")
app.config.update(from_environment({"SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": sys.argv[1]}))
limiter.init_app(app)
with app.app_context():
    for action in sys.argv[2].split(","):
        if action == "fail":
            for _ in range(10):
                lockout.record_failure(sys.argv[3], "10.1.1.1")
        elif action == "lift":
            lockout.lift(sys.argv[3])
        print("locked" if lockout.lock_of(sys.argv[3], "10.2.2.2").locked else "open")
"""


def worker(actions: str, username: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, REDIS, actions, username],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return result.stdout.strip().splitlines()


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_failures_in_one_worker_lock_the_account_in_another() -> None:
    if not redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS}")
        pytest.skip(f"needs Redis at {REDIS}")
    username = f"shared-{uuid.uuid4().hex[:8]}"
    assert worker("check,fail", username) == ["open", "locked"]
    assert worker("check,lift", username) == ["locked", "open"]  # another process sees it, and lifts it
