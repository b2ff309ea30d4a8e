"""A running process instance: start, inspect, complete user tasks, fire timers, take messages."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessageEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.clock import frozen_at, parse_timer_value
from engine.compaction import compact
from engine.errors import EngineError, TaskNotReady
from engine.failures import step_failure
from engine.forms import FormDefinition, validate_submission
from engine.library import ProcessLibrary
from engine.scripting import restricted_script_engine
from engine.serialization import StateSerializer

_SERIALIZER = StateSerializer()


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person, as plain data."""

    id: str
    name: str
    title: str
    lane: str | None
    process_id: str
    documentation: str
    form: FormDefinition
    prefill: Mapping[str, Any] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)


def _element_id(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) if spec is not None else None


_LIVE_STATES = (TaskState.READY, TaskState.WAITING, TaskState.STARTED)


def _is_timer(task: Any) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


class Instance:
    """Wraps one SpiffWorkflow workflow. Nothing of SpiffWorkflow is visible through it."""

    def __init__(self, library: ProcessLibrary, workflow: BpmnWorkflow) -> None:
        self.library = library
        self._workflow = workflow
        # Tasks completed from now on form the path taken by this action (see elements_completed).
        self._since = time.time()
        self._ready_cache: list[Any] | None = None

    @classmethod
    def start(cls, library: ProcessLibrary, data: Mapping[str, Any], *, now: datetime | None = None) -> Instance:
        """Start a case; ``now`` is the time its timers see (default: the real clock)."""
        workflow = BpmnWorkflow(library.spec, library.subprocess_specs, script_engine=restricted_script_engine())
        workflow.set_data(**dict(data))
        workflow.task_tree.data.update(dict(data))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(dict(data))
        instance = cls(library, workflow)
        instance.run(now=now)
        return instance

    @classmethod
    def restore(cls, library: ProcessLibrary, state: str) -> Instance:
        workflow = _SERIALIZER.loads(state, library.spec, library.subprocess_specs)
        workflow.script_engine = restricted_script_engine()
        return cls(library, workflow)

    def serialize(self) -> str:
        """The live state, without finished history (see engine.compaction)."""
        compact(self._workflow)
        return _SERIALIZER.dumps(self._workflow)

    @property
    def is_completed(self) -> bool:
        return bool(self._workflow.is_completed())

    def run(self, *, now: datetime | None = None) -> None:
        """Run automatic steps (scripts, gateways, call activities) until people are needed."""
        self._ready_cache = None
        try:
            with frozen_at(now):
                self._workflow.do_engine_steps()
        except (SpiffWorkflowException, EngineError, ValueError, TypeError, NameError, KeyError) as exc:
            raise step_failure(exc) from None

    def _ready_user_tasks(self) -> list[Any]:
        if self._ready_cache is None:
            self._ready_cache = [
                t
                for t in self._workflow.get_tasks(state=TaskState.READY, manual=True)
                if isinstance(t.task_spec, CamundaUserTask)
            ]
        return self._ready_cache

    def ready_user_tasks(self) -> list[ReadyTask]:
        result = []
        for task in self._ready_user_tasks():
            info = self.library.user_task(task.task_spec.bpmn_id)
            if info is None:
                continue
            prefill = {f.id: task.data.get(f.id, f.default) for f in info.form.fields}
            result.append(
                ReadyTask(
                    id=str(task.id),
                    name=info.id,
                    title=info.title,
                    lane=info.lane,
                    process_id=info.process_id,
                    documentation=info.documentation,
                    form=info.form,
                    prefill=prefill,
                    properties=info.properties,
                )
            )
        return result

    def _ready_task(self, task_id: str) -> Any:
        try:
            task = self._workflow.get_task_from_id(UUID(task_id))
        except (TaskNotFoundException, ValueError, WorkflowException):
            raise TaskNotReady(f"task {task_id} does not exist in this case") from None
        if not (task.has_state(TaskState.READY) and isinstance(task.task_spec, CamundaUserTask)):
            raise TaskNotReady(f"task {task_id} is not waiting for input")
        return task

    def complete(
        self,
        task_id: str,
        submitted: Mapping[str, Any],
        extra_data: Mapping[str, Any] | None = None,
        *,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Validate the submission against the task's form, complete it and run on.

        ``extra_data`` adds case variables besides the form (a supervised retry with corrected data).
        Returns the clean data that was stored. Raises FormInvalid, TaskNotReady or
        EngineStepFailed; on any of them the caller must discard this instance.
        """
        task = self._ready_task(task_id)
        info = self.library.user_task(task.task_spec.bpmn_id)
        form = info.form if info else FormDefinition(key="")
        clean = validate_submission(form, submitted)
        task.data.update({**dict(extra_data or {}), **clean})
        self._ready_cache = None
        try:
            with frozen_at(now):
                task.run()
        except (SpiffWorkflowException, ValueError, TypeError, NameError, KeyError) as exc:
            raise step_failure(exc) from None
        self.run(now=now)
        return clean

    def deliver_message(self, name: str, payload: Mapping[str, Any]) -> bool:
        """Deliver a BPMN message; return False when nothing in the case waits for it.

        The diagram reads the payload as ``<catch event id>_Response`` (SpiffWorkflow's Camunda
        convention when the catch event names no result variable).
        """
        event = BpmnEvent(CamundaMessageEventDefinition(name), {"payload": dict(payload), "result_var": None})
        try:
            self._workflow.send_event(event)
        except WorkflowException:
            return False
        self.run()
        return True

    def fire_due_timers(self, now: datetime | None = None) -> None:
        """Fire every timer due at ``now`` (default: the real clock) and run on."""
        self._ready_cache = None
        try:
            with frozen_at(now):
                self._workflow.refresh_timers()
        except (SpiffWorkflowException, ValueError, TypeError, NameError, KeyError) as exc:
            raise step_failure(exc) from None
        self.run(now=now)

    def set_timer_data(self, values: Mapping[str, Any], *, now: datetime | None = None) -> bool:
        """Set case variables that timer expressions read (e.g. ``deadline_at`` after the deadline
        moved) in every unfinished task. Waiting timers whose data changed forget their evaluated
        moment and are evaluated again at once (firing if already due). Returns whether anything changed.
        """
        changed = False
        # Not NOT_FINISHED_MASK: that iteration does not reach into running call activities.
        live = [t for state in _LIVE_STATES for t in self._workflow.get_tasks(state=state)]
        for task in live:  # tasks may share one data dict, so compare before every update
            if any(task.data.get(name) != value for name, value in values.items()):
                task.data.update(dict(values))
                changed = True
        if changed:
            # A date timer's moment comes from its expression alone, so evaluating it again is
            # safe; a duration timer's moment is relative to when it started and is kept.
            for task in live:
                if task.has_state(TaskState.WAITING) and isinstance(
                    getattr(task.task_spec, "event_definition", None), TimeDateEventDefinition
                ):
                    task.internal_data.pop("event_value", None)
                    # A waiting event copies its parent's data on every update: change it there too.
                    if task.parent is not None:
                        task.parent.data.update(dict(values))
            self.fire_due_timers(now)
        return changed

    def next_timer_due(self) -> datetime | None:
        """When the earliest waiting timer of the case is due (aware UTC), or None."""
        due = [
            parse_timer_value(task._get_internal_data("event_value"))
            for task in self._workflow.get_tasks(state=TaskState.WAITING)
            if _is_timer(task)
        ]
        moments = [moment for moment in due if moment is not None]
        return min(moments) if moments else None

    def current_data(self) -> dict[str, Any]:
        """The newest data: that of a waiting user task, or the finished case's final data."""
        ready = self._ready_user_tasks()
        if ready:
            return dict(ready[0].data)
        if self.is_completed:
            ends = [t for t in self._workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name == "End"]
            if ends:
                return dict(ends[-1].data)
        return dict(self._workflow.data)

    def elements_completed(self, *, qualified: bool = False) -> list[str]:
        """BPMN ids of the tasks, events and gateways completed since this object was started or
        restored, oldest first. The live state forgets finished history (engine.compaction), so the
        application keeps this path in its own event log. ``qualified`` prefixes each id with its
        process id (``appeal_analysis:analyse_appeal``): ids repeat across a library's processes.
        """
        tasks = [
            t
            for t in self._workflow.get_tasks(state=TaskState.COMPLETED)
            if t.last_state_change >= self._since and getattr(t.task_spec, "bpmn_id", None)
        ]
        tasks.sort(key=lambda t: t.last_state_change)
        if qualified:
            return [f"{t.workflow.spec.name}:{t.task_spec.bpmn_id}" for t in tasks]
        return [t.task_spec.bpmn_id for t in tasks]
