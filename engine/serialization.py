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
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

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


def _registry() -> Any:
    registry = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)
    SpeclessWorkflowConverter(BpmnWorkflow, registry)
    return registry


class StateSerializer:
    """Turns a workflow into a compact JSON string and back, given the library's specs."""

    def __init__(self) -> None:
        self._serializer = BpmnWorkflowSerializer(_registry())
        self._converter = SpeclessWorkflowConverter(BpmnWorkflow, self._serializer.registry)

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
