"""GeoReport v2 shapes of our services and appeals. Human texts are in Uzbek, the service's language.

What a service request shows (personal data, Law ZRU-547): number, status, the status label,
service, the description and location exactly as the submitting client sent them, dates and the
responsible mahalla. Never the applicant's name, phone or e-mail, nor anything an inspector wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.casework.appeals.models import Appeal
from webapp.intake.open311.catalogue import KINDS, SERVICE_CODES, SERVICE_TEXTS, kind_name, service_name
from webapp.intake.open311.models import Open311Triage, TriageStatus
from webapp.platform import labels
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import TASHKENT, as_utc

LOCALE = "uz"


def _datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else as_utc(value).astimezone(TASHKENT).isoformat(timespec="seconds")


def _end_of(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=TASHKENT).isoformat()


def service(code: str) -> dict[str, Any]:
    texts = SERVICE_TEXTS[code]
    with force_locale(LOCALE):
        return {
            "service_code": code,
            "service_name": service_name(code),
            "description": str(texts.description),
            "metadata": True,
            "type": "realtime",
            "keywords": str(texts.keywords),
            "group": str(texts.group),
        }


def services() -> list[dict[str, Any]]:
    return [service(code) for code in SERVICE_CODES]


def service_definition(code: str, mahallas: list[Mahalla]) -> dict[str, Any]:
    with force_locale(LOCALE):
        attributes = [
            {
                "variable": True,
                "code": "mahalla",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _(
                    "The code of the mahalla where the problem is; without it the mahalla is found from lat/long "
                    "or address_string."
                ),
                "order": 1,
                "description": _("Mahalla"),
                "values": [{"key": m.code, "name": m.name} for m in mahallas],
            },
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("Kind of appeal; a complaint when not given."),
                "order": 2,
                "description": _("Kind of appeal"),
                "values": [{"key": k, "name": kind_name(k)} for k in KINDS],
            },
        ]
    return {"service_code": code, "attributes": attributes}


def created(appeal: Appeal) -> dict[str, Any]:
    with force_locale(LOCALE):
        notice = _(
            "Appeal %(number)s is registered; the answer is due by %(deadline)s.",
            number=appeal.number,
            deadline=appeal.deadline.isoformat(),
        )
    return {"service_request_id": appeal.number, "token": appeal.number, "service_notice": notice, "account_id": None}


def token(appeal: Appeal) -> dict[str, Any]:
    return {"service_request_id": appeal.number, "token": appeal.number}


def request(appeal: Appeal) -> dict[str, Any]:
    with force_locale(LOCALE):
        status_notes = labels.label(labels.STATUS, appeal.status)
        name = service_name(appeal.category)
    updated = appeal.closed_at if not appeal.is_open and appeal.closed_at else appeal.updated_at
    return {
        "service_request_id": appeal.number,
        "status": "open" if appeal.is_open else "closed",
        "status_notes": status_notes,
        "service_name": name,
        "service_code": appeal.category,
        "description": appeal.text,
        "agency_responsible": appeal.mahalla.name,
        "service_notice": None,
        "requested_datetime": _datetime(appeal.received_at),
        "updated_datetime": _datetime(updated),
        "expected_datetime": _end_of(appeal.extended_until or appeal.deadline),
        "address": appeal.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": appeal.latitude,
        "long": appeal.longitude,
        "media_url": None,
    }


def held(item: Open311Triage) -> dict[str, Any]:
    """The answer to a request kept for triage: only a token to follow it by (as the spec allows)."""
    with force_locale(LOCALE):
        notice = _("The request is received; staff will assign its mahalla and category. Follow it by its token.")
    return {"token": item.token, "service_notice": notice, "account_id": None}


def triage_token(item: Open311Triage, number: str | None) -> dict[str, Any]:
    """A triage token: the appeal's number once placed; the rejection's reason as status notes."""
    with force_locale(LOCALE):
        if item.status == TriageStatus.REJECTED.value:
            status, notes = "closed", _("Not accepted: %(reason)s", reason=item.reason)
        elif item.status == TriageStatus.PLACED.value:
            status, notes = "open", _("Registered as appeal %(number)s.", number=number)
        else:
            status, notes = "open", _("Waiting for staff to assign its mahalla and category.")
    return {"service_request_id": number, "token": item.token, "status": status, "status_notes": notes}
