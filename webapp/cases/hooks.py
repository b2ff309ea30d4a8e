"""Side effects of completing a task, registered by the domains that own them.

A hook runs inside the completing action's transaction, after the engine has moved on and the
appeal row shows the result; what it writes commits with the task or not at all. Register with
``@after_task("prepare_reply")``; hooks must be idempotent for the data they are given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from webapp.casework.appeals.models import Appeal
from webapp.platform.auth.models import User


class Events(Protocol):
    """The case events of the completing action (webapp.cases.events.EventLog), written in one statement."""

    def add(self, appeal: Appeal, kind: str, actor: User | None, **details: Any) -> None: ...


@dataclass(frozen=True)
class TaskCompletion:
    appeal: Appeal
    task_name: str
    actor: User
    data: Mapping[str, Any]
    case_data: Mapping[str, Any]
    events: Events  # a hook adds its case events here: they are written with the completion's
    # The completed task's own variables as it waited (one instance of a multi-instance activity
    # has its own: the partner of one referral among several).
    task_variables: Mapping[str, Any] = field(default_factory=dict)


Hook = Callable[[TaskCompletion], None]
_HOOKS: dict[str, list[Hook]] = defaultdict(list)


def after_task(*task_names: str) -> Callable[[Hook], Hook]:
    def register(hook: Hook) -> Hook:
        for name in task_names:
            if hook not in _HOOKS[name]:
                _HOOKS[name].append(hook)
        return hook

    return register


def run_hooks(completion: TaskCompletion) -> None:
    for hook in _HOOKS.get(completion.task_name, ()):
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
