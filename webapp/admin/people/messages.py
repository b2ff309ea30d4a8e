"""What to tell an admin or supervisor when a change to a person is refused."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "bad_username": _l("Use 1 to 80 lower-case Latin letters, digits, dots, hyphens or underscores."),
    "username_taken": _l("This username is taken."),
    "bad_name": _l("Enter the full name (200 characters at most)."),
    "role_not_allowed": _l("You may not give this role."),
    "bad_email": _l("Enter a valid e-mail address."),
    "mahalla_not_allowed": _l("A chosen mahalla is outside your territory."),
    "mahalla_required": _l("Choose at least one mahalla."),
    "territory_required": _l("Choose the district or region this supervisor heads."),
    "not_yourself": _l("You cannot deactivate your own account."),
    "already_inactive": _l("This account is already deactivated."),
    "cannot_take": _l("This colleague may not take these tasks."),
    "too_many_mahallas": _l("A mahalla chair serves exactly one mahalla."),
    "organisation_required": _l("Choose the partner organisation this person works for."),
    "sso_taken": _l("Another person has this single sign-on identity."),
}


def refusal_message(code: str) -> str:
    return str(REFUSALS.get(code, code))
