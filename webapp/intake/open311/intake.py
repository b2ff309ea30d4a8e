"""Checking the parameters of GeoReport v2 calls: a POSTed service request and the GET filters.

Every problem is an ``Invalid`` naming the parameter, so the client learns exactly what to fix.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping

from flask_babel import gettext as _

from webapp.casework.appeals.service import NewAppeal
from webapp.intake.open311.catalogue import DEFAULT_KIND, KINDS, SERVICE_CODES
from webapp.intake.open311.service import RequestQuery
from webapp.intake.open311.triage import Unplaced, new_appeal
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import TASHKENT

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 4000
MAX_LENGTHS = {"address_string": 300, "first_name": 100, "last_name": 100, "phone": 40, "email": 200}
STATUSES = {"open": True, "closed": False}


class Invalid(Exception):
    def __init__(self, parameter: str, message: str, status: int = 400) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.status = status

    @property
    def description(self) -> str:
        return str(self)


def _value(params: Mapping[str, str], name: str) -> str:
    value = (params.get(name) or "").strip()
    limit = MAX_LENGTHS.get(name)
    if limit is not None and len(value) > limit:
        raise Invalid(name, _("At most %(count)d characters.", count=limit))
    return value


def _coordinate(params: Mapping[str, str], name: str, bound: float) -> float | None:
    raw = _value(params, name)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise Invalid(name, _("Give a decimal number (WGS84 degrees).")) from None
    if not math.isfinite(number) or abs(number) > bound:
        raise Invalid(name, _("Must be between %(low)d and %(high)d.", low=-bound, high=bound))
    return number


def service_code(value: str) -> str:
    if not value:
        raise Invalid("service_code", _("This parameter is required."))
    if value not in SERVICE_CODES:
        raise Invalid("service_code", _("Unknown service code; see services.json for the list."))
    return value


def new_request(
    params: Mapping[str, str],
    client_id: int,
    find_mahalla: Callable[[str], Mahalla | None],
    locate: Callable[[float | None, float | None, str], Mahalla | None] = lambda _lat, _lon, _address: None,
) -> NewAppeal | Unplaced:
    """The appeal a POSTed service request asks to register, or the request to hold for triage
    when its location is in no known mahalla or its service code is none of ours; ``Invalid`` on
    the first problem."""
    code = _value(params, "service_code")
    if not code:
        raise Invalid("service_code", _("This parameter is required."))
    if len(code) > 100:
        raise Invalid("service_code", _("At most %(count)d characters.", count=100))
    latitude = _coordinate(params, "lat", 90)
    longitude = _coordinate(params, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Invalid("lat" if latitude is None else "long", _("Send lat and long together."))
    address = _value(params, "address_string")
    if latitude is None and not address:
        raise Invalid("lat", _("Give the location: lat and long, or address_string."))
    description = _value(params, "description")
    if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        raise Invalid(
            "description",
            _("Describe the problem in %(low)d to %(high)d characters.", low=DESCRIPTION_MIN, high=DESCRIPTION_MAX),
        )
    mahalla_code = _value(params, "attribute[mahalla]")
    if mahalla_code:
        mahalla = find_mahalla(mahalla_code) if len(mahalla_code) <= 20 else None
        if mahalla is None:
            raise Invalid("attribute[mahalla]", _("Unknown mahalla code; see the service definition for the list."))
    else:  # a generic GeoReport client: the mahalla from the location (loaded boundaries or addresses)
        mahalla = locate(latitude, longitude, address)
    kind = _value(params, "attribute[kind]") or DEFAULT_KIND
    if kind not in KINDS:
        raise Invalid("attribute[kind]", _("Must be one of: %(values)s.", values=", ".join(KINDS)))
    email = _value(params, "email")
    if email and ("@" not in email or " " in email):
        raise Invalid("email", _("Not an e-mail address."))
    name = " ".join(part for part in (_value(params, "first_name"), _value(params, "last_name")) if part)
    request = Unplaced(
        client_id=client_id,
        service_code=code,
        kind=kind,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        applicant_name=name,
        applicant_phone=_value(params, "phone"),
        applicant_email=email,
    )
    if mahalla is None or code not in SERVICE_CODES:  # staff place it (webapp.intake.open311.triage)
        return request
    return new_appeal(request, mahalla, code, kind)


def _moment(params: Mapping[str, str], name: str) -> dt.datetime | None:
    raw = _value(params, name)
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(name, _("Give an ISO 8601 date-time, such as 2026-01-31T09:00:00+05:00.")) from None
    return moment.replace(tzinfo=TASHKENT) if moment.tzinfo is None else moment


def request_query(params: Mapping[str, str]) -> RequestQuery:
    """The filters of GET requests; ``Invalid`` for a bad date, status or service code."""
    numbers = tuple(n.strip() for n in _value(params, "service_request_id").split(",") if n.strip())
    code = _value(params, "service_code")
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start is not None and end is not None and start > end:
        raise Invalid("end_date", _("Must not be before start_date."))
    statuses = {s.strip().lower() for s in _value(params, "status").split(",") if s.strip()}
    unknown = statuses - STATUSES.keys()
    if unknown:
        raise Invalid("status", _("Must be open, closed or both separated by a comma."))
    is_open = STATUSES[statuses.pop()] if len(statuses) == 1 else None
    return RequestQuery(
        numbers=numbers,
        service_code=service_code(code) if code else None,
        start=start,
        end=end,
        is_open=is_open,
    )
