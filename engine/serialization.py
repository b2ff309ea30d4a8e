"""Workflow state without the process spec.

SpiffWorkflow's serializer embeds the whole spec in every serialized workflow. We keep the
spec once per library version (see engine.library) and serialize only the live state: tasks,
data, subprocesses and pending events. Restoring takes the spec from the loaded library.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as StandardParallelMI
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as StandardSequentialMI
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.parser import EngineMessage, PassingServiceTask, WaitingCondition
from engine.workflows import EngineSubWorkflow, EngineWorkflow

STATE_FORMAT = "mahalla-state-1"


class _RestoredIds(threading.local):
    """The task ids met so far while one state is restored (None outside a restore)."""

    table: dict[str, UUID] | None = None


_RESTORED_IDS = _RestoredIds()


def _task_id(text: str) -> UUID:
    """The id written as ``text``: within one restore, the same object wherever the id appears.

    A task refers to its parent and children by id and SpiffWorkflow finds them in the task table
    on every walk of the tree; with one object per id a lookup matches on identity, without calling
    UUID's comparison (written in Python) — and each id is parsed once, not once per mention."""
    table = _RESTORED_IDS.table
    if table is None:
        return UUID(text)
    found = table.get(text)
    if found is None:
        found = table[text] = UUID(text)
    return found


class _IdKeyedMappings:
    """Task tables restored with the shared ids of ``_task_id``."""

    def mapping_from_dict(self, mapping: dict[str, Any], key_class: Any = None, **kwargs: Any) -> dict[Any, Any]:
        return super().mapping_from_dict(mapping, _task_id if key_class is UUID else key_class, **kwargs)  # type: ignore[misc, no-any-return]


class SharedIdTaskConverter(TaskConverter):  # type: ignore[misc]
    """SpiffWorkflow's task converter (the same dictionaries, the same data rules) with the ids of
    ``_task_id``, the task's parent looked up once, and nothing converted where nothing is."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:  # only the task's own changes against its parent's data
            data = {}
            delta = {
                "updates": DeepMerge.get_updated_keys(parent.data, task.data),
                "deletions": DeepMerge.get_deleted_keys(parent.data, task.data),
            }
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data) if task.internal_data else {},
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_task_id(dct["id"]))
        task._parent = _task_id(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_task_id(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = self.registry.restore(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta: dict[str, Any] = dct.get("delta") or {}
        parent = task.parent if delta else None  # restored before its children: they follow it
        if parent is not None:
            data = DeepMerge.merge({}, parent.data)
            updates = delta.get("updates")
            if updates:
                data.update(self.registry.restore(updates))
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


class SharedIdSubWorkflowConverter(_IdKeyedMappings, BpmnSubWorkflowConverter):  # type: ignore[misc]
    """A call activity's workflow, its task table keyed by the shared ids."""


class SpeclessWorkflowConverter(_IdKeyedMappings, BpmnWorkflowConverter):  # type: ignore[misc]
    """Converts a top-level workflow without its spec and subprocess specs."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _sets(dct: dict[str, Any]) -> Any:
    kind = dct.get("typename")
    if len(dct) == 2 and kind in ("set", "frozenset") and isinstance(dct.get("value"), list):
        return set(dct["value"]) if kind == "set" else frozenset(dct["value"])
    return dct


# SpiffWorkflow's Camunda configuration and the classes engine.parser adds (the state holds an
# uncaught event's definition; a whole spec, as tests compare, holds all of them).
ENGINE_CONFIG: dict[Any, Any] = {
    **CAMUNDA_CONFIG,
    EngineMessage: MessageEventDefinitionConverter,
    WaitingCondition: CAMUNDA_CONFIG[ConditionalEventDefinition],
    PassingServiceTask: CAMUNDA_CONFIG[NoneTask],  # no attributes beyond a task's
    StandardParallelMI: MultiInstanceTaskConverter,
    StandardSequentialMI: MultiInstanceTaskConverter,
    EngineWorkflow: BpmnWorkflowConverter,  # a case as SpiffWorkflow's own serializer writes it (tests)
    EngineSubWorkflow: BpmnSubWorkflowConverter,
}


def _registry() -> Any:
    registry = BpmnWorkflowSerializer.configure({**ENGINE_CONFIG, Task: SharedIdTaskConverter})
    # Restored as the engine's classes, written under SpiffWorkflow's names (the state is SpiffWorkflow's).
    SharedIdSubWorkflowConverter(EngineSubWorkflow, registry, typename=BpmnSubWorkflow.__name__)
    SpeclessWorkflowConverter(EngineWorkflow, registry, typename=BpmnWorkflow.__name__)
    return registry


class StateSerializer:
    """Turns a workflow into a compact JSON string and back, given the library's specs."""

    def __init__(self) -> None:
        self._serializer = BpmnWorkflowSerializer(_registry())
        self._converter = SpeclessWorkflowConverter(
            EngineWorkflow, self._serializer.registry, typename=BpmnWorkflow.__name__
        )
        base = self._serializer._encoder_cls

        class DataEncoder(base):  # type: ignore[misc, valid-type]
            def default(self, o: Any) -> Any:
                if isinstance(o, (set, frozenset)):
                    return {"typename": type(o).__name__, "value": sorted(o, key=repr)}
                return super().default(o)

        self._data_encoder = DataEncoder

    def dumps(self, workflow: BpmnWorkflow) -> str:
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            dct = self._converter.to_dict(workflow)
            dct["format"] = STATE_FORMAT
            return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            registry._encoder_mode = False

    def loads(self, state: str, spec: Any, subprocess_specs: Any) -> BpmnWorkflow:
        dct = json.loads(state)
        if dct.pop("format", None) != STATE_FORMAT:
            raise ValueError("unknown workflow state format")
        _RESTORED_IDS.table = {}
        try:
            return self._converter.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
        finally:
            _RESTORED_IDS.table = None

    def dumps_data(self, value: Any) -> str:
        """Case data (dates, datetimes, decimals…) as JSON, the way the state stores it."""
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            return json.dumps(value, cls=self._data_encoder, separators=(",", ":"))
        finally:
            registry._encoder_mode = False

    def loads_data(self, text: str) -> Any:
        return self._serializer.registry.restore(json.loads(text, object_hook=_sets))
