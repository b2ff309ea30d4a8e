"""Workflow state without the process spec.

SpiffWorkflow's serializer embeds the whole spec in every serialized workflow. We keep the
spec once per library version (see engine.library) and serialize only the live state: tasks,
data, subprocesses and pending events. Restoring takes the spec from the loaded library.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as StandardParallelMI
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as StandardSequentialMI
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter

from engine.parser import EngineMessage, PassingServiceTask, WaitingCondition

STATE_FORMAT = "mahalla-state-1"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
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
}


def _registry() -> Any:
    registry = BpmnWorkflowSerializer.configure(ENGINE_CONFIG)
    SpeclessWorkflowConverter(BpmnWorkflow, registry)
    return registry


class StateSerializer:
    """Turns a workflow into a compact JSON string and back, given the library's specs."""

    def __init__(self) -> None:
        self._serializer = BpmnWorkflowSerializer(_registry())
        self._converter = SpeclessWorkflowConverter(BpmnWorkflow, self._serializer.registry)
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
        return self._converter.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)

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
