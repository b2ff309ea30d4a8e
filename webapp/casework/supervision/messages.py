"""The words for every refusal of the console's actions (shared by the pages and the API)."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.cases.models import CaseStatus
from webapp.platform.labels import CASE_STATUS, label


def reassign_message(code: str, number: str = "") -> str:
    messages = {
        "no_cases": _("Select at least one case."),
        "no_reason": _("Give the reason for the reassignment."),
        "unknown_inspector": _("Choose an inspector from the list."),
        "unknown_case": _("Case %(number)s is not open in your territory.", number=number),
        "not_serving": _("The chosen inspector does not serve the mahalla of case %(number)s.", number=number),
        "no_inspector_task": _("Case %(number)s has no inspector task to reassign.", number=number),
        "already_holds": _("The chosen inspector already holds these tasks."),
    }
    return messages.get(code, code)


def control_message(code: str, status: str = "") -> str:
    if code == "no_reason":
        return _("Give the reason.")
    if code == "no_case":
        return _("This appeal has no case to control.")
    return _(
        "This is not possible while the case is %(status)s.", status=label(CASE_STATUS, status or "closed").lower()
    )


def not_running_message(status: str) -> str:
    if status == CaseStatus.CANCELLED:
        return _("This case was cancelled: its tasks can no longer be completed.")
    return _("This case is suspended: its tasks cannot be completed until a supervisor resumes it.")
