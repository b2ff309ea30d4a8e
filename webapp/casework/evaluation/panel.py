"""The stage-5 panel beside the supervisor's effectiveness evaluation."""

from __future__ import annotations

from typing import Any

from webapp.cases.models import PendingTask
from webapp.cases.tasks.panels import task_panel
from webapp.casework.evaluation.service import case_outcome
from webapp.platform.auth.models import User


@task_panel("evaluate_effectiveness")
def evaluation_facts(pending: PendingTask, user: User) -> dict[str, Any]:
    return {"outcome": case_outcome(pending.appeal)}
