"""The subject kinds the case runtime serves, and what each tells the shared pages and the API.

A subject module registers its kind once (``register_subject``): the short prefix of its stable
reference (``plan-12``), the page that shows one, how one of its tasks is completed through the
API, and what the runtime asks it when it moves a case on by itself (timers, signals: which of its
subjects are in a district). Appeals register theirs too (webapp.casework.appeals.subject); their
reference is the appeal number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User

# Completes a task of the kind for the user and commits (raising the runtime's exceptions);
# False when the task is not theirs to complete.
Completer = Callable[[User, PendingTask, Mapping[str, Any]], bool]
# Completes the failed task of a subject in incident again with the kept answers (after a fix and
# a migration) and commits; raises the runtime's exceptions (Conflict, StepFailed, …).
Retrier = Callable[[int, User], Any]
# After the runtime moved a subject's case on by itself (the timer job fired its due timers, or a
# signal reached it), within that transaction: bring the subject's task projection and own rows in
# line — (subject id, instance row id, the instance, the ids of the tasks ready before). The
# runtime writes the state and the case event itself.
Advanced = Callable[[int, int, Any, set[str]], None]
# A kind whose cases the runtime does not move on by the generic path registers its own: fire the
# due timers of the case (instance row id, the moment) and answer its reference; deliver a signal
# to the case (instance row id, signal name, actor, the rounds its own signals may go on) and
# answer whether it waited for it. Both write everything within the caller's transaction.
FireTimers = Callable[[int, dt.datetime], str]
DeliverSignal = Callable[[int, str, User | None, int], bool]
# The ids of the kind's subjects in a district (a subquery): the cases a signal of that district reaches.
InDistrict = Callable[[int], Any]
# The district of one of the kind's subjects (by its id): where the signals its case throws go.
DistrictOf = Callable[[int], "int | None"]
# The page of one of the kind's tasks served at /tasks/<task_id> itself: (task id, the pending task
# the user may work on, or None when it is gone or not theirs) -> the response.
TaskPage = Callable[[str, PendingTask | None], Any]


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    prefix: str
    endpoint: str  # the page of one subject, called with ``id_argument``=subject id
    id_argument: str
    task_endpoint: str  # the page of one of its tasks, called with task_id
    complete: Completer | None = None
    retry: Retrier | None = None
    advanced: Advanced | None = None
    record: Callable[[int], Any] | None = None  # its own row, when its events go with it (cases.events.Recorded)
    fire_timers: FireTimers | None = None
    deliver_signal: DeliverSignal | None = None
    in_district: InDistrict | None = None
    district_of: DistrictOf | None = None
    task_page: TaskPage | None = None
    # A kind whose subjects have a reference of their own (an appeal's number): what a task of one
    # shows instead of ``<prefix>-<id>``, and the page of its case (both from the task's loaded rows).
    task_label: Callable[[PendingTask], str | None] | None = None
    task_url: Callable[[PendingTask], str] | None = None


_KINDS: dict[str, SubjectKind] = {}


def register_subject(kind: SubjectKind) -> SubjectKind:
    _KINDS[kind.kind] = kind
    return kind


def districts(id_column: Any, district_column: Any) -> dict[str, Any]:
    """``in_district`` and ``district_of`` of a kind whose subject rows keep their district: the
    cases a signal of a district reaches, and where a signal one of them throws goes."""

    def in_district(district_id: int) -> Any:
        return select(id_column).where(district_column == district_id).scalar_subquery()

    def district_of(subject_id: int) -> int | None:
        return db.session.scalar(select(district_column).where(id_column == subject_id))

    return {"in_district": in_district, "district_of": district_of}


def subject_kind(kind: str) -> SubjectKind | None:
    return _KINDS.get(kind)


def reference(kind: str, subject_id: int, label: str | None = None) -> str:
    """The stable reference of a case: the subject's own (``label``: an appeal's number), or
    ``<prefix>-<id>`` (``plan-12``)."""
    if label:
        return label
    known = _KINDS.get(kind)
    return f"{known.prefix if known else kind}-{subject_id}"


def task_case(task: PendingTask) -> dict[str, str]:
    """``{"kind", "ref"}`` of the case a pending task belongs to (the API's ``case``)."""
    known = _KINDS.get(task.subject_kind)
    label = known.task_label(task) if known is not None and known.task_label is not None else None
    return {"kind": task.subject_kind, "ref": reference(task.subject_kind, task.subject_id, label)}


def task_ref(task: PendingTask) -> str:
    return task_case(task)["ref"]


def case_url(task: PendingTask) -> str:
    """The page of the case a pending task belongs to (templates: ``case_url(task)``)."""
    known = _KINDS.get(task.subject_kind)
    if known is not None and known.task_url is not None:
        return known.task_url(task)
    return subject_url(task.subject_kind, task.subject_id)


def subject_url(kind: str, subject_id: int) -> str:
    """The page of a subject of a registered kind that shows its subjects by id (not an appeal:
    its page is reached from its task, ``case_url``); "" for an unknown kind or an appeal."""
    known = _KINDS.get(kind)
    if known is not None and known.task_url is not None:
        return ""
    arguments: dict[str, Any] = {known.id_argument: subject_id} if known else {}
    return url_for(known.endpoint, **arguments) if known else ""


def kinds() -> list[SubjectKind]:
    """Every registered subject kind."""
    return list(_KINDS.values())
