"""Real server processes for the deployment tests: gunicorn (with gunicorn.conf.py), Celery worker and beat."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(app: Flask, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test app's database (and its private PostgreSQL schema via PGOPTIONS) for subprocesses."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options", "")
    env = {
        **os.environ,
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "PGOPTIONS": options,
        "SECRET_KEY": "test-secret",
        "MAHALLA_DEMO": "0",
        "MAIL_DIR": str(tmp_path / "mailbox"),
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "MAHALLA_EXPORTS_DIR": str(tmp_path / "exports"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


def request(port: int, method: str, path: str, *, body: Any = None, headers: Mapping[str, str] | None = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body) if body is not None else None
    try:  # a server still starting may drop the connection: close it whatever happens
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, dict(response.getheaders()), data


@contextmanager
def gunicorn(env: Mapping[str, str], workers: int, log: Path) -> Iterator[int]:
    """gunicorn serving webapp.wsgi:app with the repository's gunicorn.conf.py; yields its port."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "webapp.wsgi:app",
            ],
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: _answers(port, process), 180, f"gunicorn did not answer /healthz; log: {log}")
            yield port
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _answers(port: int, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"gunicorn exited with {process.returncode}")
    try:
        return bool(request(port, "GET", "/healthz")[0] == 200)
    except OSError:
        return False


def wait_until(condition: Any, seconds: float, message: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(message)
