"""What to tell a user when an assignment change is refused (one message per refusal code)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "held_by_other": _l("Someone else holds this task. Ask them or a supervisor to hand it over."),
    "not_yours": _l("This task is not assigned to you."),
    "unknown_user": _l("No active user with this name."),
    "wrong_role": _l("This user does not have the role this task needs."),
    "wrong_territory": _l("This user does not serve the territory of this task."),
    "same_user": _l("The task is already yours; choose a colleague."),
    "already_holds": _l("The chosen user already holds the selected tasks; nothing was changed."),
    "reason_required": _l("Give a reason."),
    "reason_too_long": _l("The reason is too long (500 characters at most)."),
    "no_tasks": _l("Choose at least one task."),
    "unknown_task": _l("A chosen task is unknown, completed or outside your territory; nothing was changed."),
    "not_supervisor": _l("Only a supervisor of this territory may reassign tasks."),
    "not_permitted": _l("You may record absences only for yourself or for users of your territory."),
    "ends_before_start": _l("The last day cannot be before the first day."),
}

WARNINGS = {
    "not_serving": _l("does not serve this mahalla"),
    "supervisor_takes": _l("a supervisor takes an inspector task"),
}

# Refusals that describe the state of the task rather than the input (409 in the API).
CONFLICT_CODES = frozenset({"held_by_other", "not_yours"})


def refusal_message(code: str) -> str:
    return str(REFUSALS.get(code, code))


def warning_message(code: str) -> str:
    return str(WARNINGS.get(code, code))


def offered_label(user: Any, warning: str) -> str:
    """A person in a reassignment list, with the warning when there is one."""
    return f"{user.full_name} ({user.username}) — {warning_message(warning)}" if warning else user.full_name
