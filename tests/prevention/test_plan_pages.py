"""A prevention plan through the web pages: draft → return → approve → check-ins → evaluation →
extension → … → removal; form errors; the inbox panel; opening a plan from stage 3 of an appeal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import PLAN_ANSWERS, live_case, step, the_task
from tests.webapp.cases import browser_form, drive_to, invalid_fields, path_of, register
from webapp.cases.models import PendingTask, ProcessInstance
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.journal import person_events
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson
from webapp.prevention.registry.plans import PlanConflict, complete_plan_task, open_plan
from webapp.prevention.registry.service import persons_of_appeal

Client = Callable[[User], FlaskClient]


def submit_task(client: FlaskClient, plan: PreventionPlan, values: dict[str, Any]) -> Any:
    task = the_task(plan)
    url = f"/prevention/tasks/{task.id}"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **browser_form(values)})


def test_a_plan_from_draft_to_removal_through_the_pages(
    world: World, person: SupervisedPerson, as_user: Client
) -> None:
    inspector, supervisor = as_user(world.inspector), as_user(world.supervisor)
    page = inspector.get(f"/prevention/persons/{person.id}")
    opened = inspector.post(
        f"/prevention/persons/{person.id}/plans", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert opened.status_code == 302
    plan = db.session.scalar(select(PreventionPlan))
    assert plan is not None and plan.status == "drafting" and path_of(opened.location) == f"/prevention/plans/{plan.id}"

    assert submit_task(inspector, plan, PLAN_ANSWERS["draft_plan"]).status_code == 302
    assert plan.status == "awaiting_approval"
    returned = submit_task(
        supervisor, plan, {"plan_approved": False, "supervisor_comment": "Ta'lim choralarini qo'shing."}
    )
    assert returned.status_code == 302
    db.session.refresh(plan)
    assert plan.status == "drafting"
    draft_page = inspector.get(f"/prevention/tasks/{the_task(plan).id}").get_data(as_text=True)
    assert "Ta&#39;lim choralarini qo&#39;shing." in draft_page  # the supervisor's comment
    assert submit_task(inspector, plan, {**PLAN_ANSWERS["draft_plan"], "measure_education": True}).status_code == 302
    approval_page = supervisor.get(f"/prevention/tasks/{the_task(plan).id}").get_data(as_text=True)
    assert "choralarini qo" not in approval_page  # the old comment is not offered again
    assert submit_task(supervisor, plan, PLAN_ANSWERS["approve_plan"]).status_code == 302
    db.session.refresh(plan)
    assert plan.status == "active" and plan.cycle == 1 and plan.starts_on is not None

    for decision in ("extend", "remove"):
        for _month in range(3):
            assert submit_task(inspector, plan, PLAN_ANSWERS["monthly_checkin"]).status_code == 302
        evaluation = {"evaluation_summary": "Chorak yakunlari ijobiy.", "evaluation_decision": decision}
        if decision == "remove":
            evaluation["removal_grounds"] = "Reja bajarildi, huquqbuzarlik takrorlanmadi."
        assert submit_task(supervisor, plan, evaluation).status_code == 302
        db.session.refresh(plan)

    db.session.refresh(person)
    assert plan.status == "completed" and plan.extensions == 1 and plan.checkins_done == 6
    assert person.status == "removed" and person.removal_grounds.startswith("Reja bajarildi")
    kinds = [event.kind for event in person_events(person.id) if event.kind != "task_completed"]
    assert kinds == [
        "registered",
        "plan_opened",
        "plan_drafted",
        "plan_returned",
        "plan_drafted",
        "plan_approved",
        "cycle_started",
        "checkin",
        "checkin",
        "checkin",
        "evaluation",
        "plan_extended",
        "cycle_started",
        "checkin",
        "checkin",
        "checkin",
        "evaluation",
        "plan_completed",
        "removed",
    ]
    timeline = inspector.get(f"/prevention/persons/{person.id}").get_data(as_text=True)
    for kind in ("plan_returned", "checkin", "evaluation", "plan_extended", "removed"):
        assert f"timeline-{kind}" in timeline


@pytest.mark.parametrize(
    ("task", "values", "field"),
    [
        ("draft_plan", {"plan_goals": "Maqsad yozildi, lekin chora yo'q.", "plan_months": 12}, "measure_talk"),
        ("approve_plan", {"plan_approved": False, "supervisor_comment": ""}, "supervisor_comment"),
        ("draft_plan", {"measure_talk": True, "plan_goals": "qisqa", "plan_months": 40}, "plan_goals"),
    ],
)
def test_plan_form_errors_are_shown(
    world: World, person: SupervisedPerson, as_user: Client, task: str, values: dict[str, Any], field: str
) -> None:
    plan = open_plan(person, world.inspector)
    if task == "approve_plan":
        step(plan, world, "draft_plan")
    client = as_user(world.inspector if task == "draft_plan" else world.supervisor)
    before = live_case(plan).version
    response = submit_task(client, plan, values)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field in invalid_fields(html)
    if task == "draft_plan" and field == "plan_goals":
        assert "plan_months" in invalid_fields(html)
    db.session.refresh(plan)
    assert live_case(plan).version == before and the_task(plan).name == task


def test_removal_needs_grounds(world: World, person: SupervisedPerson, as_user: Client) -> None:
    plan = open_plan(person, world.inspector)
    for name in ("draft_plan", "approve_plan", "monthly_checkin", "monthly_checkin", "monthly_checkin"):
        step(plan, world, name)
    response = submit_task(
        as_user(world.supervisor),
        plan,
        {"evaluation_summary": "Yaxshi natijalar bor.", "evaluation_decision": "remove"},
    )
    assert "removal_grounds" in invalid_fields(response.get_data(as_text=True))
    assert db.session.get(SupervisedPerson, person.id).status == "active"  # type: ignore[union-attr]


def test_plan_tasks_reach_the_people_who_do_them(world: World, person: SupervisedPerson, as_user: Client) -> None:
    plan = open_plan(person, world.inspector)
    task = the_task(plan)
    assert task.assignee_id == world.inspector.id and task.role == "inspector"
    inbox = as_user(world.inspector).get("/tasks").get_data(as_text=True)
    assert "plan-tasks-panel" in inbox and f"/prevention/tasks/{task.id}" in inbox
    assert "Karimov" not in inbox and "K. J. B." in inbox  # initials only in the inbox
    assert f"/prevention/tasks/{task.id}" not in as_user(world.inspector2).get("/tasks").get_data(as_text=True)
    assert as_user(world.inspector2).get(f"/prevention/tasks/{task.id}").status_code == 404
    assert as_user(world.supervisor).get(f"/prevention/tasks/{task.id}").status_code == 404  # not a supervisor task

    step(plan, world, "draft_plan")
    approval = the_task(plan)
    assert f"/prevention/tasks/{approval.id}" in as_user(world.supervisor).get("/tasks").get_data(as_text=True)
    assert f"/prevention/tasks/{approval.id}" in as_user(world.region_supervisor).get("/tasks").get_data(as_text=True)
    assert as_user(world.foreign_supervisor).get(f"/prevention/tasks/{approval.id}").status_code == 404


def test_a_task_completed_twice_is_a_conflict(world: World, person: SupervisedPerson) -> None:
    plan = open_plan(person, world.inspector)
    task = the_task(plan)
    stale = PendingTask(**{c.name: getattr(task, c.name) for c in PendingTask.__table__.columns})
    complete_plan_task(task, world.inspector, PLAN_ANSWERS["draft_plan"])
    with pytest.raises(PlanConflict):
        complete_plan_task(stale, world.inspector, PLAN_ANSWERS["draft_plan"])


def test_a_plan_is_opened_from_stage_three_of_an_appeal(
    world: World, person: SupervisedPerson, as_user: Client
) -> None:
    appeal = register(world)
    drive_to(world, appeal, "take_measures")
    assert appeal.stage == 3
    client = as_user(world.inspector)
    case = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert f"/prevention/appeals/{appeal.number}" in case and "prevention-panel" in case

    page = client.get(f"/prevention/appeals/{appeal.number}")
    assert page.status_code == 200
    response = client.post(
        f"/prevention/appeals/{appeal.number}/plan",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "plan-person": str(person.id)},
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(PreventionPlan))
    assert plan is not None and plan.appeal_id == appeal.id and plan.person_id == person.id
    assert [p.id for p in persons_of_appeal(appeal.id)] == [person.id]
    assert appeal.number in client.get(f"/prevention/plans/{plan.id}").get_data(as_text=True)


def test_no_plan_from_an_appeal_before_stage_three(world: World, person: SupervisedPerson, as_user: Client) -> None:
    appeal = register(world)
    client = as_user(world.inspector)
    page = client.get(f"/prevention/appeals/{appeal.number}")
    client.post(
        f"/prevention/appeals/{appeal.number}/plan",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "plan-person": str(person.id)},
    )
    assert db.session.scalar(select(PreventionPlan)) is None
    assert as_user(world.foreign_inspector).get(f"/prevention/appeals/{appeal.number}").status_code == 404


def test_the_plan_diagram_marks_the_current_task(world: World, person: SupervisedPerson, as_user: Client) -> None:
    plan = open_plan(person, world.inspector)
    client = as_user(world.supervisor)
    data = client.get(f"/prevention/plans/{plan.id}/diagrams.json").get_json()
    (entry,) = data["diagrams"]
    assert entry["process_id"] == "prevention_plan" and entry["current"] == ["draft_plan"]
    xml = client.get(entry["xml_url"])
    assert xml.status_code == 200 and b'id="draft_plan"' in xml.data and b"bpmndi:BPMNShape" in xml.data
    assert as_user(world.foreign_supervisor).get(f"/prevention/plans/{plan.id}/diagrams.json").status_code == 404
    assert as_user(world.admin).get(entry["xml_url"]).status_code == 404


def test_removing_a_person_cancels_the_running_plan(world: World, person: SupervisedPerson, as_user: Client) -> None:
    plan = open_plan(person, world.inspector)
    step(plan, world, "draft_plan")
    client = as_user(world.supervisor)
    page = client.get(f"/prevention/persons/{person.id}/remove")
    response = client.post(
        f"/prevention/persons/{person.id}/remove",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "removed_on": "2026-02-01",
            "removal_grounds": "Boshqa hududga koʻchib ketgan.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.status == "cancelled" and plan.next_due_on is None
    assert db.session.scalar(select(PendingTask)) is None
    assert db.session.scalar(select(ProcessInstance.status)) == "cancelled"
    assert "plan-tasks-panel" not in client.get("/tasks").get_data(as_text=True)


def test_plan_tasks_and_lanes_are_named_by_the_diagram_in_the_readers_language(
    world: World, person: SupervisedPerson, as_user: Client
) -> None:
    """A plan diagram published from the browser names its tasks and lanes per language; the plan,
    the task page and the inbox panel read those names, not the catalogue's."""
    from pathlib import Path

    from flask import current_app

    from webapp.cases.versions import publish_files

    folder = Path(current_app.config["PROCESSES_DIR"]) / "prevention"
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.bpmn")}
    named = files["prevention_plan.bpmn"]
    named = named.replace(
        '<camunda:property name="norm" value="P7D"/>',
        '<camunda:property name="norm" value="P7D"/><camunda:property name="name_ru" value="План (имя из диаграммы)"/>',
        1,
    ).replace(
        '<bpmn:lane id="lane_prevention_plan_inspector" name="inspector">',
        '<bpmn:lane id="lane_prevention_plan_inspector" name="inspector"><bpmn:extensionElements>'
        '<camunda:properties><camunda:property name="name_ru" value="Участковый (имя дорожки)"/>'
        "</camunda:properties></bpmn:extensionElements>",
        1,
    )
    assert named.count("(имя из диаграммы)") == 1 and named.count("(имя дорожки)") == 1
    publish_files("prevention_plan", {**files, "prevention_plan.bpmn": named}, note="names per language")
    world.inspector.language = "ru"
    db.session.commit()
    plan = open_plan(person, world.inspector)
    inspector = as_user(world.inspector)
    task = the_task(plan)
    for url in (f"/prevention/tasks/{task.id}", f"/prevention/plans/{plan.id}", "/tasks"):
        page = inspector.get(url).get_data(as_text=True)
        assert "План (имя из диаграммы)" in page and "Profilaktika rejasini tuzish" not in page, url
    assert "Участковый (имя дорожки)" in inspector.get(f"/prevention/tasks/{task.id}").get_data(as_text=True)
