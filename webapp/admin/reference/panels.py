"""Task-page panels listing the reference data a step needs: the competent bodies when forwarding,
the district's law-enforcement partners when referring, its social-service partners likewise."""

from __future__ import annotations

from typing import Any

from webapp.admin.reference.models import ReferenceKind
from webapp.admin.reference.service import items
from webapp.cases.models import PendingTask
from webapp.cases.tasks.panels import task_panel
from webapp.platform.auth.models import User

PANELS = {
    "forward_appeal": ReferenceKind.COMPETENT_BODY,
    "refer_law_enforcement": ReferenceKind.LAW_ENFORCEMENT,
    "refer_social_services": ReferenceKind.SOCIAL_SERVICE,
}


def _provider(kind: str) -> Any:
    def provide(pending: PendingTask, _user: User) -> dict[str, Any]:
        return {"kind": kind, "partners": items(kind, district_id=pending.district_id, active_only=True)}

    return provide


for _task, _kind in PANELS.items():
    task_panel(_task)(_provider(_kind))
