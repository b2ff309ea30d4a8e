"""The engine's own walks over a workflow's task tree: SpiffWorkflow's order, without its cost.

``workflow.get_tasks(...)`` walks the tree depth first — a task, then the tree of the call activity
it runs (if any), then its children — with per-task bookkeeping (depth counters, filter objects,
the parent and children looked up through properties) that costs several times the walk itself.
A step walks the tree a few dozen times (SpiffWorkflow looking for ready tasks after each task it
runs; the engine for the ready tasks, the event sub-processes, what the step completed), so
``tasks`` gives the same tasks in the same order for the filters those walks use — a state mask
and, optionally, whether the task is manual — and engine.workflows answers SpiffWorkflow's own
walks with it.

The rules are SpiffWorkflow 3.2's (``TaskIterator``, ``BpmnTaskIterator``): the children of a
task are visited only when its state is at least the lowest state the mask could match below it
(predicted tasks follow definite ones, definite tasks follow finished ones), and a call activity's
tree is visited whenever it exists. ``tests/engine/test_walk.py`` compares the two on every state
an appeal passes through and on every walk made during its steps.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState

_MAX_DEPTH = 1000  # SpiffWorkflow's default: it stops descending there (compacted states stay far below)


def _lowest_state_followed(state: int) -> int:
    if state & TaskState.PREDICTED_MASK:
        return TaskState.MAYBE
    if state & TaskState.DEFINITE_MASK:
        return TaskState.FUTURE
    return TaskState.COMPLETED


def tasks(workflow: Any, state: int = TaskState.ANY_MASK, manual: bool | None = None) -> list[Any]:
    """The tasks of ``workflow`` (and of the call activities below it) in ``state``, in the order
    of ``workflow.get_tasks(state=state, manual=manual)``."""
    lowest = _lowest_state_followed(state)
    skip_finished_calls = state <= TaskState.FINISHED_MASK
    subprocesses = workflow.top_workflow.subprocesses
    found = []
    stack = [(workflow.task_tree, 0)]
    while stack:
        task, depth = stack.pop()
        task_state = task._state
        if task_state & state and (manual is None or task.task_spec.manual == manual):
            found.append(task)
        called = subprocesses.get(task.id)
        if depth >= _MAX_DEPTH or not (task._children or called is not None):
            continue
        if task_state < lowest and called is None:
            continue
        table = task.workflow.tasks
        below = [table.get(child) for child in task._children]
        if called is not None and not (task_state >= TaskState.FINISHED_MASK and skip_finished_calls):
            below.insert(0, called.task_tree)
        stack.extend((child, depth + 1) for child in reversed(below))
    return found
