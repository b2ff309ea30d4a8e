"""Start-up checks of the web defences: rate limits kept per process under several gunicorn workers.

Flask-Limiter counts in ``RATELIMIT_STORAGE_URI``. With the default ``memory://`` each gunicorn
worker counts alone, so 3 workers allow 3 × the limit (sign-in attempts, tracking codes). Point it
at Redis (``redis://host:6379/1``) to share the counts; otherwise a warning is logged at start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from flask import Flask


def gunicorn_workers(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """How many workers the gunicorn that runs this process starts (1 when not under gunicorn)."""
    if not argv or "gunicorn" not in os.path.basename(argv[0]):
        return 1
    args = list(argv[1:]) + environ.get("GUNICORN_CMD_ARGS", "").split()
    workers = int(environ.get("WEB_CONCURRENCY", "1") or "1")
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers") and index + 1 < len(args):
            workers = int(args[index + 1])
        elif arg.startswith("--workers="):
            workers = int(arg.split("=", 1)[1])
        elif arg.startswith("-w") and arg[2:].isdecimal():
            workers = int(arg[2:])
    return workers


def per_process_limit_warning(argv: Sequence[str], environ: Mapping[str, str], storage_uri: str) -> str | None:
    workers = gunicorn_workers(argv, environ)
    if workers > 1 and storage_uri.startswith("memory://"):
        return (
            f"gunicorn runs {workers} workers but RATELIMIT_STORAGE_URI is {storage_uri}: every worker counts "
            f"rate limits alone, so each limit is {workers} times looser. Set RATELIMIT_STORAGE_URI=redis://…"
        )
    return None


def warn_about_per_process_limits(app: Flask) -> None:
    warning = per_process_limit_warning(sys.argv, os.environ, str(app.config.get("RATELIMIT_STORAGE_URI", "")))
    if warning:
        app.logger.warning(warning)
