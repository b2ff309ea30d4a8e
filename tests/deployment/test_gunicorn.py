"""gunicorn as production runs it (gunicorn.conf.py): metrics summed over two workers, and the
refusal of SQLite with more than one worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import World, require_postgres
from tests.deployment.conftest import ROOT, gunicorn, request, server_environment
from tests.webapp.cases import answers, register
from webapp.cases.tasks.service import tasks_of_appeal
from webapp.platform.auth.service import issue_token

TOKEN = "metrics-token-for-the-test"


def completions(port: int, task: str) -> float:
    status, _headers, body = request(port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "mahalla_task_completions_total" and sample.labels.get("task") == task:
                return sample.value
    return 0.0


def test_a_completion_raises_the_counter_by_exactly_one_across_two_workers(
    app: Flask, world: World, tmp_path: Path
) -> None:
    require_postgres(app)
    appeal = register(world)
    [pending] = tasks_of_appeal(appeal.id)
    token = issue_token(world.inspector, "test")
    env = server_environment(app, tmp_path, METRICS_TOKEN=TOKEN)
    with gunicorn(env, 2, tmp_path / "gunicorn.log") as port:
        # Several scrapes, so both workers answer at least once: the sum is the same from either.
        before = [completions(port, "check_registration") for _ in range(4)]
        assert len(set(before)) == 1
        status, headers, body = request(
            port,
            "POST",
            f"/api/v1/tasks/{pending.id}/complete",
            body=answers("check_registration"),
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"},
        )
        assert status == 200, body
        assert headers["X-Request-ID"] == "req-42"
        after = [completions(port, "check_registration") for _ in range(4)]
        assert set(after) == {before[0] + 1}
        assert request(port, "GET", "/metrics")[0] == 404  # production: not without the token
    log = (tmp_path / "gunicorn.log").read_text()
    assert '"request_id": "req-42"' in log  # the JSON access line of the completion
    assert "Traceback" not in log


def test_sqlite_with_two_workers_is_refused_naming_the_setting(tmp_path: Path) -> None:
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0", "webapp.wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL is SQLite while gunicorn runs 2 workers" in result.stderr
