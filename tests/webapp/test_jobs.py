"""The background jobs and their in-process scheduler (``mahalla run`` / ``mahalla worker``)."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from tests.conftest import World
from tests.webapp.cases import register
from webapp.cli import _group
from webapp.extensions import db
from webapp.platform.jobs.registry import JOBS, Job
from webapp.platform.jobs.scheduler import Scheduler
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.service import queue_message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_jobs_run_on_their_intervals(app: Flask) -> None:
    calls: list[str] = []
    clock = Clock()
    scheduler = Scheduler(
        app, [Job("often", lambda: calls.append("often"), 10), Job("rarely", lambda: calls.append("rarely"), 60)], clock
    )
    assert scheduler.run_due() == ["often", "rarely"]
    clock.now += 5
    assert scheduler.run_due() == []
    clock.now += 6
    assert scheduler.run_due() == ["often"]
    clock.now += 60
    assert scheduler.run_due() == ["often", "rarely"]
    assert calls == ["often", "rarely", "often", "often", "rarely"]


def test_a_failing_job_is_logged_and_the_others_still_run(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler(app, [Job("broken", broken, 1), Job("fine", lambda: calls.append("fine"), 1)], Clock())
    assert scheduler.run_due() == ["broken", "fine"]
    assert calls == ["fine"]
    assert "job broken failed" in caplog.text


def test_the_notifications_job_delivers_the_outbox(app: Flask, world: World) -> None:
    appeal = register(world)
    queue_message(appeal, "sms", "+998 90 111 22 33", "Murojaatingiz roʻyxatga olindi.")
    db.session.commit()

    assert Scheduler(app, JOBS, Clock()).run_due() == [job.name for job in JOBS]

    db.session.expire_all()
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.recipient == "+998 90 111 22 33"))
    assert list(statuses) == ["stored"]


def test_the_background_thread_runs_jobs_until_stopped(app: Flask) -> None:
    ran = threading.Event()
    scheduler = Scheduler(app, [Job("signal", ran.set, 0.01)])
    scheduler.start(tick_seconds=0.01)
    try:
        assert ran.wait(5), "the scheduler thread did not run the job"
    finally:
        scheduler.stop()
    assert scheduler._thread is not None and not scheduler._thread.is_alive()


def test_worker_and_run_commands_are_offered() -> None:
    result = CliRunner().invoke(_group(), ["--help"])
    assert result.exit_code == 0
    assert "worker" in result.output and "run" in result.output
    run_help = CliRunner().invoke(_group(), ["run", "--help"])
    assert "--no-jobs" in run_help.output


def test_every_registry_job_is_a_celery_task_on_the_beat_schedule() -> None:
    from webapp.platform.jobs.celery_app import celery_app

    names = {f"mahalla.{job.name}" for job in JOBS}
    assert names <= set(celery_app.tasks)
    assert {entry["task"] for entry in celery_app.conf.beat_schedule.values()} == names
