"""Which case variables the next step of a case can read in a timer or a conditional event.

The application keeps timer moments in the case data (``deadline_at``, a referral's
``referral_acknowledge_at``, …) and refreshes them after every action. Some of them cost database
reads to compute, and most steps cannot reach the timers that read them. This module answers,
from the library alone, which variables the timer and conditional expressions reachable from the
live elements of a case name: what is waiting now, and what a step can reach before it stops at
the next person's task. The answer over-approximates (every branch of a gateway is followed, a
call activity, a sub-process or the activity a multi-instance one repeats is entered and also
passed, the end of a called process continues after every activity that calls it, the event
sub-processes are always included), so a variable missing from it is one the next step cannot read.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition

from engine.library import PERSON_TASKS, ProcessLibrary

Node = tuple[str, str]  # (process id, task spec name)

_CACHE_LIMIT = 256
_lock = threading.Lock()
_cache: dict[tuple[str, frozenset[Node]], frozenset[str]] = {}


def _names(expression: Any) -> set[str]:
    if not isinstance(expression, str) or not expression.strip():
        return set()
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return {expression.strip()}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _read_by(task_spec: Any) -> set[str]:
    definition = getattr(task_spec, "event_definition", None)
    definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    names: set[str] = set()
    for one in definitions:
        for attribute in ("expression", "condition"):
            names |= _names(getattr(one, attribute, None))
    return names


def _processes(library: ProcessLibrary) -> Mapping[str, Any]:
    return {library.spec.name: library.spec, **library.subprocess_specs}


def _callers(processes: Mapping[str, Any]) -> dict[str, list[Node]]:
    """The call activities (and sub-process tasks) calling each process."""
    callers: dict[str, list[Node]] = {}
    for process_id, spec in processes.items():
        for name, task_spec in spec.task_specs.items():
            called = getattr(task_spec, "spec", None)
            if isinstance(called, str) and called in processes:
                callers.setdefault(called, []).append((process_id, name))
    return callers


def _reachable_reads(library: ProcessLibrary, starts: frozenset[Node]) -> frozenset[str]:
    processes = _processes(library)
    callers = _callers(processes)
    pending = list(starts) + [(name, "Start") for name in library.event_subprocesses if name in processes]
    seen: set[Node] = set()
    reads: set[str] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        process_id, name = node
        spec = processes.get(process_id)
        task_spec = spec.task_specs.get(name) if spec is not None else None
        if task_spec is None:
            continue
        reads |= _read_by(task_spec)
        if node not in starts and isinstance(task_spec, PERSON_TASKS):
            continue  # the step stops at a person's task
        called = getattr(task_spec, "spec", None)
        if isinstance(called, str) and called in processes:
            pending.append((called, "Start"))
        child = getattr(task_spec, "task_spec", None)  # the activity a multi-instance one repeats
        if isinstance(child, str) and spec is not None and child in spec.task_specs:
            pending.append((process_id, child))
        if not task_spec.outputs:  # the end of a process: on after whatever called it
            for caller_process, caller in callers.get(process_id, ()):
                outputs = processes[caller_process].task_specs[caller].outputs
                pending.extend((caller_process, output.name) for output in outputs)
        pending.extend((process_id, output.name) for output in task_spec.outputs)
    return frozenset(reads)


def reachable_reads(library: ProcessLibrary, live: Iterable[Node]) -> frozenset[str]:
    """The variables the timers and conditions reachable from the ``live`` elements read (cached)."""
    starts = frozenset(live)
    key = (library.sandbox_key, starts)
    found = _cache.get(key)
    if found is not None:
        return found
    reads = _reachable_reads(library, starts)
    with _lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = reads
    return reads
