"""The background jobs on Celery, for multi-node deployments (the Redis broker).

The same idempotent job functions as the in-process scheduler (webapp/platform/jobs/registry.py JOBS),
one Celery task each, scheduled by ``celery beat`` at the same intervals. Each task runs in an
app context of its own; several workers may run at once (timers still fire exactly once, see
webapp/cases/timer_service.py). Commands (see README):

    celery -A webapp.platform.jobs.celery_app worker --loglevel=info
    celery -A webapp.platform.jobs.celery_app beat

Settings from the environment: CELERY_BROKER_URL (default redis://127.0.0.1:6379/0),
CELERY_RESULT_BACKEND (default: the broker URL), CELERY_QUEUE (default "mahalla").
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from celery import Celery
from celery.signals import task_failure, task_prerun
from flask import Flask

from webapp.platform.jobs.registry import JOBS, Job

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
QUEUE = os.environ.get("CELERY_QUEUE", "mahalla")
BROKER = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER)
# MAHALLA_JOB_INTERVAL_FACTOR=0.1 runs every job ten times as often (a test, or catching up).
INTERVAL_FACTOR = float(os.environ.get("MAHALLA_JOB_INTERVAL_FACTOR", "1") or 1)

celery_app = Celery("mahalla", broker=BROKER, backend=os.environ.get("CELERY_RESULT_BACKEND", BROKER))
celery_app.conf.update(
    task_default_queue=QUEUE,
    task_acks_late=True,  # a job lost with its worker runs again; the jobs are idempotent
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="Asia/Tashkent",
    beat_schedule={
        job.name: {
            "task": f"mahalla.{job.name}",
            "schedule": job.every_seconds * INTERVAL_FACTOR,
            "options": {"queue": QUEUE},
        }
        for job in JOBS
    },
)
app = celery_app  # what `celery -A webapp.platform.jobs.celery_app` looks for

_flask_app: Flask | None = None


def flask_app() -> Flask:
    """One Flask app per worker process, created on first use (configuration from the environment)."""
    global _flask_app
    if _flask_app is None:
        from webapp import create_app

        _flask_app = create_app()
    return _flask_app


def _in_app_context(run: Any) -> Any:
    from webapp.extensions import db

    with flask_app().app_context():
        try:
            return run()
        finally:
            db.session.remove()


@task_prerun.connect
def _count_run(sender: Any = None, **_extra: Any) -> None:
    from webapp.platform.observability.metrics import JOB_RUNS

    JOB_RUNS.labels(str(getattr(sender, "name", "")).removeprefix("mahalla.")).inc()


@task_failure.connect
def _count_failure(sender: Any = None, **_extra: Any) -> None:
    from webapp.platform.observability.metrics import JOB_FAILURES

    JOB_FAILURES.labels(str(getattr(sender, "name", "")).removeprefix("mahalla.")).inc()


def _summary(result: Any) -> Any:
    """Job results as JSON-serialisable data for the result backend."""
    if result is None or isinstance(result, (int, float, str, bool, list, dict)):
        return result
    if hasattr(result, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(result)
    return repr(result)


@celery_app.task(name="mahalla.fire_due_timers")
def fire_due_timers(now: str | None = None) -> Any:
    """Fire the due BPMN timers; ``now`` (ISO 8601) injects the clock (tests, catching up)."""
    from webapp.cases import timer_service

    moment = dt.datetime.fromisoformat(now) if now else None
    return _summary(_in_app_context(lambda: timer_service.fire_due_timers(now=moment)))


@celery_app.task(name="mahalla.refresh_overdue_flags")
def refresh_overdue_flags(today: str | None = None) -> Any:
    from webapp.cases import timer_service

    day = dt.date.fromisoformat(today) if today else None
    return _summary(_in_app_context(lambda: timer_service.refresh_overdue_flags(today=day)))


@celery_app.task(name="mahalla.send_notifications")
def send_notifications() -> Any:
    from webapp.platform.notifications.sender import send_due_messages

    return _summary(_in_app_context(send_due_messages))


@celery_app.task(name="mahalla.run_export_jobs")
def run_export_jobs() -> Any:
    from webapp.analytics.exports.service import run_export_jobs as run

    return _summary(_in_app_context(run))


@celery_app.task(name="mahalla.clean_export_files")
def clean_export_files() -> Any:
    from webapp.analytics.exports.service import clean_export_files as clean

    return _summary(_in_app_context(clean))


def _plain_task(job: Job) -> Any:
    def run() -> Any:
        return _summary(_in_app_context(job.run))

    run.__name__ = job.name
    run.__doc__ = f"The {job.name} job of the registry, in the app context."
    return celery_app.task(name=f"mahalla.{job.name}")(run)


# Every job of the registry is a Celery task: those above take arguments; the rest run as they are.
_EXPLICIT = {"fire_due_timers", "refresh_overdue_flags", "send_notifications", "run_export_jobs", "clean_export_files"}
PLAIN_TASKS = {job.name: _plain_task(job) for job in JOBS if job.name not in _EXPLICIT}
