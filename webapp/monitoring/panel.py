"""The stage-5 panel beside the supervisor's effectiveness evaluation."""

from __future__ import annotations

from typing import Any

from webapp.auth.models import User
from webapp.monitoring.service import case_outcome
from webapp.tasks.panels import task_panel
from webapp.workflow.models import PendingTask


@task_panel("evaluate_effectiveness")
def evaluation_facts(pending: PendingTask, user: User) -> dict[str, Any]:
    return {"outcome": case_outcome(pending.appeal)}
