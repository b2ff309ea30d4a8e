"""Moving real running cases to newer versions of the appeal process (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from tests.conftest import World
from tests.process_changes.variants import relabelled, with_step_after_analysis, without_analysis_task
from tests.webapp.cases import case_state, complete, drive_to, pending_names, register, the_task
from webapp.cases.models import CaseEvent, ProcessInstance, ProcessVersion
from webapp.cases.versions import publish_files
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.studio.changes.service import migrate_cases, migration_plan


def _publish(change: Callable[[dict[str, str]], dict[str, str]]) -> ProcessVersion:
    base = db.session.scalar(select(ProcessVersion).order_by(ProcessVersion.id))  # the bundled diagrams
    assert base is not None
    version = publish_files(base.process_id, change(dict(base.files)), note=change.__name__)
    db.session.commit()
    return version


def _case_at_analysis(world: World) -> Appeal:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    return appeal


def _instance(appeal: Appeal) -> ProcessInstance:
    db.session.expire_all()
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None
    return record


def test_a_case_moves_to_a_version_with_a_new_step_and_follows_it(world: World) -> None:
    appeal = _case_at_analysis(world)
    waiting = the_task(appeal, "analyse_appeal")
    old_version, old_lock = _instance(appeal).process_version_id, _instance(appeal).version
    target = _publish(with_step_after_analysis)

    [plan] = migration_plan(target.process_id, target)
    assert plan.ref == appeal.number and plan.check.movable
    assert "analyse_appeal" in [e.element_id for e in plan.check.current]

    report = migrate_cases(target.process_id, target, world.methodologist)
    assert report.moved == (appeal.number,) and report.failed == ()
    record = _instance(appeal)
    assert record.process_version_id == target.id and record.version == old_lock + 1
    assert the_task(appeal, "analyse_appeal").id == waiting.id  # the same task, its assignee kept
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "migrated"))
    assert event is not None and event.data == {"from_version": old_version, "to_version": target.id}
    assert event.actor_id == world.methodologist.id

    complete(world, appeal, "analyse_appeal")
    assert pending_names(appeal) == ["confirm_analysis"]  # the new step, only in the new version
    assert migration_plan(target.process_id, target) == []  # nothing left on older versions


def test_a_changed_label_moves_and_the_task_shows_the_new_form(world: World, as_user: Any) -> None:
    appeal = _case_at_analysis(world)
    target = _publish(relabelled)
    assert migrate_cases(target.process_id, target, world.methodologist).moved == (appeal.number,)
    page = as_user(world.inspector).get(f"/tasks/{the_task(appeal, 'analyse_appeal').id}")
    assert page.status_code == 200
    assert "Muammoning sabablari" in page.get_data(as_text=True)


def test_a_case_whose_task_was_removed_stays_and_says_why(world: World) -> None:
    appeal = _case_at_analysis(world)
    before = case_state(appeal)
    target = _publish(without_analysis_task)

    [plan] = migration_plan(target.process_id, target)
    assert not plan.check.movable
    assert {(b.element_id, b.code) for b in plan.check.blockers} >= {("analyse_appeal", "missing")}

    report = migrate_cases(target.process_id, target, world.methodologist)
    assert report.moved == ()
    [failure] = report.failed
    assert failure.ref == appeal.number
    assert "analyse_appeal" in [b.element_id for b in failure.blockers]
    assert case_state(appeal) == before  # untouched: state, version, tasks, events


def test_only_chosen_cases_move_and_each_on_its_own(world: World) -> None:
    first, second = _case_at_analysis(world), register(world)  # the second waits at check_registration
    target = _publish(with_step_after_analysis)
    report = migrate_cases(target.process_id, target, None, [_instance(second).id])
    assert report.moved == (second.number,)
    assert _instance(first).process_version_id != target.id
    complete(world, second, "check_registration")
    assert pending_names(second) == ["analyse_appeal"]


def test_migrate_cases_command_dry_run_and_move(world: World, app: Flask) -> None:
    appeal = _case_at_analysis(world)
    blocked = _publish(without_analysis_task)
    target = _publish(with_step_after_analysis)
    runner = app.test_cli_runner()

    def run(*args: str) -> Result:
        return runner.invoke(args=["migrate-cases", "appeal_lifecycle", *args])

    refused = run("--to", str(blocked.id), "--dry-run")
    assert refused.exit_code == 0, refused.output
    assert (
        f"{appeal.number}" in refused.output and "cannot move" in refused.output and "analyse_appeal" in refused.output
    )
    assert run("--to", "999", "--dry-run").exit_code != 0
    moved = run("--to", str(target.id))
    assert moved.exit_code == 0, moved.output
    assert "moved 1 case(s)" in moved.output
    assert _instance(appeal).process_version_id == target.id
