"""The background jobs: each is an idempotent function run inside an app context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Any]
    every_seconds: float


def _send_notifications() -> Any:
    from webapp.notifications.sender import send_due_messages

    return send_due_messages()


JOBS: tuple[Job, ...] = (Job("send_notifications", _send_notifications, every_seconds=30),)
