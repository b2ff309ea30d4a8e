"""engine.migration on live states of the bundled diagrams: which moves are safe, and the moved state runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from engine import Instance, MigrationRefused, ProcessLibrary, check_migration, load_library, migrate_state
from tests.process_changes.variants import ANALYSIS, relabelled, with_step_after_analysis, without_analysis_task
from tests.webapp.cases import ANSWERS

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
START = {
    "kind": "ariza",
    "anonymous": False,
    "representative_without_poa": False,
    "category": "other",
    "urgency": "normal",
    "channel": "walk_in",
    "mahalla": "m1",
    "appeal_number": "2026-000001",
    "deadline_term": "P15D",
    "deadline_at": "2099-03-17T00:00:00+05:00",
    "reminder_at": "2099-03-14T09:00:00+05:00",
}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(PROCESSES.iterdir()) if path.is_file()}


def _load(files: dict[str, str]) -> ProcessLibrary:
    return load_library(files, "appeal_lifecycle")


@pytest.fixture(scope="module")
def library(files: dict[str, str]) -> ProcessLibrary:
    return _load(files)


def _at_analysis(library: ProcessLibrary) -> str:
    instance = Instance.start(library, START)
    [task] = instance.ready_user_tasks()
    instance.complete(task.id, ANSWERS["check_registration"])
    assert [t.name for t in instance.ready_user_tasks()] == ["analyse_appeal"]
    return instance.serialize()


def _complete(library: ProcessLibrary, state: str, name: str, answers: dict[str, Any]) -> Instance:
    instance = Instance.restore(library, state)
    [task] = [t for t in instance.ready_user_tasks() if t.name == name]
    instance.complete(task.id, answers)
    return instance


def test_the_same_library_takes_any_state(library: ProcessLibrary) -> None:
    state = _at_analysis(library)
    check = check_migration(library, library, state)
    assert check.movable
    live = {(e.process_id, e.element_id, e.kind, e.state) for e in check.current}
    assert ("appeal_analysis", "analyse_appeal", "UserTask", "ready") in live
    assert ("appeal_analysis", "analyse_appeal_reminder", "BoundaryEvent/TimeDateEventDefinition", "waiting") in live
    assert ("appeal_lifecycle", "call_analysis", "CallActivity → appeal_analysis", "started") in live


def test_a_moved_state_keeps_the_task_and_its_data_and_takes_the_new_form(
    files: dict[str, str], library: ProcessLibrary
) -> None:
    state = _at_analysis(library)
    new = _load(relabelled(files))
    moved = Instance.restore(new, migrate_state(library, new, state))
    old_task = Instance.restore(library, state).ready_user_tasks()[0]
    [task] = moved.ready_user_tasks()
    assert task.id == old_task.id and task.prefill == old_task.prefill
    assert task.form.field("causes").label == "Muammoning sabablari"  # type: ignore[union-attr]
    assert moved.current_data()["category"] == "public_safety"
    assert moved.next_timer_due() == Instance.restore(library, state).next_timer_due()  # timers keep their moment


def test_a_step_added_after_the_current_one_is_taken(files: dict[str, str], library: ProcessLibrary) -> None:
    new = _load(with_step_after_analysis(files))
    moved = migrate_state(library, new, _at_analysis(library))
    after = _complete(new, moved, "analyse_appeal", ANSWERS["analyse_appeal"])
    assert [t.name for t in after.ready_user_tasks()] == ["confirm_analysis"]
    # The old library would have gone straight on to the resolution stage.
    unmoved = _complete(library, _at_analysis(library), "analyse_appeal", ANSWERS["analyse_appeal"])
    assert [t.name for t in unmoved.ready_user_tasks()] == ["take_measures"]


def test_a_removed_current_task_refuses_the_move(files: dict[str, str], library: ProcessLibrary) -> None:
    new = _load(without_analysis_task(files))
    state = _at_analysis(library)
    check = check_migration(library, new, state)
    assert not check.movable
    assert {(b.element_id, b.code) for b in check.blockers} == {
        ("analyse_appeal", "missing"),
        ("analyse_appeal_reminder", "missing"),
    }
    with pytest.raises(MigrationRefused):
        migrate_state(library, new, state)


def test_a_changed_element_type_refuses_the_move(files: dict[str, str], library: ProcessLibrary) -> None:
    changed = dict(files)
    changed[ANALYSIS] = (
        files[ANALYSIS]
        .replace(
            '<bpmn:userTask id="analyse_appeal" name="Murojaatni tahlil qilish" camunda:formKey="analyse_appeal">',
            '<bpmn:manualTask id="analyse_appeal" name="Murojaatni tahlil qilish">',
        )
        .replace(
            '</bpmn:userTask>\n    <bpmn:scriptTask id="set_deadline"',
            '</bpmn:manualTask>\n    <bpmn:scriptTask id="set_deadline"',
        )
    )
    new = _load(changed)
    [blocker] = check_migration(library, new, _at_analysis(library)).blockers
    assert (blocker.element_id, blocker.code, blocker.old_kind, blocker.new_kind) == (
        "analyse_appeal",
        "type_changed",
        "UserTask",
        "ManualTask",
    )


def test_a_case_still_in_registration_moves_past_a_changed_later_stage(
    files: dict[str, str], library: ProcessLibrary
) -> None:
    state = Instance.start(library, START).serialize()
    new = _load(without_analysis_task(files))
    assert check_migration(library, new, state).movable  # the removed task lies ahead, not where the case is
    moved = Instance.restore(new, migrate_state(library, new, state))
    [task] = moved.ready_user_tasks()
    moved.complete(task.id, ANSWERS["check_registration"])
    assert [t.name for t in moved.ready_user_tasks()] == ["study_appeal"]


def test_a_removed_step_the_case_has_passed_is_named_as_such(files: dict[str, str], library: ProcessLibrary) -> None:
    """The reminder fired while the case was at analyse_appeal: that branch keeps the finished task in the state."""
    reminded = Instance.restore(library, _at_analysis(library))
    reminded.fire_due_timers(dt.datetime(2099, 3, 14, 12, tzinfo=dt.UTC))
    assert "appeal_analysis:analyse_appeal_reminder" in reminded.elements_completed(qualified=True)
    answers = {**ANSWERS["analyse_appeal"], "crime_related": True}
    referred = _complete(library, reminded.serialize(), "analyse_appeal", answers)
    assert [t.name for t in referred.ready_user_tasks()] == ["refer_law_enforcement"]
    check = check_migration(library, _load(without_analysis_task(files)), referred.serialize())
    passed = {b.element_id: b.live for b in check.blockers}
    assert passed.get("analyse_appeal") is False  # finished, but the live state still hangs on it
    assert "refer_law_enforcement" not in passed
