"""The audit log's action and object codes, named in the reader's language (the code stays the
filter's value and the export's column)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "login_succeeded": _l("Signed in"),
    "login_failed": _l("Sign-in failed"),
    "login_locked": _l("Account locked after failed sign-ins"),
    "lockout_lifted": _l("Lock lifted"),
    "login_sso_succeeded": _l("Signed in with single sign-on"),
    "login_sso_refused": _l("Single sign-on refused"),
    "password_link_sent": _l("Password link sent"),
    "password_reset": _l("Password reset"),
    "token_issued": _l("API token issued"),
    "token_revoked": _l("API token revoked"),
    "user_created": _l("User created"),
    "user_updated": _l("User changed"),
    "user_deactivated": _l("User deactivated"),
    "user_reactivated": _l("User reactivated"),
    "absence_recorded": _l("Absence recorded"),
    "absence_ended": _l("Absence ended"),
    "tasks_returned": _l("Tasks handed back"),
    "reference_saved": _l("Reference data saved"),
    "chair_sharing_updated": _l("Categories shared with chairs changed"),
    "chair_listed_appeals": _l("Chair listed appeals"),
    "chair_viewed_appeal": _l("Chair viewed an appeal"),
    "view": _l("Record viewed"),
    "view_plan": _l("Prevention plan viewed"),
}

OBJECTS = {
    "user": _l("User"),
    "appeal": _l("Appeal"),
    "absence": _l("Absence"),
    "api_token": _l("API token"),
    "reference_item": _l("Reference item"),
    "partner_organisation": _l("Partner organisation"),
    "chair_sharing": _l("Chair sharing"),
    "address": _l("Address"),
}


def action_label(code: str) -> str:
    found = ACTIONS.get(code)
    return str(found) if found is not None else code


def object_label(code: str) -> str:
    found = OBJECTS.get(code)
    return str(found) if found is not None else code
