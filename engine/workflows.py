"""SpiffWorkflow's workflow classes, walking their task trees with engine.walk.

SpiffWorkflow walks the whole tree of a case to find its ready tasks after every task it runs
(``do_engine_steps`` asks each running call activity and the process again until nothing is
left to run: twenty-odd walks in a step of an appeal), and to find waiting timers and events.
These classes answer ``get_tasks`` for a state and manual filter — every walk SpiffWorkflow makes
in a step — with ``engine.walk.tasks``: the same tasks in the same order, several times cheaper.
Any other query goes to SpiffWorkflow's iterator. Cases are created (``engine.steps``) and
restored (``engine.serialization``) as these classes; their states are written as SpiffWorkflow's.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow

from engine import walk

_WALK_FILTERS = frozenset({"state", "manual"})


class _EngineWalks:
    def get_tasks(self, first_task: Any = None, **kwargs: Any) -> list[Any]:
        if first_task is None and kwargs.keys() <= _WALK_FILTERS:
            return walk.tasks(self, **kwargs)
        return super().get_tasks(first_task, **kwargs)  # type: ignore[misc, no-any-return]


class EngineSubWorkflow(_EngineWalks, BpmnSubWorkflow):  # type: ignore[misc]
    """A running call activity's workflow."""


class EngineWorkflow(_EngineWalks, BpmnWorkflow):  # type: ignore[misc]
    """A case's workflow; the call activities it starts are EngineSubWorkflows."""

    def create_subprocess(self, my_task: Any, spec_name: str) -> EngineSubWorkflow:
        subprocess = EngineSubWorkflow(self.subprocess_specs[spec_name], parent_task_id=my_task.id, top_workflow=self)
        self.subprocesses[my_task.id] = subprocess
        return subprocess
