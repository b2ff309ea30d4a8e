"""Absences and temporary cover through the API (supervisors of the district)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.api.openapi import operation
from webapp.api.routes import _json_body, _pydantic_errors, blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.cases.assignment.service import user_by_username
from webapp.cases.cover import service
from webapp.cases.cover.messages import refusal_message
from webapp.cases.models import UserAbsence
from webapp.errors import NotFoundError
from webapp.platform.auth.models import Role, User
from webapp.platform.query_params import BadParameter, QueryModel, query

MANAGERS = (Role.SUPERVISOR.value, Role.ADMIN.value)


class AbsenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    user: str = Field(min_length=1, max_length=80, description="username of the absent inspector")
    from_: dt.date = Field(alias="from", description="first day away (YYYY-MM-DD)")
    to: dt.date = Field(description="last day away (YYYY-MM-DD)")
    substitute: str | None = Field(default=None, max_length=80, description="username of the covering colleague")
    reason: str = Field(default="", max_length=500)
    kind: str = Field(default="leave", description="leave | sick | training | other")
    return_tasks: bool = Field(default=True, description="give the moved tasks back when the cover ends")


class AbsenceOut(BaseModel):
    id: int
    user: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    substitute: str | None
    reason: str
    kind: str
    tasks_moved: int | None = None


class AbsenceList(BaseModel):
    absences: list[AbsenceOut]


class EndedOut(BaseModel):
    tasks_returned: int


def _username(user_id: int | None) -> str | None:
    from webapp.cases.assignment.service import user_by_id

    user = user_by_id(user_id) if user_id else None
    return user.username if user else None


def absence_json(absence: UserAbsence, **extra: Any) -> dict[str, Any]:
    return {
        "id": absence.id,
        "user": _username(absence.user_id),
        "from": absence.starts_on.isoformat(),
        "to": absence.ends_on.isoformat(),
        "substitute": _username(absence.substitute_id),
        "reason": absence.reason,
        "kind": absence.kind,
        **extra,
    }


def _refused(refused: service.CoverRefused) -> Any:
    if not refused.field:
        return error(403 if refused.code == "not_supervisor" else 409, refusal_message(refused.code))
    fields = [{"field": refused.field, "code": refused.code, "message": refusal_message(refused.code)}]
    return error(422, _("Some fields are not valid."), fields)


def _caller() -> User | None:
    user: User = g.api_user
    return user if user.has_role(*MANAGERS) else None


@blueprint.route("/absences", methods=["POST"])
@operation(
    summary="Record an absence with a substitute; a cover starting today moves the tasks at once",
    tag="absences",
    request=AbsenceIn,
    responses={
        201: ("Recorded", AbsenceOut),
        400: ("Malformed JSON", ErrorOut),
        403: ("The caller is not a supervisor", ErrorOut),
        422: ("A field is invalid: unknown user, outside your territory, wrong role, dates, overlap", ErrorOut),
    },
)
def create_absence() -> Any:
    actor = _caller()
    if actor is None:
        return error(403, refusal_message("not_supervisor"))
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = AbsenceIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    substitute = None
    if data.substitute:
        substitute = user_by_username(data.substitute)
        if substitute is None:
            return _refused(service.CoverRefused("unknown_user", "substitute"))
    new = service.NewAbsence(
        user=user_by_username(data.user),
        starts_on=data.from_,
        ends_on=data.to,
        substitute=substitute,
        kind=data.kind,
        reason=data.reason,
        return_tasks=data.return_tasks,
    )
    try:
        absence, moved = service.record_absence(actor, new)
    except service.CoverRefused as refused:
        return _refused(refused)
    response = jsonify(absence_json(absence, tasks_moved=moved))
    response.status_code = 201
    return response


class AbsenceListArgs(QueryModel):
    district: str = Field("", max_length=40)  # a district's code


@blueprint.route("/absences", methods=["GET"])
@operation(
    summary="Current and future absences of your territory (?district=<code>)",
    tag="absences",
    responses={
        200: ("The absences", AbsenceList),
        403: ("Not a supervisor", ErrorOut),
        400: ("Unknown district, named in fields", ErrorOut),
    },
)
def list_absences() -> Any:
    actor = _caller()
    if actor is None:
        return error(403, refusal_message("not_supervisor"))
    district_id = None
    code = query(AbsenceListArgs).district
    if code:
        district = service.district_by_code(code)
        if district is None:
            raise BadParameter("district", "unknown_district", _("No district with this code."))
        district_id = district.id
    rows = service.current_and_future(actor, district_id=district_id)
    return jsonify({"absences": [absence_json(a) for a in rows]})


@blueprint.route("/absences/<int:absence_id>", methods=["DELETE"])
@operation(
    summary="End a cover early; the moved tasks still untouched go back to the absent user",
    tag="absences",
    responses={
        200: ("Ended", EndedOut),
        403: ("Not a supervisor", ErrorOut),
        404: ("Unknown absence, or outside your territory", ErrorOut),
        409: ("Already ended", ErrorOut),
    },
)
def end_absence(absence_id: int) -> Any:
    actor = _caller()
    if actor is None:
        return error(403, refusal_message("not_supervisor"))
    absence = service.absence_for(actor, absence_id)
    if absence is None:
        raise NotFoundError()
    try:
        returned = service.end_cover(actor, absence)
    except service.CoverRefused as refused:
        return _refused(refused)
    return jsonify({"tasks_returned": returned})
