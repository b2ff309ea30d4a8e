"""engine.diff on the bundled diagrams and one-change variants of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import DiagramError, diff_libraries
from tests.process_changes.variants import ANALYSIS, relabelled, with_step_after_analysis

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(PROCESSES.iterdir()) if path.is_file()}


def test_identical_versions_have_no_changes(files: dict[str, str]) -> None:
    assert diff_libraries(files, dict(files)).is_empty


def test_a_changed_label_is_a_form_field_change_of_its_task(files: dict[str, str]) -> None:
    diff = diff_libraries(files, relabelled(files))
    [change] = diff.elements
    assert (change.file, change.element_id, change.change, change.attributes) == (
        ANALYSIS,
        "analyse_appeal",
        "changed",
        (),
    )
    [field] = change.fields
    assert field.field_id == "causes" and field.change == "changed"
    assert [(a.attribute, a.before, a.after) for a in field.attributes] == [
        ("label", "Sabablar va holatlar", "Muammoning sabablari")
    ]


def test_an_added_step_shows_the_task_its_form_and_the_rewired_flows(files: dict[str, str]) -> None:
    diff = diff_libraries(files, with_step_after_analysis(files))
    by_id = {e.element_id: e for e in diff.elements}
    assert by_id["confirm_analysis"].change == "added"
    assert by_id["confirm_analysis"].element_type == "userTask"
    assert [(f.field_id, f.change) for f in by_id["confirm_analysis"].fields] == [("analysis_confirmed", "added")]
    assert by_id["flow_confirm_analysis_to_set_deadline"].change == "added"
    retarget = by_id["flow_analyse_appeal_to_set_deadline"].attributes
    assert [(a.attribute, a.before, a.after) for a in retarget] == [("target", "set_deadline", "confirm_analysis")]
    assert diff.element_ids(ANALYSIS, "added") == ["confirm_analysis", "flow_confirm_analysis_to_set_deadline"]


def test_removed_elements_conditions_timers_and_enum_values(files: dict[str, str]) -> None:
    changed = dict(files)
    text = files[ANALYSIS]
    changed[ANALYSIS] = text.replace('<camunda:value id="high" name="Yuqori"/>', "").replace(
        ">reminder_at<", ">deadline_at<", 1
    )
    diff = diff_libraries(files, changed)
    [timer] = [e for e in diff.elements if e.element_id == "analyse_appeal_reminder"]
    assert [(a.attribute, a.before, a.after) for a in timer.attributes] == [("timer", "reminder_at", "deadline_at")]
    [change] = [e for e in diff.elements if e.element_id == "analyse_appeal"]
    [severity] = change.fields
    assert severity.attributes[0].attribute == "enum_values"
    assert "high=Yuqori" in severity.attributes[0].before and "high" not in severity.attributes[0].after
    reverse = diff_libraries(changed, files)
    assert [f.field_id for e in reverse.elements for f in e.fields] == ["severity"]


def test_dmn_rules_added_removed_and_changed(files: dict[str, str]) -> None:
    name = "appeal_routing.dmn"
    changed = dict(files)
    changed[name] = files[name].replace('<text>"law_enforcement"</text>', '<text>"district_police"</text>', 1)
    changed[name] = changed[name].replace('<rule id="route_rule_2">', '<rule id="route_rule_2b">')
    diff = diff_libraries(files, changed)
    rules = {(r.rule_id, r.change) for r in diff.rules}
    assert ("route_rule_1", "changed") in rules
    assert {("route_rule_2", "removed"), ("route_rule_2b", "added")} <= rules
    [rule_1] = [r for r in diff.rules if r.rule_id == "route_rule_1"]
    assert '"law_enforcement"' in rule_1.before and '"district_police"' in rule_1.after


def test_a_hostile_document_is_refused_with_the_file_named(files: dict[str, str]) -> None:
    hostile = dict(files)
    hostile[ANALYSIS] = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(DiagramError) as raised:
        diff_libraries(files, hostile)
    assert raised.value.problems[0].file == ANALYSIS
