"""What the application asks about a workflow after a step, read from the workflow itself.

The isolated engine process (engine.sandbox_worker) answers these with the new state (a
"view"), so the web process does not parse the state it only stores: the ready tasks with their
data, the newest case data, whether the case finished, its next timer and the timer variables
its next step can read. engine.instance asks the same functions of a parsed workflow, so both
sides answer alike. Reading only: nothing here runs diagram code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine import walk
from engine.clock import parse_timer_value
from engine.library import PERSON_TASKS, ProcessLibrary
from engine.serialization import StateSerializer
from engine.timer_reads import reachable_reads

_LIVE_MASK = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def live_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """The READY, WAITING and STARTED tasks of the workflow and its running call activities, in no
    particular order (one pass over the task dicts: cheaper than SpiffWorkflow's tree iteration)."""
    return [
        task
        for part in (workflow, *workflow.subprocesses.values())
        for task in part.tasks.values()
        if task.state & _LIVE_MASK
    ]


def ready_person_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """The READY tasks waiting for a person, in SpiffWorkflow's order."""
    return [t for t in walk.tasks(workflow, TaskState.READY, manual=True) if isinstance(t.task_spec, PERSON_TASKS)]


def current_data(workflow: BpmnWorkflow, ready: list[Any]) -> dict[str, Any]:
    """The newest data: that of a waiting person's task, or the finished case's final data."""
    if ready:
        return dict(ready[0].data)
    if workflow.is_completed():
        ends = [t for t in walk.tasks(workflow, TaskState.COMPLETED) if t.task_spec.name == "End"]
        if ends:
            return dict(ends[-1].data)
    return dict(workflow.data)


def _is_timer(task: Any) -> bool:
    """A task waiting for a timer: a timer event, or an event-based gateway with a timer among its
    events (SpiffWorkflow waits on the gateway, with the timer's due moment as its event value)."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions)
    return isinstance(definition, TimerEventDefinition)


def next_timer_due(workflow: BpmnWorkflow, live: list[Any] | None = None) -> datetime | None:
    """When the earliest waiting timer of the case is due (aware UTC), or None."""
    due = [
        parse_timer_value(task._get_internal_data("event_value"))
        for task in (live_tasks(workflow) if live is None else live)
        if task.state == TaskState.WAITING and _is_timer(task)
    ]
    moments = [moment for moment in due if moment is not None]
    return min(moments) if moments else None


def timer_reads(workflow: BpmnWorkflow, library: ProcessLibrary, live: list[Any] | None = None) -> frozenset[str]:
    tasks = live_tasks(workflow) if live is None else live
    return reachable_reads(library, [(t.workflow.spec.name, t.task_spec.name) for t in tasks])


def view(workflow: BpmnWorkflow, library: ProcessLibrary, serializer: StateSerializer) -> dict[str, Any]:
    """The answers above as JSON-ready values (case data as text in the state's own encoding)."""
    ready = ready_person_tasks(workflow)
    live = live_tasks(workflow)
    due = next_timer_due(workflow, live)
    return {
        "ready": [[str(t.id), t.task_spec.bpmn_id, serializer.dumps_data(t.data)] for t in ready],
        "current": None if ready else serializer.dumps_data(current_data(workflow, ready)),
        "completed": bool(workflow.is_completed()),
        "next_timer": due.isoformat() if due is not None else None,
        "reads": sorted(timer_reads(workflow, library, live)),
    }


class View:
    """A view answered by the engine process, decoded on this side."""

    def __init__(self, answer: dict[str, Any], serializer: StateSerializer) -> None:
        self.ready: list[tuple[str, str, dict[str, Any]]] = [
            (task_id, bpmn_id, serializer.loads_data(data)) for task_id, bpmn_id, data in answer["ready"]
        ]
        self.current = self.ready[0][2] if self.ready else serializer.loads_data(answer["current"])
        self.completed = bool(answer["completed"])
        self.next_timer = datetime.fromisoformat(answer["next_timer"]) if answer["next_timer"] else None
        self.reads = frozenset(answer["reads"])
