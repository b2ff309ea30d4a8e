"""Keep the live workflow small: finished history leaves the task tree.

SpiffWorkflow keeps every completed task in the live workflow: the serialized state grows with
each step, every request pays for it, and a loop of ~900 user tasks makes the tree deeper than
1000, at which point SpiffWorkflow 3.2.0 silently stops. The application records history in its
own event log, so the live state only needs what can still influence the future:

* finished subprocesses (their call activity has completed) are dropped;
* in every workflow, the tree is re-rooted at the nearest completed ancestor shared by all
  unfinished tasks; everything outside that subtree is finished and is dropped.

This keeps the state, and the cost of a step, independent of how long a case has run.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def _ancestors(task: Any) -> list[Any]:
    chain = []
    while task is not None:
        chain.append(task)
        task = task.parent
    return chain


def _common_completed_ancestor(unfinished: list[Any]) -> Any | None:
    """The deepest COMPLETED task that is an ancestor (or self) of every unfinished task."""
    common: list[Any] | None = None
    for task in unfinished:
        chain = list(reversed(_ancestors(task)))  # root first
        if common is None:
            common = chain
            continue
        length = 0
        for mine, theirs in zip(common, chain, strict=False):
            if mine.id != theirs.id:
                break
            length += 1
        common = common[:length]
    for task in reversed(common or []):
        if task.has_state(TaskState.COMPLETED):
            return task
    return None


def _subtree_ids(root: Any) -> set[UUID]:
    ids: set[UUID] = set()
    stack = [root]
    while stack:
        task = stack.pop()
        ids.add(task.id)
        stack.extend(task.children)
    return ids


def _drop_subprocesses_of(top: BpmnWorkflow, task_ids: set[UUID]) -> None:
    for task_id in [tid for tid in top.subprocesses if tid in task_ids]:
        if task_id in top.subprocesses:
            nested = _all_task_ids(top.subprocesses[task_id])
            del top.subprocesses[task_id]
            _drop_subprocesses_of(top, nested)


def _all_task_ids(workflow: Any) -> set[UUID]:
    return set(workflow.tasks)


def _reroot(top: BpmnWorkflow, workflow: Any) -> None:
    unfinished = [t for t in workflow.tasks.values() if t.has_state(TaskState.NOT_FINISHED_MASK)]
    if not unfinished:
        return
    anchor = _common_completed_ancestor(unfinished)
    if anchor is None or anchor.parent is None:
        return
    keep = _subtree_ids(anchor)
    dropped = set(workflow.tasks) - keep
    anchor._parent = None
    workflow.task_tree = anchor
    for task_id in dropped:
        del workflow.tasks[task_id]
    if workflow.last_task is not None and workflow.last_task.id in dropped:
        workflow.last_task = anchor
    _drop_subprocesses_of(top, dropped)


def compact(top: BpmnWorkflow) -> None:
    """Drop finished history from a workflow and its subprocesses, in place."""
    finished_callers = [
        task_id
        for task_id in list(top.subprocesses)
        if (caller := top.get_task_from_id(task_id)) is not None and caller.has_state(TaskState.FINISHED_MASK)
    ]
    _drop_subprocesses_of(top, set(finished_callers))
    for workflow in [top, *top.subprocesses.values()]:
        _reroot(top, workflow)
