"""Per-task side panels on the task page: a module registers a provider for a task name; the page
includes templates/tasks/panels/<task name>.html with what the provider returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webapp.cases.models import PendingTask
from webapp.platform.auth.models import User

Provider = Callable[[PendingTask, User], dict[str, Any]]
_providers: dict[str, Provider] = {}


def task_panel(task_name: str) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        _providers[task_name] = provider
        return provider

    return register


def panel_for(pending: PendingTask, user: User) -> dict[str, Any] | None:
    """The panel's template and context, or None when the task has no panel."""
    provider = _providers.get(pending.name)
    if provider is None:
        return None
    return {"template": f"tasks/panels/{pending.name}.html", **provider(pending, user)}
