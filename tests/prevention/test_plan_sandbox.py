"""The studio's sandbox runs the prevention plan's diagram like the appeal's: a methodologist starts a
test run of a published plan version (or of a draft) with the sample data the page offers, steps
through its forms, and no plan, task or case is created."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import PLAN_ANSWERS
from tests.webapp.cases import browser_form, parse
from webapp.cases.models import PendingTask, ProcessDraft, ProcessInstance, ProcessVersion
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import PreventionPlan
from webapp.prevention.registry.plans import PLAN_PROCESS, plan_version
from webapp.studio.changes.models import SandboxRun

SANDBOX = f"/processes/{PLAN_PROCESS}/sandbox"
AsUser = Callable[[User], FlaskClient]


def published() -> ProcessVersion:
    version = plan_version()
    db.session.commit()
    return version


def start_run(client: FlaskClient, source: str) -> str:
    """Start a run from the sandbox page with the start data it offers (untouched)."""
    html = client.get(SANDBOX).get_data(as_text=True)
    [textarea] = [e for e in parse(html) if e.tag == "textarea" and e.get("name") == "start_data"]
    started = client.post(
        SANDBOX, data={"csrf_token": csrf_token(html), "source": source, "start_data": textarea.text.strip()}
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
    run = db.session.scalars(select(SandboxRun).order_by(SandboxRun.id.desc())).first()
    assert run is not None
    db.session.refresh(run)
    return run


def test_a_sandbox_run_steps_a_plan_version_through_a_whole_quarter(world: World, as_user: AsUser) -> None:
    version = published()
    client = as_user(world.methodologist)
    page = client.get(SANDBOX)
    assert page.status_code == 200 and f'value="{version.id}"' in page.get_data(as_text=True)
    run_url = start_run(client, str(version.id))

    refused = complete(client, run_url, {**PLAN_ANSWERS["draft_plan"], "plan_goals": ""}, "plan_goals", status=200)
    assert "is-invalid" in refused  # a required field left empty: the same task waits, nothing ran on
    assert "prevention_plan:draft_plan" not in the_run().path
    complete(client, run_url, PLAN_ANSWERS["draft_plan"], "plan_goals")
    complete(client, run_url, {"plan_approved": False, "supervisor_comment": "Aniqroq yozing."}, "supervisor_comment")
    complete(client, run_url, PLAN_ANSWERS["draft_plan"], "plan_goals")  # returned: drafted again
    complete(client, run_url, PLAN_ANSWERS["approve_plan"], "supervisor_comment")
    run = the_run()
    assert run.process_version_id == version.id and "prevention_plan:approve_plan" in run.path
    _html, names = waiting_field_names(client, run_url)
    assert "task_id" not in names  # the draft phase ended: the service starts the quarter as a new instance

    cycle = client.get(SANDBOX).get_data(as_text=True)
    [textarea] = [e for e in parse(cycle) if e.tag == "textarea" and e.get("name") == "start_data"]
    quarter = client.post(
        SANDBOX,
        data={
            "csrf_token": csrf_token(cycle),
            "source": str(version.id),
            "start_data": textarea.text.strip().replace('"draft"', '"cycle"'),
        },
    )
    assert quarter.status_code == 302, quarter.get_data(as_text=True)[:2000]
    quarter_url = str(quarter.headers["Location"])
    for _month in range(3):
        complete(client, quarter_url, PLAN_ANSWERS["monthly_checkin"], "work_done")
    complete(client, quarter_url, PLAN_ANSWERS["evaluate_quarter"], "evaluation_summary")
    run = the_run()
    assert run.path.count("prevention_plan:count_checkin") == 3 and "prevention_plan:evaluate_quarter" in run.path
    diagrams = client.get(f"{quarter_url}/diagrams.json").get_json()["diagrams"]
    [diagram] = [d for d in diagrams if d["process_id"] == PLAN_PROCESS]
    assert "evaluate_quarter" in diagram["done"] and diagram["current"] == []
    assert client.get(diagram["xml_url"]).status_code == 200
    assert (count(PreventionPlan), count(ProcessInstance), count(PendingTask)) == (0, 0, 0)


def test_a_sandbox_run_of_a_plan_draft_follows_the_drafts_change(world: World, as_user: AsUser) -> None:
    """A draft that evaluates the quarter after one check-in instead of three."""
    version = published()
    files = dict(version.files)
    name = next(n for n in files if n.endswith(".bpmn"))
    assert "checkins_in_cycle &lt; 3" in files[name]
    files[name] = files[name].replace("checkins_in_cycle &lt; 3", "checkins_in_cycle &lt; 1")
    db.session.add(ProcessDraft(process_id=PLAN_PROCESS, files=files, base_version_id=version.id))
    db.session.commit()
    client = as_user(world.methodologist)
    html = client.get(SANDBOX).get_data(as_text=True)
    [textarea] = [e for e in parse(html) if e.tag == "textarea" and e.get("name") == "start_data"]
    started = client.post(
        SANDBOX,
        data={
            "csrf_token": csrf_token(html),
            "source": "draft",
            "start_data": textarea.text.strip().replace('"draft"', '"cycle"'),
        },
    )
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    run_url = str(started.headers["Location"])

    complete(client, run_url, PLAN_ANSWERS["monthly_checkin"], "work_done")
    complete(client, run_url, PLAN_ANSWERS["evaluate_quarter"], "evaluation_summary")  # after one, not three

    run = the_run()
    assert run.process_version_id is None and run.path.count("prevention_plan:count_checkin") == 1
    assert (count(PreventionPlan), count(ProcessInstance), count(PendingTask)) == (0, 0, 0)
