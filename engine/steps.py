"""One engine step on a SpiffWorkflow workflow: the code that evaluates diagram code.

Every function here runs scripts, gateway conditions, timer expressions or decision tables, so
they are called only inside the isolated engine process (engine.sandbox_worker), never in a web
or job process. Each takes the workflow, runs one step and maps failures to coded problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine import walk
from engine.clock import frozen_at
from engine.data_limits import DataLimits, data_problem
from engine.errors import EngineError, EngineStepFailed
from engine.failures import step_failure
from engine.library import ProcessLibrary
from engine.parser import EngineMessage
from engine.submission import ready_task
from engine.thrown_events import interrupt, keep_answers_in_item, uncaught_failure
from engine.workflows import EngineWorkflow

_STEP_ERRORS = (
    SpiffWorkflowException,
    EngineError,
    ValueError,
    TypeError,
    AttributeError,
    NameError,
    KeyError,
    MemoryError,
    RecursionError,
)


def new_workflow(library: ProcessLibrary, data: Mapping[str, Any], script_engine: Any) -> BpmnWorkflow:
    workflow = EngineWorkflow(library.spec, library.subprocess_specs, script_engine=script_engine)
    workflow.set_data(**dict(data))
    workflow.task_tree.data.update(dict(data))
    for task in walk.tasks(workflow, TaskState.READY):
        task.data.update(dict(data))
    return workflow


def _engine_steps(workflow: BpmnWorkflow, library: ProcessLibrary) -> None:
    try:
        workflow.do_engine_steps()
        if interrupt(workflow, library.event_subprocesses, library.interrupting_event_subprocesses):
            workflow.do_engine_steps()
    except _STEP_ERRORS as exc:
        raise step_failure(exc) from None
    uncaught = uncaught_failure(workflow)
    if uncaught is not None:
        raise uncaught


def run(workflow: BpmnWorkflow, library: ProcessLibrary, now: datetime | None) -> None:
    """Run automatic steps (scripts, gateways, call activities) until people are needed."""
    with frozen_at(now):
        _engine_steps(workflow, library)


def complete(
    workflow: BpmnWorkflow,
    library: ProcessLibrary,
    task_id: str,
    now: datetime | None,
    data: Mapping[str, Any] | None = None,
    answers: Mapping[str, Any] | None = None,
) -> None:
    """Complete a READY user task and run on: ``data`` is set on the task first (the validated
    form and any extra case data); ``answers`` (the form alone) also go into a multi-instance item."""
    task = ready_task(workflow, task_id)
    task.data.update(dict(data or {}))
    keep_answers_in_item(task, dict(answers or {}))
    with frozen_at(now):
        try:
            task.run()
        except _STEP_ERRORS as exc:
            raise step_failure(exc) from None
        _engine_steps(workflow, library)


def fire_timers(workflow: BpmnWorkflow, library: ProcessLibrary, now: datetime | None) -> None:
    """Fire the due timers and check the waiting conditional events again (their data may have changed)."""
    with frozen_at(now):
        try:
            workflow.refresh_timers()
            for task in list(workflow.event_manager.tasks.values()):
                if isinstance(task.task_spec.event_definition, ConditionalEventDefinition):
                    task.task_spec._update(task)
        except _STEP_ERRORS as exc:
            raise step_failure(exc) from None
        _engine_steps(workflow, library)


def deliver_message(
    workflow: BpmnWorkflow, library: ProcessLibrary, name: str, payload: Mapping[str, Any], now: datetime | None
) -> bool:
    event = BpmnEvent(EngineMessage(name), {"payload": dict(payload), "result_var": None})
    try:
        workflow.send_event(event)
    except WorkflowException:
        return False
    interrupt(workflow, library.event_subprocesses, library.interrupting_event_subprocesses)
    run(workflow, library, now)
    return True


def deliver_signal(workflow: BpmnWorkflow, library: ProcessLibrary, name: str, now: datetime | None) -> bool:
    """A signal from outside the case (another case threw it); False when nothing here waits for it."""
    try:
        workflow.send_event(BpmnEvent(SignalEventDefinition(name)))
    except WorkflowException:
        return False
    interrupt(workflow, library.event_subprocesses, library.interrupting_event_subprocesses)
    run(workflow, library, now)
    return True


def completed_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """The completed tasks, those below a running multi-instance activity too: SpiffWorkflow's
    COMPLETED filter does not descend below a task still running (the instances' parent)."""
    tasks = walk.tasks(workflow, TaskState.COMPLETED | TaskState.STARTED)
    return [t for t in tasks if t.state == TaskState.COMPLETED]


def completed_since(workflow: BpmnWorkflow, since: float) -> list[Any]:
    """The tasks completed since ``since`` (one walk over the tree: the step's path and what it threw
    are both read from them)."""
    return [t for t in completed_tasks(workflow) if t.last_state_change >= since]


def take_outgoing(workflow: BpmnWorkflow, completed: list[Any]) -> list[dict[str, str]]:
    """What the step threw for the world outside the case: every signal (a signal is broadcast, so it
    goes on to the other cases even when this case caught it too) and the messages nothing in the
    case caught (for a partner outside; only recorded). Uncaught ones are removed from the state.
    ``completed``: the tasks the step completed (completed_since)."""
    thrown = [
        {"kind": "signal", "name": str(t.task_spec.event_definition.name)}
        for t in completed
        if isinstance(t.task_spec, ThrowingEvent) and isinstance(t.task_spec.event_definition, SignalEventDefinition)
    ]
    for event in list(workflow.bpmn_events):
        definition = event.event_definition
        if isinstance(definition, SignalEventDefinition):
            workflow.bpmn_events.remove(event)
        elif isinstance(definition, MessageEventDefinition):
            thrown.append({"kind": "message", "name": str(definition.name)})
            workflow.bpmn_events.remove(event)
    return thrown


def step_path(completed: list[Any]) -> list[tuple[str, str]]:
    """(process id, BPMN id) of the tasks the step completed (completed_since), oldest first."""
    tasks = [t for t in completed if getattr(t.task_spec, "bpmn_id", None)]
    tasks.sort(key=lambda t: t.last_state_change)
    return [(t.workflow.spec.name, t.task_spec.bpmn_id) for t in tasks]


def check_data(workflow: BpmnWorkflow, limits: DataLimits, element_id: str | None) -> None:
    """Refuse a step whose scripts left case data over the size or depth limits.

    The waiting tasks of a case mostly hold equal copies of its data (about 8 holding data, 3
    distinct, in an appeal): a copy equal to data already measured is not measured again. Comparing
    is safe against hostile data: a measured dict is within the depth and size limits, so the
    comparison stops within them too."""
    measured: list[dict[str, Any]] = []
    for data in _live_data(workflow):
        if not data or any(data is seen or data == seen for seen in measured):
            continue
        measured.append(data)
        problem = data_problem(data, limits)
        if problem is not None:
            raise EngineStepFailed(element_id, problem.code, dict(problem.params))


def _live_data(workflow: BpmnWorkflow) -> list[dict[str, Any]]:
    found = [workflow.data]
    for wf in [workflow, *workflow.subprocesses.values()]:
        found.extend(t.data for t in wf.tasks.values() if not t.has_state(TaskState.FINISHED_MASK))
    ends = [t for t in walk.tasks(workflow, TaskState.COMPLETED) if t.task_spec.name == "End"]
    found.extend(t.data for t in ends)
    return found
