"""The studio's sandbox runs the prevention plan's diagram like the appeal's: a methodologist starts a
test run of a published plan version (or of a draft) with the sample data the page offers, steps
through its forms, and no plan, task or case is created."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World
from tests.prevention.conftest import PLAN_ANSWERS
from tests.sandbox_runs import complete, count, sandbox_url, start_run, the_run, waiting_field_names
from webapp.cases.models import PendingTask, ProcessDraft, ProcessInstance, ProcessVersion
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import PreventionPlan
from webapp.prevention.registry.plans import PLAN_PROCESS, plan_version

SANDBOX = sandbox_url(PLAN_PROCESS)
AsUser = Callable[[User], FlaskClient]


def published() -> ProcessVersion:
    version = plan_version()
    db.session.commit()
    return version


def cycle(start_data: str) -> str:
    """The offered start data changed to a quarter's (the plan's second phase)."""
    return start_data.replace('"draft"', '"cycle"')


def test_a_sandbox_run_steps_a_plan_version_through_a_whole_quarter(world: World, as_user: AsUser) -> None:
    version = published()
    client = as_user(world.methodologist)
    page = client.get(SANDBOX)
    assert page.status_code == 200 and f'value="{version.id}"' in page.get_data(as_text=True)
    run_url = start_run(client, PLAN_PROCESS, str(version.id))

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

    quarter_url = start_run(client, PLAN_PROCESS, str(version.id), edit=cycle)
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
    run_url = start_run(client, PLAN_PROCESS, "draft", edit=cycle)

    complete(client, run_url, PLAN_ANSWERS["monthly_checkin"], "work_done")
    complete(client, run_url, PLAN_ANSWERS["evaluate_quarter"], "evaluation_summary")  # after one, not three

    run = the_run()
    assert run.process_version_id is None and run.path.count("prevention_plan:count_checkin") == 1
    assert (count(PreventionPlan), count(ProcessInstance), count(PendingTask)) == (0, 0, 0)
