"""The citizen's dissatisfaction reopens a case: the message ``citizen_dissatisfied`` interrupts
the supervisor's evaluation in stage 5 and sends the case back to resolution (stage 3)."""

from __future__ import annotations

from typing import Any

from engine import Instance, ProcessLibrary
from tests.engine.test_appeal_paths import EFFECTIVENESS, MEASURES, REPLY, RESULT, analysis, registration, round_trip


def _complete_only(instance: Instance, name: str, submitted: dict[str, Any]) -> None:
    ready = instance.ready_user_tasks()
    assert [t.name for t in ready] == [name]
    instance.complete(ready[0].id, submitted)


def _at_evaluation(library: ProcessLibrary, start_data: dict[str, Any]) -> Instance:
    instance = Instance.start(library, start_data)
    for name, submitted in (
        ("check_registration", registration("ariza")),
        ("analyse_appeal", analysis()),
        ("take_measures", MEASURES),
        ("prepare_reply", REPLY),
        ("record_result", RESULT),
    ):
        _complete_only(instance, name, submitted)
    assert [t.name for t in instance.ready_user_tasks()] == ["evaluate_effectiveness"]
    return round_trip(library, instance)


def test_dissatisfied_message_loops_back_to_resolution(library, start_data):
    instance = _at_evaluation(library, start_data)
    assert instance.current_data()["status"] == "answered"

    payload = {"score": 1, "resolved": False, "comment": "Chiroqlar hali ham yonmayapti."}
    assert instance.deliver_message("citizen_dissatisfied", payload) is True

    ready = instance.ready_user_tasks()
    assert [(t.name, t.lane) for t in ready] == [("take_measures", "inspector")]
    data = instance.current_data()
    assert data["stage"] == 3
    assert data["status"] == "under_review"
    assert data["reopened"] is False
    assert data["citizen_dissatisfied_received_Response"] == payload
    elements = instance.elements_completed()
    assert elements[:5] == [
        "citizen_dissatisfied_received",
        "mark_reopened",
        "end_reopened",
        "call_monitoring",
        "gw_reopened",
    ]
    assert "evaluate_effectiveness" not in elements
    assert "mark_closed" not in elements
    assert elements[-2:] == ["start_resolution", "gw_kind"]
    assert not instance.is_completed

    # the reopened case survives serialization and runs to the end a second time
    instance = round_trip(library, instance)
    for name, submitted in (
        ("take_measures", MEASURES),
        ("prepare_reply", REPLY),
        ("record_result", RESULT),
        ("evaluate_effectiveness", EFFECTIVENESS),
    ):
        _complete_only(instance, name, submitted)
        instance = round_trip(library, instance)
    assert instance.is_completed
    final = instance.current_data()
    assert final["status"] == "answered"
    assert final["closed"] is True
    assert final["reopened"] is False


def test_the_message_is_refused_before_stage_five(library, start_data):
    instance = Instance.start(library, start_data)
    assert instance.deliver_message("citizen_dissatisfied", {"score": 1}) is False
    assert [t.name for t in instance.ready_user_tasks()] == ["check_registration"]


def test_satisfied_case_closes_without_looping(library, start_data):
    instance = _at_evaluation(library, start_data)
    _complete_only(instance, "evaluate_effectiveness", EFFECTIVENESS)
    assert instance.is_completed
    elements = instance.elements_completed()
    assert elements[-3:] == ["call_monitoring", "gw_reopened", "end_closed"]
    assert "call_resolution" not in elements
    assert instance.deliver_message("citizen_dissatisfied", {}) is False
