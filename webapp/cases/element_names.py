"""Tasks and lanes by their names in the reader's language, from the case's own diagrams.

A task's default name (stored on the task and in the event log) reaches the catalogues only for the
bundled diagrams; a diagram published from the browser names its tasks and lanes per language with
extension properties (``name_ru``, ``name_en``: ``engine.names``). The inbox, the task page, the case
timeline and the bottlenecks page show that name, else the catalogue's, else the stored default.
Lanes are roles: a lane without its own name in the language is the role's label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, has_request_context
from flask_babel import get_locale, gettext
from sqlalchemy import inspect, select

from engine.names import element_lanes, element_names, localized_diagram, pick_name
from webapp.cases.models import ProcessInstance, ProcessVersion
from webapp.cases.versions import library_by_hash
from webapp.extensions import db
from webapp.platform.auth.roles import role_label


def _cache(key: str) -> dict[Any, Any]:
    return g.setdefault(key, {}) if has_request_context() else {}


def _language() -> str:
    return str(get_locale() or "")


def _version_files(version_id: int) -> Mapping[str, bytes | str]:
    digest = db.session.scalar(select(ProcessVersion.content_hash).where(ProcessVersion.id == version_id))
    return library_by_hash(digest, version_id).files if digest else {}


def _names(version_id: int | None) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(element names, names of the lane holding each element) of a version, read once per request."""
    if version_id is None:
        return {}, {}
    cache = _cache("_mahalla_element_names")
    if version_id not in cache:
        files = _version_files(version_id)
        cache[version_id] = (element_names(files), element_lanes(files))
    found: tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]] = cache[version_id]
    return found


def _version_of(column: Any, key: int | None) -> int | None:
    if key is None:
        return None
    cache = _cache(f"_mahalla_version_by_{column.key}")
    if key not in cache:
        cache[key] = db.session.scalar(select(ProcessInstance.process_version_id).where(column == key))
    found: int | None = cache[key]
    return found


def _task_version(task: Any) -> int | None:
    """The process version of a pending task's case: from the task list's row when the list loaded
    it (``PendingTask.version``; a page of tasks is one statement, not one per case), else read."""
    state = inspect(task, raiseerr=False)
    if state is not None and "version" not in state.unloaded:
        return task.version.id if task.version is not None else None
    return _version_of(ProcessInstance.id, task.instance_id)


def element_label(element_id: str | None, default: str | None, version_id: int | None) -> str:
    """An element's name in the reader's language; ``default`` (through the catalogues) otherwise."""
    names = dict(_names(version_id)[0].get(element_id or "", {}))
    if default:
        names[""] = default
    return pick_name(names, _language(), element_id or "", gettext)


def task_label(task: Any) -> str:
    """A pending task (``name``, ``title``, ``instance_id``) by its name in the reader's language."""
    return element_label(task.name, task.title, _task_version(task))


def event_task_label(event: Any) -> str:
    """The task a case event names (``task_name``, ``task_title``), in the reader's language."""
    return element_label(event.task_name, event.task_title, _version_of(ProcessInstance.appeal_id, event.appeal_id))


def lane_label(code: str | None, version_id: int | None = None, element_id: str | None = None) -> str:
    """The lane holding ``element_id`` (a task) in the reader's language: the lane's own name, else
    the role's label (a lane's default name is its role code, ``code``)."""
    lane = _names(version_id)[1].get(element_id or "", {})
    own = lane.get(_language())
    if own:
        return own
    role = code or lane.get("", "")
    return role_label(role) if role else ""


def task_lane_label(task: Any) -> str:
    """A pending task's (``name``, ``role``, ``instance_id``) lane in the reader's language."""
    return lane_label(task.role, _task_version(task), task.name)


def viewer_document(document: str) -> str:
    """A diagram for the read-only viewers, its tasks and lanes named in the reader's language."""
    return localized_diagram(document, _language(), gettext, role_label)
