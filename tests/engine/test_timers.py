"""BPMN timers under an injected clock: no test here sleeps.

The appeal diagrams carry non-interrupting timers: a reminder on the inspector's long tasks at
``reminder_at`` and, on the stage call activities, an escalation at ``deadline_at`` leading to the
supervisor's ``review_overdue_case``. The application keeps both moments in the case data.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

from engine import Instance, ProcessLibrary, load_library
from engine.clock import frozen_at, timer_now
from tests.engine.test_appeal_paths import registration

UTC = dt.UTC
EVENTS = Path(__file__).resolve().parent / "diagrams" / "events.bpmn"
DEADLINE = dt.datetime(2099, 3, 16, 19, 0, tzinfo=UTC)  # 2099-03-17 00:00 in Tashkent
REMINDER = dt.datetime(2099, 3, 14, 4, 0, tzinfo=UTC)  # 2099-03-14 09:00 in Tashkent
REGISTERED = dt.datetime(2099, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def events_library() -> ProcessLibrary:
    return load_library({EVENTS.name: EVENTS.read_bytes()}, "events_test", allowed_lanes=("inspector", "supervisor"))


def ready(instance: Instance) -> list[str]:
    return sorted(task.name for task in instance.ready_user_tasks())


def at_analysis(library: ProcessLibrary, start_data: dict[str, Any]) -> Instance:
    instance = Instance.start(library, start_data, now=REGISTERED)
    (task,) = instance.ready_user_tasks()
    instance.complete(task.id, registration(), now=REGISTERED)
    assert ready(instance) == ["analyse_appeal"]
    return instance


def test_duration_timer_fires_at_the_injected_time_only(events_library):
    started = dt.datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    instance = Instance.start(events_library, {"appeal_number": "2030-000001"}, now=started)
    assert instance.next_timer_due() == started + dt.timedelta(seconds=0.2)
    instance.fire_due_timers(started + dt.timedelta(seconds=0.1))
    assert ready(instance) == ["review"]
    instance.fire_due_timers(started + dt.timedelta(seconds=1))
    assert ready(instance) == ["escalate", "review"]
    assert instance.next_timer_due() is None


def test_next_timer_is_the_reminder_then_the_deadline(library, start_data):
    instance = at_analysis(library, start_data)
    assert instance.next_timer_due() == REMINDER
    restored = Instance.restore(library, instance.serialize())
    assert restored.next_timer_due() == REMINDER

    restored.fire_due_timers(REMINDER - dt.timedelta(seconds=1))
    assert restored.elements_completed() == []
    restored.fire_due_timers(REMINDER + dt.timedelta(seconds=1))
    assert "analyse_appeal_reminder" in restored.elements_completed()
    assert ready(restored) == ["analyse_appeal"]  # non-interrupting: the task stays
    assert restored.next_timer_due() == DEADLINE


def test_overdue_stage_escalates_to_the_supervisor_without_interrupting(library, start_data):
    instance = at_analysis(library, start_data)
    instance.fire_due_timers(DEADLINE + dt.timedelta(days=1))
    assert ready(instance) == ["analyse_appeal", "review_overdue_case"]
    review = next(t for t in instance.ready_user_tasks() if t.name == "review_overdue_case")
    assert review.lane == "supervisor"
    assert review.properties == {"norm": "P1D"}
    assert instance.next_timer_due() is None
    instance.complete(review.id, {"overdue_decision": "instruct", "overdue_instruction": "Ertaga javob bering"})
    assert ready(instance) == ["analyse_appeal"]


def test_a_moved_deadline_moves_the_waiting_timers(library, start_data):
    instance = at_analysis(library, start_data)
    later = "2099-04-17T00:00:00+05:00"
    assert instance.set_timer_data({"deadline_at": later, "reminder_at": "2099-04-14T09:00:00+05:00"}, now=REGISTERED)
    assert instance.next_timer_due() == dt.datetime(2099, 4, 14, 4, 0, tzinfo=UTC)
    instance.fire_due_timers(DEADLINE + dt.timedelta(days=1))
    assert ready(instance) == ["analyse_appeal"]
    assert not instance.set_timer_data({"deadline_at": later}, now=REGISTERED)


def test_user_tasks_expose_their_norms(library, start_data):
    instance = Instance.start(library, start_data, now=REGISTERED)
    (task,) = instance.ready_user_tasks()
    assert task.properties == {"norm": "P1D"}
    assert library.user_task("take_measures").properties == {"norm": "P7D"}


def test_injected_time_is_private_to_its_thread():
    seen: list[dt.datetime] = []
    frozen = dt.datetime(2001, 1, 1, tzinfo=UTC)
    with frozen_at(frozen):
        worker = threading.Thread(target=lambda: seen.append(timer_now()))
        worker.start()
        worker.join()
        assert timer_now() == frozen
    assert seen[0].year >= 2026
    assert timer_now().year >= 2026
