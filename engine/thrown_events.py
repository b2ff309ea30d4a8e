"""What the engine adds to SpiffWorkflow 3.2 around events and multi-instance tasks.

* An interrupting event sub-process started by a message or signal cancels the rest of the
  process it belongs to (SpiffWorkflow 3.2 starts it but lets the main flow run on, as if it
  were non-interrupting).
* An uncaught error or escalation becomes a failure (below).
* The answers of a multi-instance user task are kept in its item.

An error or escalation that no boundary event or event sub-process catches ends up in the
workflow's list of outgoing events (SpiffWorkflow bubbles it up to the top workflow first). It
must not vanish: it becomes an ``EngineStepFailed`` (an incident in a real case) located on the
element that threw it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.specs.control import SimpleBpmnTask, _EndJoin
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent as StartEventMixin
from SpiffWorkflow.util.task import TaskState

from engine import walk
from engine.errors import EngineStepFailed

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# Start events that SpiffWorkflow triggers from outside the flow (a timer or none start runs with the process).
_TRIGGERED_STARTS = ("messageEventDefinition", "signalEventDefinition")


def interrupting_event_subprocesses(process_nodes: Any) -> frozenset[str]:
    """The ids of the event sub-processes started by a message or signal whose start event interrupts."""
    found: set[str] = set()
    for node in process_nodes:
        for subprocess in node.iter(f"{_BPMN}subProcess"):
            if subprocess.get("triggeredByEvent") != "true":
                continue
            for start in subprocess.iterchildren(f"{_BPMN}startEvent"):
                triggered = any(start.find(f"{_BPMN}{tag}") is not None for tag in _TRIGGERED_STARTS)
                if triggered and start.get("isInterrupting", "true") != "false":
                    found.add(str(subprocess.get("id")))
    return frozenset(found)


def arm_event_subprocesses(specs: Iterable[Any]) -> frozenset[str]:
    """Connect every event sub-process started by a message or signal to its process's start, once, at load.

    SpiffWorkflow 3.2 connects them the first time one is triggered, changing the shared spec for
    every later case; armed at load, each case has them waiting from its start (``disarm`` drops
    them when the process's own flow has finished). Returns their ids.
    """
    armed: set[str] = set()
    for spec in specs:
        start = spec.start
        for name in getattr(start, "trigger_specs", ()):
            task_spec = spec.task_specs.get(name)
            if task_spec is None:
                continue
            if start not in task_spec.inputs:
                start.connect(task_spec)
                task_spec.connect(spec.end)
            armed.add(str(getattr(task_spec, "bpmn_id", name)))
    return frozenset(armed)


def _has_started(workflow: Any, task: Any) -> bool:
    """Whether the event sub-process of ``task`` caught its start event."""
    subprocess = workflow.subprocesses.get(task.id)
    if subprocess is None:
        return False
    return any(
        isinstance(t.task_spec, StartEventMixin) and t.has_state(TaskState.COMPLETED) for t in walk.tasks(subprocess)
    )


def _live(task: Any) -> bool:
    """Whether anything of this branch is left to run (the process's end join only waits for the others)."""
    return any(not t.has_state(TaskState.FINISHED_MASK) and not _is_end(t.task_spec) for t in task)


def _is_end(task_spec: Any) -> bool:
    return isinstance(task_spec, _EndJoin) or type(task_spec) is SimpleBpmnTask  # the end join and End


def _reconsider_end_joins(workflow: Any) -> None:
    """End joins waiting for branches that were just cancelled may go on now."""
    for task in walk.tasks(workflow, TaskState.WAITING):
        if isinstance(task.task_spec, _EndJoin):
            task.task_spec._update(task)


def interrupt(workflow: Any, armed: frozenset[str], interrupting: frozenset[str]) -> bool:
    """Event sub-processes as drawn; True when anything was cancelled.

    A started interrupting one cancels what runs beside it; one that has not started is dropped
    once nothing else of its process is left to run.
    """
    cancelled = False
    for task in walk.tasks(workflow):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id not in armed or task.parent is None or task.has_state(TaskState.CANCELLED):
            continue
        siblings = [s for s in task.parent.children if s is not task]
        started = task.has_state(TaskState.COMPLETED) or _has_started(workflow, task)
        if started and bpmn_id in interrupting:
            for sibling in siblings:
                if _live(sibling):
                    sibling.cancel()
                    cancelled = True
        elif not started and not any(_live(s) and getattr(s.task_spec, "bpmn_id", None) not in armed for s in siblings):
            task.cancel()
            cancelled = True
    if cancelled:
        _reconsider_end_joins(workflow)
    return cancelled


def _thrower(workflow: Any, definition: Any) -> str | None:
    """The element that threw ``definition`` most recently (a throw or end event)."""
    candidates = [
        task
        for task in walk.tasks(workflow, TaskState.COMPLETED)
        if isinstance(task.task_spec, ThrowingEvent)
        and type(task.task_spec.event_definition) is type(definition)
        and task.task_spec.event_definition.code == definition.code
    ]
    if not candidates:
        return None
    latest = max(candidates, key=lambda t: t.last_state_change)
    return getattr(latest.task_spec, "bpmn_id", None)


def uncaught_failure(workflow: Any) -> EngineStepFailed | None:
    """The failure for the first error or escalation nothing caught (removed from the outgoing events)."""
    for event in list(workflow.bpmn_events):
        definition = event.event_definition
        if isinstance(definition, ErrorEventDefinition):
            code = "event.uncaught_error"
        elif isinstance(definition, EscalationEventDefinition):
            code = "event.uncaught_escalation"
        else:
            continue
        workflow.bpmn_events.remove(event)
        params = {"name": definition.name or "", "code": definition.code or ""}
        return EngineStepFailed(_thrower(workflow, definition), code, params)
    return None


def keep_answers_in_item(task: Any, answers: Mapping[str, Any]) -> None:
    """A multi-instance user task's answers go into its item when the item is a dict.

    The collection (camunda:collection) gets each item back when its instance completes, so the
    answers of every instance are kept there, one per partner, applicant or item.
    """
    output = getattr(getattr(task.parent, "task_spec", None), "output_item", None)
    name = getattr(output, "bpmn_id", None)
    if name is None:
        return
    item = task.data.get(name)
    if isinstance(item, dict):
        task.data[name] = {**item, **answers}
