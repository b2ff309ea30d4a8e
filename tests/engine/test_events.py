"""Timers and messages: Instance.fire_due_timers and Instance.deliver_message.

The appeal diagrams use neither yet, so diagrams/events.bpmn is a small Camunda diagram: the
inspector's ``review`` has a non-interrupting boundary timer (``"PT0.2S"``, a Python expression,
as SpiffWorkflow evaluates timer values) leading to the supervisor's ``escalate``; after
``review`` an intermediate catch event waits for the message ``citizen_reply``.

With a Camunda diagram SpiffWorkflow 3.2.0 parses message events into its camunda
MessageEventDefinition, which stores a caught payload under ``<catch event id>_Response`` (here
``wait_reply_Response``; a ``camunda:resultVariable`` on the catch event is ignored, only the
thrower's ``result_var`` counts).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from engine import Instance, ProcessLibrary, load_library

DIAGRAM = Path(__file__).resolve().parent / "diagrams" / "events.bpmn"
PROCESS_ID = "events_test"
LANES = ("inspector", "supervisor", "partner")
TIMER_SECONDS = 0.2
PAST_TIMER_SECONDS = 0.25
START_DATA = {"appeal_number": "2026-000042"}


@pytest.fixture(scope="module")
def events_library() -> ProcessLibrary:
    return load_library({DIAGRAM.name: DIAGRAM.read_bytes()}, PROCESS_ID, allowed_lanes=LANES)


@pytest.fixture(scope="module")
def escalated_state(events_library: ProcessLibrary) -> str:
    """The serialized state once the timer has fired: review and escalate both ready."""
    instance = Instance.start(events_library, START_DATA)
    time.sleep(PAST_TIMER_SECONDS)
    instance.fire_due_timers()
    return instance.serialize()


def names(instance: Instance) -> list[str]:
    return sorted(t.name for t in instance.ready_user_tasks())


def complete(instance: Instance, name: str, data: dict[str, Any]) -> None:
    (task,) = [t for t in instance.ready_user_tasks() if t.name == name]
    instance.complete(task.id, data)


def waiting_for_reply(library: ProcessLibrary, state: str) -> Instance:
    """Restore the escalated state and complete review: the main path waits for the message."""
    instance = Instance.restore(library, state)
    complete(instance, "review", {"review_note": "Ko'rib chiqildi"})
    return instance


def test_the_diagram_loads_with_its_lanes_and_forms(events_library: ProcessLibrary) -> None:
    assert events_library.warnings == []
    review = events_library.user_task("review")
    escalate = events_library.user_task("escalate")
    assert review is not None and escalate is not None
    assert (review.lane, escalate.lane) == ("inspector", "supervisor")
    assert [f.id for f in review.form.fields] == ["review_note"]
    assert [f.id for f in escalate.form.fields] == ["escalation_note"]


def test_at_start_only_review_is_ready_and_a_timer_not_yet_due_does_nothing(events_library: ProcessLibrary) -> None:
    started = time.monotonic()
    instance = Instance.start(events_library, START_DATA)
    assert names(instance) == ["review"]
    instance.fire_due_timers()
    if time.monotonic() - started >= TIMER_SECONDS * 0.75:
        pytest.skip("this machine is too slow to check the timer before it is due")
    assert names(instance) == ["review"]
    assert not instance.is_completed
    assert Instance.restore(events_library, instance.serialize()).ready_user_tasks()[0].name == "review"


def test_a_due_timer_escalates_without_interrupting_review(
    events_library: ProcessLibrary, escalated_state: str
) -> None:
    instance = Instance.restore(events_library, escalated_state)
    assert names(instance) == ["escalate", "review"]
    lanes = {t.name: t.lane for t in instance.ready_user_tasks()}
    assert lanes == {"review": "inspector", "escalate": "supervisor"}
    assert not instance.is_completed


def test_serialize_and_restore_keep_both_tasks(events_library: ProcessLibrary, escalated_state: str) -> None:
    instance = Instance.restore(events_library, escalated_state)
    again = Instance.restore(events_library, instance.serialize())
    assert names(again) == ["escalate", "review"]
    assert {t.id for t in again.ready_user_tasks()} == {t.id for t in instance.ready_user_tasks()}
    assert again.current_data()["appeal_number"] == START_DATA["appeal_number"]


def test_the_timer_fires_only_once(events_library: ProcessLibrary, escalated_state: str) -> None:
    instance = Instance.restore(events_library, escalated_state)
    time.sleep(PAST_TIMER_SECONDS)
    instance.fire_due_timers()
    assert names(instance) == ["escalate", "review"]


def test_completing_review_leaves_the_case_waiting_for_the_message(
    events_library: ProcessLibrary, escalated_state: str
) -> None:
    instance = waiting_for_reply(events_library, escalated_state)
    assert names(instance) == ["escalate"]
    assert instance.elements_completed() == ["review"]
    assert not instance.is_completed

    restored = Instance.restore(events_library, instance.serialize())
    assert names(restored) == ["escalate"]
    complete(restored, "escalate", {"escalation_note": "Nazoratga olindi"})
    assert restored.ready_user_tasks() == []
    assert not restored.is_completed, "the main path still waits for citizen_reply"


def test_escalating_first_still_leaves_review_and_the_message(
    events_library: ProcessLibrary, escalated_state: str
) -> None:
    instance = Instance.restore(events_library, escalated_state)
    complete(instance, "escalate", {"escalation_note": "Nazoratga olindi"})
    assert names(instance) == ["review"]
    complete(instance, "review", {})
    assert instance.ready_user_tasks() == []
    assert not instance.is_completed


def test_a_message_nobody_waits_for_is_refused_and_changes_nothing(
    events_library: ProcessLibrary, escalated_state: str
) -> None:
    instance = waiting_for_reply(events_library, escalated_state)
    before = instance.serialize()
    assert instance.deliver_message("other", {}) is False
    assert instance.deliver_message("other", {"answer": "ok"}) is False
    assert instance.serialize() == before
    assert names(instance) == ["escalate"]
    assert not instance.is_completed


def test_the_message_is_refused_while_review_is_still_open(events_library: ProcessLibrary) -> None:
    instance = Instance.start(events_library, START_DATA)
    before = instance.serialize()
    assert instance.deliver_message("citizen_reply", {"answer": "early"}) is False
    assert instance.serialize() == before
    assert names(instance) == ["review"]


def payload_reached(data: dict[str, Any], payload: dict[str, Any]) -> bool:
    """The payload merged into the data, or stored whole under a variable (SpiffWorkflow's
    camunda messages use ``<catch event id>_Response``)."""
    merged = all(data.get(k) == v for k, v in payload.items())
    return merged or payload in data.values()


def test_the_awaited_message_is_delivered_with_its_payload(
    events_library: ProcessLibrary, escalated_state: str
) -> None:
    instance = waiting_for_reply(events_library, escalated_state)
    assert instance.deliver_message("other", {}) is False
    assert names(instance) == ["escalate"]

    assert instance.deliver_message("citizen_reply", {"answer": "ok"}) is True
    assert instance.elements_completed()[-2:] == ["wait_reply", "end_event"]
    assert names(instance) == ["escalate"]
    assert not instance.is_completed

    restored = Instance.restore(events_library, instance.serialize())
    complete(restored, "escalate", {"escalation_note": "Nazoratga olindi"})
    assert restored.is_completed
    data = restored.current_data()
    assert payload_reached(data, {"answer": "ok"}), data
    assert data["review_note"] == "Ko'rib chiqildi"
    assert data["escalation_note"] == "Nazoratga olindi"
