"""Runs the jobs on their intervals: in a background thread of ``mahalla run`` (the embedded
default) or in the foreground of ``mahalla worker``. Every run has its own app context; a failing
job is logged and tried again at its next turn, it never stops the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask

from webapp.platform.jobs.registry import JOBS, Job
from webapp.platform.observability.metrics import JOB_FAILURES, JOB_RUNS

log = logging.getLogger("mahalla.jobs")


class Scheduler:
    def __init__(self, app: Flask, jobs: Iterable[Job] = JOBS, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.jobs = tuple(jobs)
        self.clock = clock
        self._next_run = {job.name: 0.0 for job in self.jobs}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[str]:
        """Run every job whose turn has come; return their names."""
        now = self.clock()
        ran = []
        for job in self.jobs:
            if now < self._next_run[job.name]:
                continue
            self._next_run[job.name] = now + job.every_seconds
            with self.app.app_context():
                JOB_RUNS.labels(job.name).inc()
                try:
                    result = job.run()
                    log.debug("job %s: %s", job.name, result)
                except Exception:
                    JOB_FAILURES.labels(job.name).inc()
                    log.exception("job %s failed; it runs again at its next turn", job.name)
                finally:
                    from webapp.extensions import db

                    db.session.remove()
            ran.append(job.name)
        return ran

    def run_forever(self, tick_seconds: float = 1.0) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(tick_seconds)

    def start(self, tick_seconds: float = 1.0) -> None:
        """Start the background thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.run_forever, args=(tick_seconds,), name="mahalla-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
