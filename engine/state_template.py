"""A case's stored state as a template: many look-alike cases from one real one, quickly.

``state_template(state, fields=(...))`` reads a state written by ``Instance.serialize`` and finds,
by walking its structure, every task id (the keys of the task tables of the workflow and its
sub-processes, wherever the serializer repeats them: parents, children, roots, last tasks, merged
branches, sub-process keys…) and the named fields of the case data (the workflow's and each task's
data). ``render(new_ids, values)`` puts fresh ids and values in those places: the template is kept
as text with ``%s`` slots, so a clone costs one string formatting, not a parse and a serialization.
The result is a state ``Instance.restore`` and ``Instance.load`` accept.

Used by the synthetic-data generator (devtools/synthetic) to produce a million appeals whose open
cases run on the real engine; only this package knows what the state looks like inside.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from engine.serialization import STATE_FORMAT, StateSerializer

_SERIALIZER = StateSerializer()
_SLOT = "@@state-slot:"  # a marker written in place of an id or a field while the template is made
_SLOTS = re.compile('@@state-slot:i:(\\d+)@@|"@@state-slot:f:(\\d+)@@"')
_PLAIN = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class StateTemplate:
    """A serialized state with holes for its task ids and some data fields (see ``render``)."""

    task_ids: tuple[str, ...]  # the template's own task ids, in the order they first appear
    fields: tuple[str, ...]  # the fields asked for that the state holds, in the order asked
    _format: str  # the state's text, ``%`` doubled, with ``%s`` for every occurrence of a hole
    _slots: tuple[tuple[bool, str], ...]  # per ``%s``: (is a field, task id or field name)

    def render(self, new_ids: Mapping[str, str], values: Mapping[str, Any]) -> str:
        """The state with every task id ``t`` of the template replaced by ``new_ids[t]`` and every
        field ``f`` of ``fields`` by ``values[f]`` (in the workflow's and the tasks' data).

        ``new_ids`` must give every id of ``task_ids`` a distinct new id (a UUID string).
        """
        if len({new_ids[old] for old in self.task_ids}) != len(self.task_ids):
            raise ValueError("two task ids of the template were given the same new id")
        encoded = {name: _encode(values[name]) for name in self.fields}
        return self._format % tuple(encoded[key] if is_field else new_ids[key] for is_field, key in self._slots)


def state_template(state: str, fields: Collection[str] = ()) -> StateTemplate:
    """The template of ``state`` (a text of ``Instance.serialize``) with holes for its task ids and
    for the top-level ``fields`` of the workflow's and tasks' data."""
    if _SLOT in state:
        raise ValueError("the state holds the template marker")
    document = json.loads(state)
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        raise ValueError("unknown workflow state format")
    ids = _task_ids(document)
    names = list(dict.fromkeys(fields))
    marked = _mark_ids(document, {task_id: f"{_SLOT}i:{n}@@" for n, task_id in enumerate(ids)})
    field_marks = {name: f"{_SLOT}f:{n}@@" for n, name in enumerate(names)}
    for workflow in (marked, *marked.get("subprocesses", {}).values()):
        _mark_fields(workflow.get("data"), field_marks)
        for task in workflow.get("tasks", {}).values():
            _mark_fields(task.get("data"), field_marks)
    text = json.dumps(marked, separators=(",", ":"))
    pieces: list[str] = []
    slots: list[tuple[bool, str]] = []
    position = 0
    for match in _SLOTS.finditer(text):
        pieces.append(text[position : match.start()].replace("%", "%%"))
        task, field = match.groups()
        slots.append((False, ids[int(task)]) if task is not None else (True, names[int(field)]))
        position = match.end()
    pieces.append(text[position:].replace("%", "%%"))
    order = tuple(dict.fromkeys(key for is_field, key in slots if not is_field))
    present = {key for is_field, key in slots if is_field}
    return StateTemplate(order, tuple(n for n in names if n in present), "%s".join(pieces), tuple(slots))


def _task_ids(document: dict[str, Any]) -> list[str]:
    """Every task's id: the keys of the task tables of the workflow and its sub-processes."""
    ids = list(document.get("tasks", {}))
    for subprocess in document.get("subprocesses", {}).values():
        ids.extend(subprocess.get("tasks", {}))
    return ids


def _mark_ids(value: Any, marks: Mapping[str, str]) -> Any:
    """``value`` with every string (value or key) that is a task id replaced by its mark."""
    if isinstance(value, dict):
        return {marks.get(key, key): _mark_ids(item, marks) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark_ids(item, marks) for item in value]
    if isinstance(value, str):
        return marks.get(value, value)
    return value


def _mark_fields(data: Any, marks: Mapping[str, str]) -> None:
    if isinstance(data, dict):
        for name in marks.keys() & data.keys():
            data[name] = marks[name]


def _encode(value: Any) -> str:
    """A field's value as the state writes it (plain JSON; dates and the like as the engine does)."""
    if isinstance(value, _PLAIN):
        return json.dumps(value)
    return _SERIALIZER.dumps_data(value)
