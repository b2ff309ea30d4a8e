"""Exactly once with several real workers: two processes racing over the same due cases on
PostgreSQL, and Celery workers fed through Redis. Both skip outside CI when the services are
unreachable, and fail in CI (CI=true).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import World, require_postgres
from tests.webapp.cases import drive_to, register
from webapp.cases.models import CaseEvent, PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.timer_data import overdue_at
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CASES = 6
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379

# One worker: fire due timers one case at a time until three rounds in a row find nothing due.
WORKER = """
import json, sys, time, datetime as dt
from pathlib import Path
from webapp import create_app
from webapp.cases.timer_service import fire_due_timers
app = create_app()
now, go = dt.datetime.fromisoformat(sys.argv[1]), Path(sys.argv[2])
fired, idle = [], 0
with app.app_context():
    while not go.exists():
        time.sleep(0.01)
    while idle < 3:
        run = fire_due_timers(now=now, limit=1)
        fired += run.fired
        idle = 0 if run.fired or run.conflicts else idle + 1
print(json.dumps(fired))
"""


def worker_environment(app: Flask) -> dict[str, str]:
    """The app's database (and this run's private schema, via libpq's PGOPTIONS) for subprocesses."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options", "")
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PGOPTIONS": options,
        "SECRET_KEY": "test-secret",
        "PYTHONPATH": str(ROOT),
    }


def overdue_cases(world: World) -> tuple[list[Appeal], dt.datetime]:
    appeals = []
    for _ in range(CASES):
        appeal = register(world)
        drive_to(world, appeal, "analyse_appeal")
        appeals.append(appeal)
    return appeals, max(overdue_at(a.deadline) for a in appeals) + dt.timedelta(hours=1)


def assert_escalated_once(appeals: list[Appeal]) -> None:
    db.session.expire_all()
    ids = [a.id for a in appeals]
    per_case = dict(
        db.session.execute(
            select(PendingTask.appeal_id, func.count())
            .where(PendingTask.appeal_id.in_(ids), PendingTask.name == "review_overdue_case")
            .group_by(PendingTask.appeal_id)
        ).all()
    )
    assert per_case == dict.fromkeys(ids, 1)
    events = dict(
        db.session.execute(
            select(CaseEvent.appeal_id, func.count())
            .where(CaseEvent.appeal_id.in_(ids), CaseEvent.kind == "case_escalated")
            .group_by(CaseEvent.appeal_id)
        ).all()
    )
    assert events == dict.fromkeys(ids, 1)


def test_two_worker_processes_fire_each_timer_once(app: Flask, world: World, tmp_path: Path) -> None:
    require_postgres(app)
    appeals, now = overdue_cases(world)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, now.isoformat(), str(go)],
            env=worker_environment(app),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    fired = results[0] + results[1]
    assert sorted(fired) == sorted(a.number for a in appeals)  # every case once, by one worker
    assert_escalated_once(appeals)


def redis_db_or_skip() -> int:
    import redis

    number = 1 + os.getpid() % 15
    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable in CI: {exc}")
        pytest.skip(f"needs Redis at {REDIS_HOST}:{REDIS_PORT}: {exc}")
    return number


@pytest.fixture
def celery_workers(app: Flask) -> Iterator[dict[str, Any]]:
    """Two real Celery workers on a queue and Redis database of this test run's own."""
    require_postgres(app)
    number = redis_db_or_skip()
    broker = f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    queue = f"mahalla-test-{uuid.uuid4().hex[:8]}"
    env = {**worker_environment(app), "CELERY_BROKER_URL": broker, "CELERY_QUEUE": queue}
    celery = str(Path(sys.executable).with_name("celery"))
    workers = [
        subprocess.Popen(
            [
                celery,
                "-A",
                "webapp.platform.jobs.celery_app",
                "worker",
                "-Q",
                queue,
                "--pool=solo",
                "-n",
                f"{queue}-{i}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    try:
        yield {"broker": broker, "queue": queue}
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number).delete(queue)


def test_celery_workers_with_redis_escalate_once(world: World, celery_workers: dict[str, Any]) -> None:
    from celery import Celery

    appeals, now = overdue_cases(world)
    client = Celery("mahalla-test", broker=celery_workers["broker"], backend=celery_workers["broker"])
    sent = [
        client.send_task("mahalla.fire_due_timers", kwargs={"now": now.isoformat()}, queue=celery_workers["queue"])
        for _ in range(2)
    ]
    results = [result.get(timeout=120) for result in sent]
    for result in sent:
        result.forget()

    fired = results[0]["fired"] + results[1]["fired"]
    assert sorted(fired) == sorted(a.number for a in appeals)
    assert_escalated_once(appeals)
