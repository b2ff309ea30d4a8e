"""What to tell a user when an absence or cover is refused (one message per code)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "not_supervisor": _l("Only a supervisor of this territory or an administrator may record a cover."),
    "unknown_user": _l("No active user with this name."),
    "wrong_role": _l(
        "This user does not have the role needed (an inspector or adviser, and a substitute of the same role)."
    ),
    "wrong_territory": _l("This user does not work in your territory, or not in the district of the absent colleague."),
    "ends_before_start": _l("The last day cannot be before the first day."),
    "overlapping": _l("This user already has an absence in these days."),
    "substitute_absent": _l("The substitute is absent in these days."),
    "same_user": _l("The substitute must be someone else."),
    "unknown_kind": _l("Choose leave, sick leave, training or other."),
    "reason_too_long": _l("The reason is too long (500 characters at most)."),
    "already_ended": _l("This absence has already ended."),
}

KIND_LABELS = {
    "leave": _l("Leave"),
    "sick": _l("Sick leave"),
    "training": _l("Training"),
    "other": _l("Other"),
}


def refusal_message(code: str) -> str:
    return str(REFUSALS.get(code, code))
