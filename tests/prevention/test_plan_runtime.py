"""Prevention plans on the one case runtime: their tasks are in the inbox API beside appeal tasks
(``case: {kind, ref}``), completed through it; a diagram failure makes the plan an incident, and the
way out is a corrected version, the migration of the plan onto it (dry run first) and a retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from tests.conftest import World
from tests.prevention.conftest import PLAN_ANSWERS, live_case, step, the_task
from tests.webapp.cases import register
from webapp.cases.assignment.service import reassign
from webapp.cases.models import CaseEvent, PendingTask
from webapp.cases.versions import latest_version, publish_files, read_process_directory
from webapp.casework.appeals.runtime import StepFailed
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.plans import PLAN_PROCESS, PlanConflict, open_plan, retry_plan
from webapp.studio.changes.service import migrate_cases, migration_plan

Api = Callable[..., Any]
APPROVED = ">plan_approved</bpmn:conditionExpression>"


def test_the_inbox_api_lists_plan_and_appeal_tasks_and_completes_a_plan_task(
    world: World, person: SupervisedPerson, bearer_api: Callable[[User], Api]
) -> None:
    appeal = register(world)
    plan = open_plan(person, world.inspector)
    call = bearer_api(world.inspector)
    tasks = call("GET", "/tasks").get_json()["tasks"]
    cases = {(t["case"]["kind"], t["case"]["ref"], t["appeal_number"], t["name"]) for t in tasks}
    assert ("appeal", appeal.number, appeal.number, "check_registration") in cases
    assert ("prevention_plan", f"plan-{plan.id}", None, "draft_plan") in cases
    draft = next(t for t in tasks if t["case"]["kind"] == "prevention_plan")
    assert draft["mahalla"] == world.mahalla.code and {f["id"] for f in draft["form"]["fields"]} >= {"plan_goals"}

    # another inspector neither sees nor completes it (the record is special data)
    other = bearer_api(world.inspector2)
    assert all(t["case"]["kind"] == "appeal" for t in other("GET", "/tasks").get_json()["tasks"])
    assert other("POST", f"/tasks/{draft['id']}/complete", json=PLAN_ANSWERS["draft_plan"]).status_code == 404

    done = call("POST", f"/tasks/{draft['id']}/complete?include=next_tasks", json=PLAN_ANSWERS["draft_plan"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["case"] == {"kind": "prevention_plan", "ref": f"plan-{plan.id}"}
    assert done.get_json()["next_tasks"] == []  # the supervisor approves it next; the appeal's task is not listed
    assert the_task(plan).name == "approve_plan"
    again = call("POST", f"/tasks/{draft['id']}/complete", json=PLAN_ANSWERS["draft_plan"])
    assert again.status_code == 404
    supervisor_tasks = bearer_api(world.supervisor)("GET", "/tasks").get_json()["tasks"]
    assert ("prevention_plan", "approve_plan") in {(t["case"]["kind"], t["name"]) for t in supervisor_tasks}


def publish_plan(files: dict[str, str], note: str) -> None:
    publish_files(PLAN_PROCESS, files, note=note)
    db.session.commit()


def test_a_plan_in_incident_moves_to_a_corrected_version_and_the_retry_succeeds(
    world: World, person: SupervisedPerson
) -> None:
    bundled = read_process_directory(f"{current_app.config['PROCESSES_DIR']}/prevention")
    broken = dict(bundled)
    source = broken["prevention_plan.bpmn"]
    assert APPROVED in source
    broken["prevention_plan.bpmn"] = source.replace(APPROVED, ">plan_approved and needed_value == 1" + APPROVED[14:])
    publish_plan(broken, "broken condition")

    plan = open_plan(person, world.inspector)
    step(plan, world, "draft_plan")
    with pytest.raises(StepFailed):
        step(plan, world, "approve_plan")
    db.session.expire_all()
    record = live_case(plan)
    assert record.status == "incident"
    assert the_task(plan).name == "approve_plan"  # the task still waits, nothing of the step was saved
    incident = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "incident"))
    assert incident is not None and incident.subject_id == plan.id and incident.data["submitted"]["plan_approved"]
    with pytest.raises(StepFailed):
        retry_plan(plan.id, world.supervisor)  # without a fix it fails again
    assert live_case(plan).status == "incident"

    publish_plan(bundled, "corrected")  # the bundled content again: a new version
    target = latest_version(PLAN_PROCESS)
    assert target is not None and target.id != record.process_version_id
    dry_run = migration_plan(PLAN_PROCESS, target)
    assert [(p.ref, p.check.movable) for p in dry_run] == [(f"plan-{plan.id}", True)]
    report = migrate_cases(PLAN_PROCESS, target, world.methodologist)
    assert report.moved == (f"plan-{plan.id}",) and report.failed == ()
    assert live_case(plan).process_version_id == target.id

    step_done = retry_plan(plan.id, world.admin)
    assert step_done.outcome == "plan_approved"
    db.session.expire_all()
    assert live_case(plan).status == "running"
    assert plan.status == "active" and the_task(plan).name == "monthly_checkin"
    completed = db.session.scalar(
        select(CaseEvent).where(CaseEvent.kind == "task_completed", CaseEvent.task_name == "approve_plan")
    )
    assert completed is not None and completed.actor_id == world.supervisor.id  # the supervisor's own decision
    with pytest.raises(PlanConflict):
        retry_plan(plan.id, world.admin)
    assert db.session.scalar(select(PendingTask.subject_kind)) == "prevention_plan"


def test_a_supervisor_reassigns_a_plan_task_like_any_task(
    world: World, person: SupervisedPerson, as_user: Callable[[User], Any]
) -> None:
    plan = open_plan(person, world.inspector)
    task = the_task(plan)
    team = as_user(world.supervisor).get("/team").get_data(as_text=True)
    assert f"plan-{plan.id}" in team and f"/prevention/plans/{plan.id}" in team
    reassign(world.supervisor, task, world.inspector2, "Inspektor ta'tilda")
    db.session.expire_all()
    assert the_task(plan).assignee_id == world.inspector2.id
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "reassigned"))
    assert event is not None and (event.subject_kind, event.subject_id, event.appeal_id) == (
        "prevention_plan",
        plan.id,
        None,
    )


def test_a_plan_incident_is_listed_in_the_incident_console_and_retried_there(
    world: World, person: SupervisedPerson, as_user: Callable[[User], Any]
) -> None:
    from tests.conftest import csrf_token

    bundled = read_process_directory(f"{current_app.config['PROCESSES_DIR']}/prevention")
    broken = dict(bundled)
    broken["prevention_plan.bpmn"] = broken["prevention_plan.bpmn"].replace(
        APPROVED, ">plan_approved and needed_value == 1" + APPROVED[14:]
    )
    publish_plan(broken, "broken condition")
    plan = open_plan(person, world.inspector)
    step(plan, world, "draft_plan")
    with pytest.raises(StepFailed):
        step(plan, world, "approve_plan")

    methodologist = as_user(world.methodologist)
    page = methodologist.get("/supervision?tab=incidents").get_data(as_text=True)
    assert f'data-ref="plan-{plan.id}"' in page and f"/prevention/plans/{plan.id}" in page
    assert "needed_value" in page  # the problem, with its element
    assert f'data-ref="plan-{plan.id}"' in as_user(world.supervisor).get("/supervision?tab=incidents").get_data(
        as_text=True
    )
    foreign = as_user(world.foreign_supervisor)
    foreign_page = foreign.get("/supervision?tab=incidents").get_data(as_text=True)
    assert f'data-ref="plan-{plan.id}"' not in foreign_page
    url = f"/supervision/incidents/prevention_plan/{plan.id}/retry"
    token = csrf_token(page)
    assert foreign.post(url, data={"csrf_token": csrf_token(foreign_page)}).status_code == 404
    assert methodologist.post("/supervision/incidents/nothing/1/retry", data={"csrf_token": token}).status_code == 404

    failed_again = methodologist.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert failed_again.status_code == 200 and "needed_value" in failed_again.get_data(as_text=True)
    assert live_case(plan).status == "incident"

    publish_plan(bundled, "corrected")
    target = latest_version(PLAN_PROCESS)
    assert target is not None
    assert migrate_cases(PLAN_PROCESS, target, world.methodologist).moved == (f"plan-{plan.id}",)
    assert methodologist.post(url, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert live_case(plan).status == "running" and the_task(plan).name == "monthly_checkin"
    page = methodologist.get("/supervision?tab=incidents").get_data(as_text=True)
    assert (
        f'data-ref="plan-{plan.id}"' not in page
        and methodologist.post(url, data={"csrf_token": token}).status_code == 404
    )


DRAFT_ESCALATION = """
    <bpmn:boundaryEvent id="draft_plan_overdue" name="Loyiha kechikdi" attachedToRef="draft_plan">
      <bpmn:outgoing>flow_draft_plan_overdue_to_approve_plan</bpmn:outgoing>
      <bpmn:timerEventDefinition id="draft_plan_overdue_definition">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="flow_draft_plan_overdue_to_approve_plan"
      sourceRef="draft_plan_overdue" targetRef="approve_plan"/>
  </bpmn:process>"""


def test_the_timer_job_fires_a_plans_timers_like_an_appeals(world: World, person: SupervisedPerson) -> None:
    """A plan diagram with a timer (a draft not written within an hour goes to the supervisor as it
    is): the worker's timer job fires it, and the plan's tasks and status follow."""
    import datetime as dt

    from webapp.cases.timer_service import fire_due_timers
    from webapp.platform.timeutil import utcnow

    bundled = read_process_directory(f"{current_app.config['PROCESSES_DIR']}/prevention")
    timed = dict(bundled)
    assert timed["prevention_plan.bpmn"].count("</bpmn:process>") == 1
    timed["prevention_plan.bpmn"] = timed["prevention_plan.bpmn"].replace("\n  </bpmn:process>", DRAFT_ESCALATION)
    publish_plan(timed, "drafts escalate after an hour")
    plan = open_plan(person, world.inspector)
    assert the_task(plan).name == "draft_plan" and plan.status == "drafting"
    due = live_case(plan)

    assert fire_due_timers(now=utcnow() + dt.timedelta(minutes=30)).fired == []  # not yet
    run = fire_due_timers(now=utcnow() + dt.timedelta(hours=2))
    assert run.fired == [f"plan-{plan.id}"] and run.incidents == [] and run.conflicts == 0
    db.session.expire_all()
    task = the_task(plan)
    assert (task.name, task.role, task.district_id) == ("approve_plan", "supervisor", person.district_id)
    assert db.session.get(type(plan), plan.id).status == "awaiting_approval"  # type: ignore[union-attr]
    after = live_case(plan)
    assert after.version == due.version + 1 and after.status == "running"
    fired = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "timers_fired"))
    assert fired is not None and fired.subject_kind == "prevention_plan" and fired.subject_id == plan.id
    assert any(e.endswith("draft_plan_overdue") for e in fired.elements or [])
    assert fire_due_timers(now=utcnow() + dt.timedelta(hours=3)).fired == []  # once
