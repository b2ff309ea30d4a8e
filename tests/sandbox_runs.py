"""Steps of a test run in the process studio's sandbox, taken through its pages as a methodologist's
browser does: read the start data the page offers, start a run of a version (or of the draft), and
complete the waiting task's form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.webapp.cases import browser_form, parse
from webapp.extensions import db
from webapp.studio.changes.models import SandboxRun


def sandbox_url(process_id: str) -> str:
    return f"/processes/{process_id}/sandbox"


def offered_start_data(client: FlaskClient, process_id: str) -> tuple[str, str]:
    """The sandbox page and the start data its form offers (the JSON text of the textarea)."""
    html = client.get(sandbox_url(process_id)).get_data(as_text=True)
    [textarea] = [e for e in parse(html) if e.tag == "textarea" and e.get("name") == "start_data"]
    return html, (textarea.text or "").strip()


def start_run(client: FlaskClient, process_id: str, source: str, edit: Callable[[str], str] | None = None) -> str:
    """Start a run of ``source`` (a version's id, or "draft") with the start data the page offers,
    untouched or changed by ``edit``; the run's URL."""
    html, start_data = offered_start_data(client, process_id)
    started = client.post(
        sandbox_url(process_id),
        data={"csrf_token": csrf_token(html), "source": source, "start_data": edit(start_data) if edit else start_data},
    )
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    return str(started.headers["Location"])


def waiting_field_names(client: FlaskClient, run_url: str) -> tuple[str, set[str]]:
    html = client.get(run_url).get_data(as_text=True)
    return html, {str(e.get("name")) for e in parse(html) if e.tag in ("input", "select", "textarea")}


def complete(client: FlaskClient, run_url: str, answers: dict[str, Any], expected_field: str, status: int = 302) -> str:
    """Complete the run's waiting task, whose form must have ``expected_field``, in the browser's way
    (``status`` 200: the answers are refused and the page shows why)."""
    html, names = waiting_field_names(client, run_url)
    assert expected_field in names, sorted(names)
    task_id = next(e.get("value") for e in parse(html) if e.get("name") == "task_id")
    done = client.post(run_url, data={"csrf_token": csrf_token(html), "task_id": task_id, **browser_form(answers)})
    assert done.status_code == status, done.get_data(as_text=True)[:2000]
    return done.get_data(as_text=True)


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def the_run() -> SandboxRun:
    """The latest sandbox run, as saved."""
    run = db.session.scalars(select(SandboxRun).order_by(SandboxRun.id.desc())).first()
    assert run is not None
    db.session.refresh(run)
    return run
