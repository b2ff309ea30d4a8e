"""The supervisor's review of a patrol report, a procedure added as a diagram plus a subject module
(webapp/prevention/patrols/review.py): filed → reviewed → returned → clarified → accepted through
the pages and the inbox API, territory, bad input, a lost race, and an incident's way out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.sandbox_runs import complete, count, offered_start_data, start_run, the_run
from webapp.cases.instances import Conflict, StepFailed, instance_row
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.versions import current_version, latest_version, publish_files, read_process_directory
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today
from webapp.prevention.patrols import review
from webapp.prevention.patrols import service as patrols
from webapp.prevention.work.models import PatrolReport
from webapp.studio.changes.service import migrate_cases, migration_plan

AsUser = Callable[[User], FlaskClient]
ACCEPTED = ">report_accepted</bpmn:conditionExpression>"


def _file(world: World) -> PatrolReport:
    group = patrols.save_group(
        world.mahalla, name="Fidokor Yoshlar", leader_name="Otabek", leader_phone="", active=True
    )
    data = patrols.ReportData(report_date=local_today(), route="Bunyodkor koʻchasi", observations="Tinch")
    return patrols.file_report(world.inspector, group, data)


def _task(report: PatrolReport) -> PendingTask:
    db.session.expire_all()
    (task,) = db.session.scalars(select(PendingTask).where(PendingTask.subject_id == report.id))
    return task


def _submit(client: FlaskClient, task: PendingTask, data: dict[str, str]) -> Any:
    url = f"/prevention/patrols/review-tasks/{task.id}"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def test_a_report_is_reviewed_returned_clarified_and_accepted_through_the_pages(
    world: World, as_user: AsUser, bearer_api: Callable[[User], Any]
) -> None:
    report = _file(world)
    task = _task(report)
    assert (task.subject_kind, task.name, task.role, task.district_id) == (
        "patrol_report",
        "review_patrol_report",
        "supervisor",
        world.district.id,
    )
    listed = bearer_api(world.supervisor)("GET", "/tasks").get_json()["tasks"]
    assert {"kind": "patrol_report", "ref": f"patrol-report-{report.id}"} in [t["case"] for t in listed]
    assert as_user(world.foreign_supervisor).get(f"/prevention/patrols/review-tasks/{task.id}").status_code == 404
    assert as_user(world.inspector).get(f"/prevention/patrols/review-tasks/{task.id}").status_code == 404

    supervisor = as_user(world.supervisor)
    assert f"/prevention/patrols/review-tasks/{task.id}" in supervisor.get("/tasks").get_data(as_text=True)
    returned = _submit(supervisor, task, {"supervisor_comment": "Qaysi bekat?"})
    assert returned.status_code == 302
    clarify = _task(report)
    assert (clarify.name, clarify.role, clarify.assignee_id) == (
        "clarify_patrol_report",
        "inspector",
        world.inspector.id,
    )

    inspector = as_user(world.inspector)
    empty = _submit(inspector, clarify, {"clarification": ""})
    assert empty.status_code == 200 and "is-invalid" in empty.get_data(as_text=True)  # a message, not a 500
    assert _submit(inspector, clarify, {"clarification": "Bunyodkor bekati"}).status_code == 302

    accepted = _submit(supervisor, _task(report), {"report_accepted": "y", "supervisor_comment": ""})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(PendingTask).where(PendingTask.subject_id == report.id)) is None
    found = instance_row(review.subject(report.id))
    assert found is not None and db.session.scalar(select(PendingTask.id)) is None
    state = review.review_of(report)
    assert state.accepted
    assert [e.task_name for e in state.events if e.kind == "task_completed"] == [
        "review_patrol_report",
        "clarify_patrol_report",
        "review_patrol_report",
    ]
    page = supervisor.get(f"/prevention/patrols/reports/{report.id}").get_data(as_text=True)
    assert "Bunyodkor bekati" in page and "Qaysi bekat?" in page


def test_the_second_completion_of_a_review_task_is_a_conflict(world: World) -> None:
    report = _file(world)
    task = _task(report)
    review.complete_review_task(task, world.supervisor, {"report_accepted": True})
    with pytest.raises(Conflict):
        review.complete_review_task(task, world.supervisor, {"report_accepted": True})


def test_a_review_in_incident_moves_to_a_corrected_version_and_the_retry_succeeds(world: World) -> None:
    bundled = read_process_directory(f"{current_app.config['PROCESSES_DIR']}/patrol_review")
    broken = dict(bundled)
    assert ACCEPTED in broken["patrol_report_review.bpmn"]
    broken["patrol_report_review.bpmn"] = broken["patrol_report_review.bpmn"].replace(
        ACCEPTED, ">report_accepted and missing_value == 1</bpmn:conditionExpression>"
    )
    publish_files(review.PROCESS, broken, note="broken condition")
    db.session.commit()
    report = _file(world)
    with pytest.raises(StepFailed):
        review.complete_review_task(_task(report), world.supervisor, {"report_accepted": True})
    found = instance_row(review.subject(report.id))
    assert found is not None and found[0].status == "incident"
    assert _task(report).name == "review_patrol_report"  # nothing of the step was saved

    publish_files(review.PROCESS, bundled, note="corrected")
    db.session.commit()
    target = latest_version(review.PROCESS)
    assert target is not None
    assert [(p.ref, p.check.movable) for p in migration_plan(review.PROCESS, target)] == [
        (f"patrol-report-{report.id}", True)
    ]
    assert migrate_cases(review.PROCESS, target, world.methodologist).moved == (f"patrol-report-{report.id}",)
    assert review.retry_review(report.id, world.admin)["report_accepted"] is True
    found = instance_row(review.subject(report.id))
    assert found is not None and found[0].status == "running"
    assert review.review_of(report).accepted
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.subject_kind == "patrol_report")).all()
    assert kinds.count("incident") == 1 and "migrated" in kinds


def test_the_studios_sandbox_runs_a_review_version_with_a_filed_reports_start_data(
    world: World, as_user: AsUser
) -> None:
    version = current_version(review.PROCESS)
    db.session.commit()
    client = as_user(world.methodologist)
    _page, offered = offered_start_data(client, review.PROCESS)
    assert json.loads(offered) == review.start_data(1)  # a review's own start data, not a sample appeal's
    run_url = start_run(client, review.PROCESS, str(version.id))

    returned = {"report_accepted": False, "supervisor_comment": "Qaysi bekat?"}
    complete(client, run_url, returned, "supervisor_comment")
    refused = complete(client, run_url, {"clarification": ""}, "clarification", status=200)
    assert "is-invalid" in refused  # a required field left empty: the same task waits
    complete(client, run_url, {"clarification": "Bunyodkor bekati"}, "clarification")
    complete(client, run_url, {"report_accepted": True, "supervisor_comment": ""}, "report_accepted")

    run = the_run()
    assert run.process_version_id == version.id and run.is_completed
    assert run.data["report_id"] == 1 and run.data["report_accepted"] is True
    assert run.path.count(f"{review.PROCESS}:review_patrol_report") == 2
    assert f"{review.PROCESS}:clarify_patrol_report" in run.path
    assert (count(PatrolReport), count(ProcessInstance), count(PendingTask)) == (0, 0, 0)
