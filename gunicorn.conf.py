"""gunicorn settings for Mahalla (gunicorn reads ./gunicorn.conf.py by itself; see README "Production").

- Prometheus multi-process mode: every worker writes its metrics to PROMETHEUS_MULTIPROC_DIR (a
  fresh temporary folder unless set), ``/metrics`` sums them, and a worker's files are marked dead
  when it exits (child_exit).
- The workers learn how many of them there are (MAHALLA_WEB_WORKERS), so the app refuses SQLite
  with more than one worker; the same unsafe settings stop the master before it forks.
- Logs: gunicorn's own lines go to stderr; the app writes JSON lines with the request id.

Command-line options (``--workers 4 --bind 0.0.0.0:8000``) override what is set here.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

# Before any worker imports prometheus_client: the library chooses its storage at import time.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mahalla-prometheus-")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = None  # the app logs each request (JSON, with its request id)
errorlog = "-"


def on_starting(server: Any) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # counters of an earlier run of the server
        stale.unlink()
    os.environ["MAHALLA_WEB_WORKERS"] = str(server.cfg.workers)
    from webapp import config
    from webapp.platform.observability.safety import configuration_problems

    problems = configuration_problems(config.from_environment(), web_workers=server.cfg.workers)
    if problems:
        print("mahalla: refusing to start: " + "; ".join(problems), file=sys.stderr, flush=True)
        raise SystemExit(4)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
