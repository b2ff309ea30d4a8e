"""Prometheus metrics (prometheus_client), in its multi-process mode under gunicorn.

Counters and histograms are module globals that every process updates; with
PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets it before the workers import anything), each
process writes them to files there and ``/metrics`` adds them up across the workers. Gauges that
describe the database (outbox queue depth, failed messages, due-timer lag) are read from the
database when scraped, so every worker reports the same truth.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter(
    "mahalla_http_requests_total",
    "HTTP requests answered, by endpoint, method and status",
    ["endpoint", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "mahalla_http_request_duration_seconds",
    "Time to answer an HTTP request, by endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_COMPLETIONS = Counter("mahalla_task_completions_total", "User tasks completed (committed), by task", ["task"])
ENGINE_STEP_ERRORS = Counter(
    "mahalla_engine_step_errors_total", "Engine steps that failed after an action (the case became an incident)"
)
OUTBOX_FAILURES = Counter(
    "mahalla_outbox_delivery_failures_total", "Failed delivery attempts of outbox messages, by channel", ["channel"]
)
OUTBOX_DELIVERIES = Counter(
    "mahalla_outbox_deliveries_total", "Outbox messages delivered, by channel and backend", ["channel", "backend"]
)
JOB_RUNS = Counter("mahalla_job_runs_total", "Background job runs, by job", ["job"])
JOB_FAILURES = Counter("mahalla_job_failures_total", "Background job runs that raised, by job", ["job"])


class DatabaseGauges(Collector):
    """Read at scrape time: the outbox queue, failed messages, and how late the oldest due timer is."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from webapp.platform.observability.health import database_gauges

        with self.app.app_context():
            values = database_gauges()
        yield GaugeMetricFamily("mahalla_outbox_queue_depth", "Outbox messages waiting to be sent", value=values.queued)
        yield GaugeMetricFamily(
            "mahalla_outbox_failed_messages", "Outbox messages whose delivery finally failed", value=values.failed
        )
        yield GaugeMetricFamily(
            "mahalla_due_timer_lag_seconds",
            "How late the oldest due BPMN timer is (0 when none is due)",
            value=values.timer_lag_seconds,
        )


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(app: Any) -> tuple[bytes, str]:
    """The metrics text: summed over gunicorn's workers in multi-process mode, this process's otherwise."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (HTTP_REQUESTS, HTTP_LATENCY, TASK_COMPLETIONS, ENGINE_STEP_ERRORS):
            registry.register(collector)
        for collector in (OUTBOX_FAILURES, OUTBOX_DELIVERIES, JOB_RUNS, JOB_FAILURES):
            registry.register(collector)
    registry.register(DatabaseGauges(app))
    return generate_latest(registry), CONTENT_TYPE_LATEST


__all__ = ["REGISTRY", "exposition"]
