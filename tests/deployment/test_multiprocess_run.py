"""The documented multi-process run on PostgreSQL and Redis: gunicorn (two workers), one Celery
worker and one beat, started as real processes. An appeal filed over HTTP has its notification
delivered by the worker, and a due timer of the case is fired by the worker (scheduled by beat).
Skips outside CI when PostgreSQL or Redis is missing; fails in CI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import select, update

from tests.conftest import World, require_postgres
from tests.deployment.conftest import ROOT, gunicorn, request, server_environment, wait_until
from tests.webapp.cases import drive_to
from tests.webapp.test_timer_workers import REDIS_HOST, REDIS_PORT, redis_db_or_skip
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.service import issue_token
from webapp.platform.notifications.models import OutboxMessage

WAIT = 180  # seconds; generous for a loaded CI machine (here it takes a few)


@contextmanager
def celery(env: dict[str, str], queue: str, tmp_path: Path) -> Iterator[None]:
    command = [sys.executable, "-m", "celery", "-A", "webapp.platform.jobs.celery_app"]
    logs = [(tmp_path / "worker.log").open("wb"), (tmp_path / "beat.log").open("wb")]
    processes = [
        subprocess.Popen(
            [*command, "worker", "-Q", queue, "--pool=solo", "-n", f"{queue}@%h", "--loglevel=info"],
            cwd=ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [*command, "beat", "--schedule", str(tmp_path / "beat-schedule"), "--loglevel=info"],
            cwd=ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        for log in logs:
            log.close()


def outbox_of(appeal_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(OutboxMessage.status, OutboxMessage.recipient).where(OutboxMessage.appeal_id == appeal_id)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def escalated(appeal_id: int) -> bool:
    db.session.expire_all()
    found = db.session.scalar(
        select(PendingTask.id).where(PendingTask.appeal_id == appeal_id, PendingTask.name == "review_overdue_case")
    )
    db.session.rollback()
    return found is not None


def test_gunicorn_celery_worker_and_beat_deliver_and_fire(app: Flask, world: World, tmp_path: Path) -> None:
    require_postgres(app)
    number = redis_db_or_skip()
    world.inspector.email = "inspector1@example.uz"
    db.session.commit()
    token = issue_token(world.inspector, "test")
    queue = f"mahalla-test-{uuid.uuid4().hex[:8]}"
    env = server_environment(
        app,
        tmp_path,
        CELERY_BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}",
        CELERY_QUEUE=queue,
        MAHALLA_JOB_INTERVAL_FACTOR="0.05",  # every job every 0.25-1.5 s instead of 5-30 s
    )
    try:
        with gunicorn(env, 2, tmp_path / "gunicorn.log") as port, celery(env, queue, tmp_path):
            status, _headers, body = request(
                port,
                "POST",
                "/api/v1/appeals",
                body={
                    "applicant_name": "Aliyev Vali",
                    "applicant_phone": "+998901234567",
                    "text": "Ko'chadagi chiroqlar yonmayapti, kechqurun xavfli bo'lib qoldi.",
                    "mahalla": world.mahalla.code,
                    "kind": "ariza",
                    "address": "Bunyodkor ko'chasi 1",
                    "anonymous": False,
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert status == 201, body
            appeal = db.session.scalar(select(Appeal).order_by(Appeal.id.desc()))
            assert appeal is not None
            appeal_id = appeal.id

            # 1. The worker delivers what the registration queued (the assignee's e-mail).
            delivered = wait_until(
                lambda: (rows := outbox_of(appeal_id)) and all(s in ("stored", "sent") for s, _ in rows) and rows,
                WAIT,
                f"outbox not delivered: {outbox_of(appeal_id)}",
            )
            assert ("stored", "inspector1@example.uz") in delivered

            # 2. The case's legal deadline has passed: beat schedules fire_due_timers, the worker fires it.
            drive_to(world, appeal, "analyse_appeal")
            db.session.execute(
                update(Appeal.__table__)
                .where(Appeal.id == appeal_id)
                .values(deadline=dt.date.today() - dt.timedelta(days=3))
            )
            db.session.execute(
                update(ProcessInstance.__table__)
                .where(ProcessInstance.appeal_id == appeal_id)
                .values(next_timer_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
            )
            db.session.commit()
            wait_until(lambda: escalated(appeal_id), WAIT, "the overdue timer did not fire")
            kinds = set(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.appeal_id == appeal_id)))
            assert {"timers_fired", "case_escalated"} <= kinds
            # The broker is checked because it is configured (the schema here is made without migrations).
            checks = json.loads(request(port, "GET", "/readyz")[2])["checks"]
            assert (checks["database"], checks["broker"]) == ("ok", "ok")
    finally:
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number).delete(queue)
    for log in ("gunicorn.log", "worker.log", "beat.log"):
        assert "Traceback" not in (tmp_path / log).read_text(errors="replace"), log
