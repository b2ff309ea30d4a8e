"""The notice's approval on the case runtime (webapp/cooperation/notices/approval.py): the task
waits in the shared projection, so the supervisor's inbox API and task page, the event log, the
optimistic lock, incidents, the migration onto a corrected version and the retry are the runtime's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.notices.notice_steps import decide, write_notice
from tests.sandbox_runs import complete, count, offered_start_data, start_run, the_run
from webapp.cases.instances import Conflict, StepFailed, events_of, instance_row
from webapp.cases.models import PendingTask, ProcessInstance
from webapp.cases.versions import current_version, latest_version, publish_files, read_process_directory
from webapp.cooperation.notices import approval
from webapp.cooperation.notices.models import NoticeStatus, PreventionNotice
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.studio.changes.service import migrate_cases, migration_plan

AsUser = Callable[[User], FlaskClient]
APPROVED = ">notice_approved</bpmn:conditionExpression>"


def _task(notice: PreventionNotice) -> PendingTask:
    db.session.expire_all()
    (task,) = db.session.scalars(
        select(PendingTask).where(PendingTask.subject_kind == approval.KIND, PendingTask.subject_id == notice.id)
    )
    return task


def test_the_approval_is_a_task_of_the_inbox_api_completed_through_it(
    world: World, as_user: AsUser, bearer_api: Callable[[User], Any]
) -> None:
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    task = _task(notice)
    assert (task.name, task.role, task.district_id) == ("approve_notice", "supervisor", world.mahalla.district_id)

    api = bearer_api(world.supervisor)
    listed = [t for t in api("GET", "/tasks").get_json()["tasks"] if t["id"] == task.id]
    assert len(listed) == 1
    assert listed[0]["case"] == {"kind": "prevention_notice", "ref": f"notice-{notice.id}"}
    assert listed[0]["appeal_number"] is None
    foreign = bearer_api(world.foreign_supervisor)
    assert task.id not in {t["id"] for t in foreign("GET", "/tasks").get_json()["tasks"]}
    assert foreign("POST", f"/tasks/{task.id}/complete", json={"notice_approved": True}).status_code == 404
    assert bearer_api(world.inspector)("POST", f"/tasks/{task.id}/complete", json={}).status_code == 404

    bad = api("POST", f"/tasks/{task.id}/complete", json={"notice_approved": True, "supervisor_comment": "x" * 2001})
    assert bad.status_code == 422
    done = api("POST", f"/tasks/{task.id}/complete", json={"notice_approved": True, "supervisor_comment": "Yaxshi"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["case"] == {"kind": "prevention_notice", "ref": f"notice-{notice.id}"}
    db.session.refresh(notice)
    assert notice.status == NoticeStatus.APPROVED and notice.reviewer_id == world.supervisor.id
    assert notice.review_comment == "Yaxshi"
    again = api("POST", f"/tasks/{task.id}/complete", json={"notice_approved": True})
    assert again.status_code in (404, 409)
    assert [e.kind for e in events_of(approval.subject(notice.id))] == ["approval_started", "task_completed"]


def test_the_shared_task_page_leads_to_the_notices_review_form(world: World, as_user: AsUser) -> None:
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    task = _task(notice)
    supervisor = as_user(world.supervisor)
    shared = supervisor.get(f"/tasks/{task.id}")
    assert shared.status_code == 302 and shared.headers["Location"].endswith(f"/notices/approvals/{task.id}")
    own = supervisor.get(f"/notices/approvals/{task.id}")
    assert own.status_code == 302 and own.headers["Location"].endswith(f"/notices/{notice.id}#review")
    assert as_user(world.foreign_supervisor).get(f"/notices/approvals/{task.id}").status_code == 404
    assert as_user(world.foreign_supervisor).get(f"/tasks/{task.id}").status_code == 404


def test_the_second_completion_of_an_approval_is_a_conflict(world: World, as_user: AsUser) -> None:
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    task = _task(notice)
    approval.complete_approval(task, world.supervisor, {"notice_approved": False, "supervisor_comment": "Qisqaroq"})
    with pytest.raises(Conflict):
        approval.complete_approval(task, world.supervisor, {"notice_approved": True})
    db.session.refresh(notice)
    assert notice.status == NoticeStatus.RETURNED and notice.review_comment == "Qisqaroq"
    # The page answers the supervisor who comes late, as before.
    assert decide(as_user(world.supervisor), notice, "approve").status_code == 302
    db.session.refresh(notice)
    assert notice.status == NoticeStatus.RETURNED


def test_an_approval_in_incident_moves_to_a_corrected_version_and_the_retry_succeeds(
    world: World, as_user: AsUser
) -> None:
    bundled = read_process_directory(f"{current_app.config['PROCESSES_DIR']}/notices")
    broken = dict(bundled)
    assert APPROVED in broken["prevention_notice.bpmn"]
    broken["prevention_notice.bpmn"] = broken["prevention_notice.bpmn"].replace(
        APPROVED, ">notice_approved and missing_value == 1</bpmn:conditionExpression>"
    )
    publish_files(approval.PROCESS, broken, note="broken condition")
    db.session.commit()
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    with pytest.raises(StepFailed):
        approval.complete_approval(_task(notice), world.supervisor, {"notice_approved": True})
    found = instance_row(approval.subject(notice.id))
    assert found is not None and found[0].status == "incident"
    assert _task(notice).name == "approve_notice"  # nothing of the step was saved
    db.session.refresh(notice)
    assert notice.status == NoticeStatus.AWAITING_APPROVAL

    publish_files(approval.PROCESS, bundled, note="corrected")
    db.session.commit()
    target = latest_version(approval.PROCESS)
    assert target is not None
    ref = f"notice-{notice.id}"
    assert [(p.ref, p.check.movable) for p in migration_plan(approval.PROCESS, target)] == [(ref, True)]
    assert migrate_cases(approval.PROCESS, target, world.methodologist).moved == (ref,)
    assert approval.retry_approval(notice.id, world.admin) == 0  # nobody subscribed
    found = instance_row(approval.subject(notice.id))
    assert found is not None and found[0].status == "running" and found[0].process_version_id == target.id
    db.session.refresh(notice)
    assert notice.status == NoticeStatus.APPROVED and notice.reviewer_id == world.supervisor.id
    kinds = [e.kind for e in events_of(approval.subject(notice.id))]
    assert kinds.count("incident") == 1 and "migrated" in kinds and kinds[-1] == "task_completed"


def test_the_studios_sandbox_runs_an_approval_version_with_a_written_notices_start_data(
    world: World, as_user: AsUser
) -> None:
    version = current_version(approval.PROCESS)
    db.session.commit()
    client = as_user(world.methodologist)
    _page, offered = offered_start_data(client, approval.PROCESS)
    sample = json.loads(offered)
    assert set(sample) == {"title"} and sample == approval.start_data(sample["title"])  # not a sample appeal's
    run_url = start_run(client, approval.PROCESS, str(version.id))

    refused = complete(client, run_url, {"supervisor_comment": "x" * 2001}, "notice_approved", status=200)
    assert "is-invalid" in refused  # too long a comment: the same task waits
    complete(client, run_url, {"notice_approved": True, "supervisor_comment": "Yaxshi"}, "notice_approved")

    run = the_run()
    assert run.process_version_id == version.id and run.is_completed
    assert run.data["title"] == sample["title"] and run.data["notice_approved"] is True
    assert f"{approval.PROCESS}:end_approved" in run.path
    assert (count(PreventionNotice), count(ProcessInstance), count(PendingTask)) == (0, 0, 0)
