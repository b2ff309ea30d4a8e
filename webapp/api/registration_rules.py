"""Registration rules of the API beyond the schema: minors and representatives (Law on Appeals)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from webapp.api.schemas import AppealIn


def rule_errors(data: AppealIn) -> list[dict[str, str]]:
    """Field errors of the registration rules (Law on Appeals, Art. 29 and minors)."""
    problems: list[dict[str, str]] = []
    if data.applicant_is_minor and not data.legal_representative:
        problems.append(
            {
                "field": "legal_representative",
                "code": "required",
                "message": _("A minor's appeal needs the name of the legal representative."),
            }
        )
    if data.power_of_attorney and not data.representative_name:
        problems.append(
            {
                "field": "representative_name",
                "code": "required",
                "message": _("Give the representative's name with the power of attorney."),
            }
        )
    return problems


def applicant_details(data: AppealIn) -> dict[str, Any]:
    """The NewAppeal keyword arguments of the applicant details."""
    return {
        "applicant_email": data.applicant_email,
        "applicant_passport": data.applicant_passport.upper(),
        "co_applicants": tuple((c.name, c.phone, c.address) for c in data.co_applicants),
        "applicant_is_minor": data.applicant_is_minor,
        "legal_representative": data.legal_representative,
        "representative_name": data.representative_name,
        "power_of_attorney": data.power_of_attorney,
    }
