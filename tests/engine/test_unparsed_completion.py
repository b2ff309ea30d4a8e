"""A completion as the web process runs it (issue 16): the stored text goes to the engine process
unparsed, which validates the submission, sets the timer data brought along and answers a view of
the new state. What this side then reads must be what the parsed state shows."""

from __future__ import annotations

from typing import Any

import pytest

from engine import FormInvalid, Instance, ProcessLibrary, TaskNotReady
from tests.engine.test_appeal_paths import analysis, registration

LATER = {"deadline_at": "2099-04-17T00:00:00+05:00", "reminder_at": "2099-04-14T09:00:00+05:00"}


def _parsed_view(instance: Instance) -> tuple[Any, ...]:
    return (
        [(t.id, t.name, dict(t.variables)) for t in instance.ready_user_tasks()],
        instance.current_data(),
        instance.is_completed,
        instance.next_timer_due(),
        instance.timer_reads(),
    )


def _stored(library: ProcessLibrary, start_data: dict[str, Any]) -> str:
    return Instance.start(library, {**start_data, "kind": "shikoyat"}).serialize()


def test_the_answered_view_is_what_the_parsed_state_shows(library: ProcessLibrary, start_data: dict[str, Any]) -> None:
    state = _stored(library, start_data)
    waiting = Instance.restore(library, state).ready_user_tasks()
    instance = Instance.load(library, state)
    task_id = waiting[0].id
    assert instance.task_variables_before() == {}
    clean = instance.complete(task_id, registration("shikoyat"))
    assert clean["kind"] == "shikoyat"
    assert instance.ready_ids_before() == {t.id for t in waiting}
    assert instance.task_variables_before() == dict(waiting[0].variables)
    assert instance.task_variables_before()["appeal_number"] == start_data["appeal_number"]
    answered = _parsed_view(instance)
    assert answered == _parsed_view(Instance.restore(library, instance.serialize()))
    assert answered[0][0][1] == "analyse_appeal"
    assert answered[3] is not None  # the analysis reminder waits


def test_timer_data_brought_along_is_set_by_the_step(library: ProcessLibrary, start_data: dict[str, Any]) -> None:
    state = _stored(library, start_data)
    instance = Instance.load(library, state)
    task_id = next(iter(Instance.restore(library, state).ready_ids_before()))
    instance.complete(task_id, registration("shikoyat"), timers=LATER)
    assert {name: instance.current_data()[name] for name in LATER} == LATER
    assert not instance.set_timer_data(LATER)  # nothing left to set, nothing parsed for it
    parsed = Instance.restore(library, instance.serialize())
    assert {name: parsed.current_data()[name] for name in LATER} == LATER
    assert not parsed.set_timer_data(LATER)
    # Other values are set as before: on this side, with the timers evaluated again.
    assert instance.set_timer_data({**LATER, "deadline_at": "2099-05-01T00:00:00+05:00"})
    assert instance.current_data()["deadline_at"] == "2099-05-01T00:00:00+05:00"


def test_the_engine_process_refuses_a_bad_submission_like_this_side(
    library: ProcessLibrary, start_data: dict[str, Any]
) -> None:
    state = _stored(library, start_data)
    task_id = next(iter(Instance.restore(library, state).ready_ids_before()))
    instance = Instance.load(library, state)
    instance.complete(task_id, registration("shikoyat"))
    analyse = instance.ready_user_tasks()[0]
    bad = {**analysis(), "severity": "catastrophic"}
    with pytest.raises(FormInvalid) as remote:
        Instance.load(library, instance.serialize()).complete(analyse.id, bad)
    with pytest.raises(FormInvalid) as local:
        Instance.restore(library, instance.serialize()).complete(analyse.id, bad)
    assert remote.value.errors == local.value.errors
    assert [e.field for e in remote.value.errors] == ["severity"]
    with pytest.raises(TaskNotReady):
        Instance.load(library, instance.serialize()).complete(task_id, registration("shikoyat"))
