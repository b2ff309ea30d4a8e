"""engine.walk gives the tasks SpiffWorkflow's own iterator gives, in its order, for every filter
the engine uses and more, on every state an appeal passes through (call activities running and
finished, a referral's sub-process, a cancelled main flow) and on every walk made during its steps
(SpiffWorkflow's own, through engine.workflows, included)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState  # noqa: TID251 - the reference the walk must equal

from engine import Instance, sandbox, walk
from engine.serialization import StateSerializer
from engine.workflows import EngineSubWorkflow, EngineWorkflow
from tests.engine.test_appeal_paths import (
    ACKNOWLEDGE,
    EFFECTIVENESS,
    LAW_ENFORCEMENT,
    MEASURES,
    OUTCOME,
    REPLY,
    RESULT,
    analysis,
    approve_reply,
    registration,
)

FILTERS = [
    (TaskState.ANY_MASK, None),
    (TaskState.READY, True),
    (TaskState.READY, None),
    (TaskState.READY, False),
    (TaskState.WAITING, None),
    (TaskState.COMPLETED, None),
    (TaskState.COMPLETED | TaskState.STARTED, None),
    (TaskState.STARTED, None),
    (TaskState.NOT_FINISHED_MASK, None),
    (TaskState.FINISHED_MASK, None),
    (TaskState.PREDICTED_MASK, None),
    (TaskState.FUTURE, None),
    (TaskState.CANCELLED, None),
]

PATH = [
    registration("shikoyat"),
    analysis(crime=True),
    LAW_ENFORCEMENT,
    ACKNOWLEDGE,
    OUTCOME,
    MEASURES,
    REPLY,
    approve_reply(False, "Javobni aniqlashtiring"),
    REPLY,
    approve_reply(True),
    RESULT,
    EFFECTIVENESS,
]


def _spiffworkflows(part: Any, mask: int, manual: bool | None) -> list[int]:
    return [id(t) for t in part.get_tasks_iterator(state=mask, manual=manual)]


def _assert_same_walks(library: Any, state: str) -> int:
    workflow = StateSerializer().loads(state, library.spec, library.subprocess_specs)
    compared = 0
    for part in (workflow, *workflow.subprocesses.values()):
        for mask, manual in FILTERS:
            expected = _spiffworkflows(part, mask, manual)
            assert [id(t) for t in walk.tasks(part, mask, manual)] == expected, (mask, manual)
            assert [id(t) for t in part.get_tasks(state=mask, manual=manual)] == expected, (mask, manual)
            compared += len(expected)
    return compared


@pytest.fixture
def every_walk_compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Steps run in this process, every walk compared with SpiffWorkflow's iterator as it is made."""
    own = walk.tasks
    made: list[int] = []

    def compared(workflow: Any, state: int = TaskState.ANY_MASK, manual: bool | None = None) -> list[Any]:
        found = own(workflow, state, manual)
        assert [id(t) for t in found] == _spiffworkflows(workflow, state, manual), (state, manual)
        made.append(state)
        return found

    monkeypatch.setattr(walk, "tasks", compared)
    sandbox.configure(sandbox.limits(), isolated=False)
    try:
        yield made
    finally:
        sandbox.configure(sandbox.limits(), isolated=True)


def test_the_walk_equals_spiffworkflows_on_a_whole_appeal(library, start_data, every_walk_compared):
    instance = Instance.start(library, {**start_data, "kind": "shikoyat"})
    compared = _assert_same_walks(library, instance.serialize())
    for submitted in PATH:
        (task,) = instance.ready_user_tasks()
        instance.complete(task.id, submitted)
        compared += _assert_same_walks(library, instance.serialize())
    assert instance.is_completed
    assert compared > 1000  # the comparison saw tasks in every part of the path
    # … and every walk of the steps themselves: SpiffWorkflow's search for ready tasks after each
    # task it ran, the engine's own (the step's path, the event sub-processes, the ready tasks).
    assert len(every_walk_compared) > 300
    assert {TaskState.READY, TaskState.WAITING, TaskState.ANY_MASK} <= set(every_walk_compared)


def test_cases_are_the_engines_workflows_and_their_states_spiffworkflows(library, start_data):
    instance = Instance.start(library, start_data)
    (task,) = instance.ready_user_tasks()
    instance.complete(task.id, registration())  # now inside the analysis call activity
    state = instance.serialize()
    workflow = StateSerializer().loads(state, library.spec, library.subprocess_specs)
    assert type(workflow) is EngineWorkflow
    assert workflow.subprocesses and all(type(sub) is EngineSubWorkflow for sub in workflow.subprocesses.values())
    assert {sub["typename"] for sub in json.loads(state)["subprocesses"].values()} == {"BpmnSubWorkflow"}


def test_the_walk_equals_spiffworkflows_after_a_withdrawal(library, start_data, every_walk_compared):
    instance = Instance.start(library, start_data)
    (task,) = instance.ready_user_tasks()
    instance.complete(task.id, registration())
    assert instance.deliver_message("appeal_withdrawn", {"reason": "hal bo'ldi"})
    _assert_same_walks(library, instance.serialize())


def test_a_task_below_a_predicted_one_is_not_visited():
    """SpiffWorkflow does not look below predicted tasks for definite ones; neither does the walk."""

    class Spec:
        manual = False

    class Task:
        def __init__(self, state: int, children: list[str], workflow: Any) -> None:
            self._state, self._children, self.task_spec, self.workflow = state, children, Spec(), workflow
            self.id = object()

    class Workflow:
        def __init__(self) -> None:
            self.top_workflow = self
            self.subprocesses: dict[Any, Any] = {}
            self.tasks = {
                "root": Task(TaskState.COMPLETED, ["maybe"], self),
                "maybe": Task(TaskState.MAYBE, ["ready"], self),
                "ready": Task(TaskState.READY, [], self),
            }
            self.task_tree = self.tasks["root"]

    workflow = Workflow()
    assert walk.tasks(workflow, TaskState.READY) == []
    assert walk.tasks(workflow, TaskState.ANY_MASK) == list(workflow.tasks.values())
