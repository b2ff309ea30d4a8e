"""The earlier answered appeal beside the new one on the conclusion and approval tasks."""

from __future__ import annotations

from typing import Any

from webapp.cases.models import PendingTask
from webapp.cases.tasks.panels import task_panel
from webapp.casework.repeated.service import earlier_answers
from webapp.platform.auth.models import User


@task_panel("write_repeated_conclusion")
@task_panel("approve_repeated_conclusion")
def repeated_panel(pending: PendingTask, user: User) -> dict[str, Any]:
    return {"earlier": earlier_answers(pending.appeal), "new_appeal": pending.appeal}
