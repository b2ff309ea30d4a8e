"""The case diagram: which BPMN processes of a case's own version to show, and how far the case got.

Everything is read from the case's own process version (never the newest one), so a case keeps
showing the diagram it runs on after a new version is published. The outline of a version (its
processes, call activities, user tasks and end events) is parsed once per content hash.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.xml_safety import parse_diagram_xml
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance, ProcessVersion
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PROCESS = f"{{{BPMN_NS}}}process"
_USER_TASK = f"{{{BPMN_NS}}}userTask"
_CALL_ACTIVITY = f"{{{BPMN_NS}}}callActivity"
_END_EVENT = f"{{{BPMN_NS}}}endEvent"


@dataclass(frozen=True)
class ProcessOutline:
    """What the case diagram needs to know about one process of a version."""

    id: str
    file: str
    name: str
    user_tasks: frozenset[str]
    end_events: frozenset[str]
    calls: tuple[tuple[str, str], ...]  # (call activity id, called process id)
    task_order: tuple[str, ...] = ()  # the user tasks in document order


@dataclass(frozen=True)
class _CaseVersion:
    version_id: int
    content_hash: str
    main_process_id: str
    is_completed: bool


class _OutlineCache:
    """Outlines by content hash, least recently used dropped first. Thread-safe."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, dict[str, ProcessOutline]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], dict[str, ProcessOutline]]) -> dict[str, ProcessOutline]:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        outline = load()
        with self._lock:
            self._items[key] = outline
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return outline


_outlines = _OutlineCache()


def outline_of(files: dict[str, str]) -> dict[str, ProcessOutline]:
    """The processes of a version's BPMN files, by process id (DMN and other files are skipped)."""
    found: dict[str, ProcessOutline] = {}
    for file_name in sorted(files):
        if not file_name.endswith(".bpmn"):
            continue
        root = parse_diagram_xml(files[file_name], file_name).getroot()
        for process in root.iter(_PROCESS):
            process_id = process.get("id")
            if not process_id or process_id in found:
                continue
            found[process_id] = ProcessOutline(
                id=process_id,
                file=file_name,
                name=process.get("name") or process_id,
                user_tasks=frozenset(_ids(process.iter(_USER_TASK))),
                end_events=frozenset(_ids(process.iter(_END_EVENT))),
                calls=tuple(
                    (str(call.get("id")), str(call.get("calledElement")))
                    for call in process.iter(_CALL_ACTIVITY)
                    if call.get("id") and call.get("calledElement")
                ),
                task_order=tuple(_ids(process.iter(_USER_TASK))),
            )
    return found


def _ids(elements: Iterable[Any]) -> list[str]:
    return [str(element.get("id")) for element in elements if element.get("id")]


def _case_version(appeal: Appeal) -> _CaseVersion | None:
    row = db.session.execute(
        select(ProcessVersion.id, ProcessVersion.content_hash, ProcessVersion.process_id, ProcessInstance.is_completed)
        .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
        .where(ProcessInstance.appeal_id == appeal.id)
    ).one_or_none()
    if row is None:
        return None
    return _CaseVersion(row[0], row[1], row[2], bool(row[3]))


def _files(version_id: int) -> dict[str, str]:
    return db.session.scalar(select(ProcessVersion.files).where(ProcessVersion.id == version_id)) or {}


def _outline(case: _CaseVersion) -> dict[str, ProcessOutline]:
    return _outlines.get(case.content_hash, lambda: outline_of(_files(case.version_id)))


def _completed_elements(appeal: Appeal) -> list[tuple[str, str]]:
    """(process id, element id) of every element the case completed, oldest first."""
    paths = db.session.scalars(
        select(CaseEvent.elements)
        .where(CaseEvent.appeal_id == appeal.id, CaseEvent.elements.is_not(None))
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    completed: list[tuple[str, str]] = []
    for path in paths:
        for qualified in path or ():
            process_id, sep, element_id = str(qualified).partition(":")
            if sep:
                completed.append((process_id, element_id))
    return completed


def _pending_names(appeal: Appeal) -> list[str]:
    return sorted(set(db.session.scalars(select(PendingTask.name).where(PendingTask.appeal_id == appeal.id))))


def case_diagrams(appeal: Appeal) -> list[dict[str, Any]]:
    """The processes to draw for the case: the main process, then the current stage's subprocess.

    Each entry holds ``process_id``, ``file``, ``name`` (the process name in the diagram, to be
    translated for display) and the sorted element ids ``done`` and ``current`` of that process.
    The current stage is the process of a pending user task; without one (closed or waiting
    case), the last process the case entered. Empty when the case has no process instance.
    """
    case = _case_version(appeal)
    if case is None:
        return []
    return progress_diagrams(
        _outline(case), case.main_process_id, _completed_elements(appeal), _pending_names(appeal), case.is_completed
    )


def progress_diagrams(
    outline: dict[str, ProcessOutline],
    main_process_id: str,
    completed: Iterable[tuple[str, str]],
    pending: Iterable[str],
    is_completed: bool,
) -> list[dict[str, Any]]:
    """The diagram entries of a run (see case_diagrams): ``completed`` holds (process id, element
    id) pairs oldest first, ``pending`` the names of the waiting user tasks."""
    main = outline.get(main_process_id)
    if main is None:
        return []

    done: dict[str, set[str]] = {process_id: set() for process_id in outline}
    entered: list[str] = []
    for process_id, element_id in completed:
        if process_id in done:
            done[process_id].add(element_id)
            if process_id != main.id:
                entered.append(process_id)

    current: dict[str, set[str]] = {process_id: set() for process_id in outline}
    active: list[str] = []  # subprocesses with a pending user task
    for name in pending:
        holder = next((p.id for p in outline.values() if name in p.user_tasks), None)
        if holder is None:
            continue
        current[holder].add(name)
        if holder != main.id and holder not in active:
            active.append(holder)
    # Stages shown: the ones waiting on a person now, else the last one entered.
    stages = active or entered[-1:]

    for call_id, called in main.calls:
        if called in outline and done[called] & outline[called].end_events:
            done[main.id].add(call_id)
    for call_id, called in main.calls:
        if called in active:
            current[main.id].add(call_id)
        elif not active and not is_completed and called in stages and call_id not in done[main.id]:
            current[main.id].add(call_id)  # the case waits inside it (a timer or a message)
    # An element done in an earlier pass and waiting again is drawn as current.
    for process_id in outline:
        done[process_id] -= current[process_id]

    return [
        {
            "process_id": process.id,
            "file": process.file,
            "name": process.name,
            "done": sorted(done[process.id]),
            "current": sorted(current[process.id]),
        }
        for process in [main, *(outline[p] for p in stages if p != main.id)]
    ]


def diagram_xml(appeal: Appeal, process_id: str) -> str | None:
    """The BPMN document holding ``process_id`` in the case's own version; None if there is none."""
    case = _case_version(appeal)
    if case is None:
        return None
    process = _outline(case).get(process_id)
    if process is None:
        return None
    return _files(case.version_id).get(process.file)


def version_outline(version: ProcessVersion) -> dict[str, ProcessOutline]:
    """The processes of a published version (parsed once per content hash)."""
    return _outlines.get(version.content_hash, lambda: outline_of(_files(version.id)))


def version_diagram_xml(version: ProcessVersion, process_id: str) -> str | None:
    """The BPMN document holding ``process_id`` in the version; None if there is none."""
    process = version_outline(version).get(process_id)
    if process is None:
        return None
    return _files(version.id).get(process.file)
