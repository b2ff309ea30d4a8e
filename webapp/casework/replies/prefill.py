"""Values proposed on a task's form beyond the case data the engine already offers.

Providers are registered per task name with ``@prefill_for("prepare_reply")``; a provider's values
fill only the fields that are still empty, so what the inspector saved earlier always wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from webapp.casework.appeals.models import Appeal
from webapp.casework.replies.service import draft_reply
from webapp.platform.auth.models import User


@dataclass(frozen=True)
class PrefillRequest:
    appeal: Appeal
    task_name: str
    actor: User
    values: Mapping[str, Any]  # the engine's prefill (case data)


Provider = Callable[[PrefillRequest], Mapping[str, Any]]
_PROVIDERS: dict[str, list[Provider]] = defaultdict(list)


def prefill_for(*task_names: str) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        for name in task_names:
            if provider not in _PROVIDERS[name]:
                _PROVIDERS[name].append(provider)
        return provider

    return register


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def task_prefill(appeal: Appeal, task_name: str, actor: User, values: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's values, with the empty fields filled by the task's providers."""
    result = dict(values)
    for provider in _PROVIDERS.get(task_name, ()):
        proposed = provider(PrefillRequest(appeal, task_name, actor, dict(result)))
        for name, value in proposed.items():
            if _empty(result.get(name)):
                result[name] = value
    return result


@prefill_for("prepare_reply")
def reply_text_from_template(request: PrefillRequest) -> Mapping[str, Any]:
    if not _empty(request.values.get("reply_text")):
        return {}
    return {"reply_text": draft_reply(request.appeal, request.actor, request.values)}
