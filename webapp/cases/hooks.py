"""Side effects of completing a task, registered by the subjects that own them — one registry
for every subject kind.

A hook runs inside the completing action's transaction, after the engine has moved on; what it
writes commits with the task or not at all. Register with ``@after_task(kind, "task_name", …)``
(``kind``: the subject kind, models.APPEAL, models.PREVENTION_PLAN, …); hooks of one task run in
the order they were registered and must be idempotent for the data they are given. A hook may
answer the completing subject through ``completion.answers`` (a plan's step outcome, the
instance of its next phase).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from webapp.platform.auth.models import User

if TYPE_CHECKING:
    from webapp.cases.instances import Subject


class Events(Protocol):
    """The case events of the completing action (webapp.cases.events.EventLog), written in one statement."""

    def add(self, record: Any, kind: str, actor: User | None, **details: Any) -> None: ...


@dataclass(frozen=True)
class TaskCompletion:
    subject: Subject
    record: Any  # the subject's own row (an Appeal, a PreventionPlan), showing the step's result
    task_name: str
    actor: User
    data: Mapping[str, Any]
    case_data: Mapping[str, Any]
    events: Events  # a hook adds its case events here: they are written with the completion's
    # The completed task's own variables as it waited (one instance of a multi-instance activity
    # has its own: the partner of one referral among several).
    task_variables: Mapping[str, Any] = field(default_factory=dict)
    case_completed: bool = False  # the instance reached its end with this step
    day: dt.date | None = None  # the day of the step when the caller gave one (else: today)
    answers: dict[str, Any] = field(default_factory=dict)  # what the hooks tell the completing subject


Hook = Callable[[TaskCompletion], None]
_HOOKS: dict[tuple[str, str], list[Hook]] = defaultdict(list)
# Registered for this name, a hook runs after every task of the kind (after the hooks of the task's own name).
ANY_TASK = "*"


def after_task(kind: str, *task_names: str) -> Callable[[Hook], Hook]:
    """Register a hook for the named tasks of the subject kind's cases (``ANY_TASK``: all of them)."""

    def register(hook: Hook) -> Hook:
        for name in task_names:
            if hook not in _HOOKS[(kind, name)]:
                _HOOKS[(kind, name)].append(hook)
        return hook

    return register


def run_hooks(completion: TaskCompletion) -> None:
    """Run the hooks of the completed task, then those of every task of its subject kind."""
    kind = completion.subject.kind
    for hook in (*_HOOKS.get((kind, completion.task_name), ()), *_HOOKS.get((kind, ANY_TASK), ())):
        hook(completion)


# --- case events as they are written ----------------------------------------------------------

EventsHook = Callable[[list[dict[str, Any]]], None]
_EVENT_HOOKS: list[EventsHook] = []


def on_case_events(hook: EventsHook) -> EventsHook:
    """Register a function told about every batch of case-event rows, in the writing transaction
    (the webhooks queue their deliveries there, so they commit with the change or not at all)."""
    if hook not in _EVENT_HOOKS:
        _EVENT_HOOKS.append(hook)
    return hook


def announce_events(rows: list[dict[str, Any]]) -> None:
    for hook in _EVENT_HOOKS:
        hook(rows)
