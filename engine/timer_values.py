"""Setting the case variables that timers and conditional events read, in every unfinished task.

Used by engine.instance (the application moved a deadline) and by the engine process, which sets
the values a completion brings along right after the step, so the web process need not parse the
new state only to find them unchanged. Data only: firing what became due is the caller's step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.view import live_tasks


def apply_timer_data(workflow: BpmnWorkflow, values: Mapping[str, Any]) -> bool:
    """Set ``values`` in every unfinished task; waiting date timers whose data changed forget their
    evaluated moment (evaluated again when timers are fired next). Returns whether anything changed."""
    changed = False
    live = live_tasks(workflow)  # with the tasks of running call activities
    for task in live:  # tasks may share one data dict, so compare before every update
        if any(task.data.get(name) != value for name, value in values.items()):
            task.data.update(dict(values))
            changed = True
    if changed:
        # A date timer's moment comes from its expression alone, so evaluating it again is
        # safe; a duration timer's moment is relative to when it started and is kept.
        for task in live:
            if not task.has_state(TaskState.WAITING):
                continue
            if isinstance(getattr(task.task_spec, "event_definition", None), TimeDateEventDefinition):
                task.internal_data.pop("event_value", None)
            # A waiting event (a timer, a conditional event) copies its parent's data on every
            # update: change it there too.
            if task.parent is not None:
                task.parent.data.update(dict(values))
    return changed
