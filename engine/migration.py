"""Move a running case's live state to another version of its process library.

The live state holds no spec (engine.serialization): it names task specs, and is restored
against a library. A state can move to a new library when every task that is still alive —
user tasks waiting for a person, timers and messages being waited for, call activities under
way — and every finished task it still keeps (engine.compaction keeps the ones the live work
hangs on) exists in the new library with the same type, in the same (sub)process. Predicted
tasks (what the old diagram said would come next) are dropped and predicted again from the
new diagram, so a step added after the current one is followed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError
from engine.library import ProcessLibrary
from engine.serialization import STATE_FORMAT, StateSerializer

_SERIALIZER = StateSerializer()
_LIVE = TaskState.WAITING | TaskState.READY | TaskState.STARTED
_PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK

# Why a task blocks the move (the web layer words them).
MISSING_PROCESS = "missing_process"
MISSING = "missing"
TYPE_CHANGED = "type_changed"
# A helper task SpiffWorkflow adds around an element (boundary events): the element's events changed.
EVENTS_CHANGED = "events_changed"


@dataclass(frozen=True)
class LiveElement:
    """A task of the case that is alive: a user task, a waiting timer or message, a call under way."""

    element_id: str
    name: str
    kind: str  # UserTask, BoundaryEvent/TimeDateEventDefinition, CallActivity → appeal_analysis, …
    process_id: str
    state: str  # ready | waiting | started


@dataclass(frozen=True)
class MigrationBlocker:
    """One task of the case the new version cannot take over; ``code`` says why."""

    element_id: str
    name: str
    process_id: str
    code: str
    old_kind: str
    new_kind: str | None = None
    # Alive (where the case is now), or a finished step the live state still refers to.
    live: bool = True

    @property
    def _rank(self) -> tuple[bool, bool]:
        """The element's own reason beats its helper task's; where the case is beats what it passed."""
        return (self.code != EVENTS_CHANGED, self.live)


@dataclass(frozen=True)
class MigrationCheck:
    current: tuple[LiveElement, ...]
    blockers: tuple[MigrationBlocker, ...]

    @property
    def movable(self) -> bool:
        return not self.blockers


@dataclass
class MigrationRefused(EngineError):
    blockers: tuple[MigrationBlocker, ...]

    def __str__(self) -> str:
        return "; ".join(f"{b.process_id}:{b.element_id}: {b.code}" for b in self.blockers)


def _kind(spec: Any) -> str:
    """A task spec's type: its class, with the event definition of an event, the called process of a call."""
    kind = type(spec).__name__
    definition = getattr(spec, "event_definition", None)
    if definition is not None and type(definition).__name__ != "NoneEventDefinition":
        kind += "/" + type(definition).__name__
    called = getattr(spec, "spec", None)
    if isinstance(called, str):
        kind += " → " + called
    return kind


def _process_spec(library: ProcessLibrary, process_id: str) -> Any | None:
    if library.spec.name == process_id:
        return library.spec
    return library.subprocess_specs.get(process_id)


def _kept_tasks(workflow: Any) -> Iterator[Any]:
    """Every task of the workflow and its subprocesses that the move must keep (not predicted)."""
    for flow in [workflow, *workflow.subprocesses.values()]:
        for task in flow.tasks.values():
            if not task.has_state(_PREDICTED):
                yield task


def _state_name(task: Any) -> str:
    return TaskState.get_name(task.state).lower()


def check_migration(old: ProcessLibrary, new: ProcessLibrary, state: str) -> MigrationCheck:
    """Whether the state (serialized on ``old``) can be restored on ``new``, and what is alive in it."""
    workflow = _SERIALIZER.loads(state, old.spec, old.subprocess_specs)
    current: list[LiveElement] = []
    blockers: dict[tuple[str, str], MigrationBlocker] = {}  # by (process, element): one reason each
    for task in _kept_tasks(workflow):
        spec = task.task_spec
        process_id = task.workflow.spec.name
        element_id = getattr(spec, "bpmn_id", None)
        name = getattr(spec, "bpmn_name", None) or element_id or spec.name
        if element_id and task.has_state(_LIVE):
            current.append(LiveElement(element_id, name, _kind(spec), process_id, _state_name(task)))
        blocker = _blocker(new, process_id, spec, element_id, name, bool(task.has_state(_LIVE)))
        if blocker is None:
            continue
        key = (process_id, blocker.element_id)
        if key not in blockers or blocker._rank > blockers[key]._rank:
            blockers[key] = blocker
    return MigrationCheck(tuple(current), tuple(blockers.values()))


def _blocker(
    new: ProcessLibrary, process_id: str, spec: Any, element_id: str | None, name: str, live: bool
) -> MigrationBlocker | None:
    target = _process_spec(new, process_id)
    if element_id is None:  # a helper task named "<element>.BoundaryEventSplit"
        if target is not None and spec.name in target.task_specs:
            return None
        owner = spec.name.split(".", 1)[0]
        return MigrationBlocker(owner, owner, process_id, EVENTS_CHANGED, _kind(spec), live=live)
    if target is None:
        return MigrationBlocker(element_id, name, process_id, MISSING_PROCESS, _kind(spec), live=live)
    counterpart = target.task_specs.get(spec.name)
    if counterpart is None:
        return MigrationBlocker(element_id, name, process_id, MISSING, _kind(spec), live=live)
    if _kind(counterpart) != _kind(spec):
        return MigrationBlocker(element_id, name, process_id, TYPE_CHANGED, _kind(spec), _kind(counterpart), live)
    return None


def _drop_predicted(flow: dict[str, Any]) -> None:
    """Remove predicted tasks (and their subtrees) from one serialized workflow, in place."""
    tasks: dict[str, Any] = flow["tasks"]
    dropped = {task_id for task_id, task in tasks.items() if task["state"] & _PREDICTED}
    for task_id in dropped:
        del tasks[task_id]
    for task in tasks.values():
        task["children"] = [child for child in task["children"] if child not in dropped]


def migrate_state(old: ProcessLibrary, new: ProcessLibrary, state: str) -> str:
    """The state restored on ``new`` and serialized again; raises MigrationRefused when it cannot move."""
    check = check_migration(old, new, state)
    if not check.movable:
        raise MigrationRefused(check.blockers)
    dct = json.loads(state)
    if dct.get("format") != STATE_FORMAT:
        raise ValueError("unknown workflow state format")
    for flow in [dct, *dct["subprocesses"].values()]:
        _drop_predicted(flow)
    workflow = _SERIALIZER.loads(json.dumps(dct), new.spec, new.subprocess_specs)
    for flow in [workflow, *workflow.subprocesses.values()]:
        for task in list(flow.tasks.values()):
            if task.has_state(_LIVE):
                task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    return _SERIALIZER.dumps(workflow)
