"""The Open311 triage queue over the API: the waiting requests, placing one (a mahalla of the
caller's territory by code, a category, a kind) or rejecting it with a reason the applicant's
client reads under the request's token. Inspectors, supervisors and administrators."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.api.openapi import operation
from webapp.api.routes import _json_body, _pydantic_errors, blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.casework.appeals.runtime import StepFailed
from webapp.errors import NotFoundError
from webapp.intake.open311 import triage
from webapp.intake.open311.models import Open311Triage
from webapp.intake.open311.service import mahalla_with_code
from webapp.platform.timeutil import as_utc


class TriageList(BaseModel):
    requests: list[dict[str, Any]]


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    mahalla: str = Field(min_length=1, max_length=20, description="the mahalla's code (your territory)")
    category: str = Field(min_length=1, max_length=40)
    kind: str = Field(default="", max_length=20, description="empty: the kind the client sent")


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=triage.MIN_REASON, max_length=triage.MAX_REASON, description="shown to the applicant"
    )


def _out(item: Open311Triage) -> dict[str, Any]:
    return {
        "id": item.id,
        "token": item.token,
        "client": item.client.name,
        "received_at": as_utc(item.received_at).isoformat(),
        "service_code": item.service_code,
        "kind": item.kind,
        "description": item.description,
        "address": item.address,
        "lat": item.latitude,
        "long": item.longitude,
        "status": item.status,
    }


def _refused() -> Any:
    if not g.api_user.has_role(*triage.TRIAGE_ROLES):
        return error(403, _("Your account does not work with the Open311 triage queue."))
    return None


def _refusal(refused: triage.Refused) -> Any:
    message = _("%(field)s: %(problem)s", field=refused.field, problem=triage.REFUSALS[refused.code])
    return error(422, message, [{"field": refused.field, "code": refused.code, "message": message}])


def _decision_body(model: type[BaseModel]) -> BaseModel | Any:
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))


WAITING = {404: ("Unknown, or no longer waiting", ErrorOut), 403: ("Role", ErrorOut), 422: ("Invalid fields", ErrorOut)}


@blueprint.route("/open311/triage")
@operation(
    summary="Open311 requests waiting for a mahalla or category, oldest first",
    tag="open311",
    responses={200: ("The queue", TriageList), 403: ("Role", ErrorOut)},
)
def triage_queue() -> Any:
    if (refused := _refused()) is not None:
        return refused
    return jsonify({"requests": [_out(item) for item in triage.pending()]})


@blueprint.route("/open311/triage/<int:item_id>/place", methods=["POST"])
@operation(
    summary="Place a waiting request: the appeal is registered in the mahalla and category",
    tag="open311",
    request=PlaceIn,
    responses={201: ("Registered", None), **WAITING},
)
def triage_place(item_id: int) -> Any:
    if (refused := _refused()) is not None:
        return refused
    item = triage.pending_item(g.api_user, item_id)
    if item is None:
        raise NotFoundError()
    data = _decision_body(PlaceIn)
    if not isinstance(data, PlaceIn):
        return data
    mahalla = mahalla_with_code(data.mahalla)
    try:
        appeal = triage.place(g.api_user, item, mahalla.id if mahalla else 0, data.category, data.kind or item.kind)
    except triage.Refused as refused_decision:
        return _refusal(refused_decision)
    except StepFailed:
        return error(503, _("The appeal procedure could not start; nothing was saved."))
    response = jsonify({"number": appeal.number, "token": item.token, "status": item.status})
    response.status_code = 201
    return response


@blueprint.route("/open311/triage/<int:item_id>/reject", methods=["POST"])
@operation(
    summary="Reject a waiting request with a reason the applicant is shown",
    tag="open311",
    request=RejectIn,
    responses={200: ("Rejected", None), **WAITING},
)
def triage_reject(item_id: int) -> Any:
    if (refused := _refused()) is not None:
        return refused
    item = triage.pending_item(g.api_user, item_id)
    if item is None:
        raise NotFoundError()
    data = _decision_body(RejectIn)
    if not isinstance(data, RejectIn):
        return data
    try:
        triage.reject(g.api_user, item, data.reason)
    except triage.Refused as refused_decision:
        return _refusal(refused_decision)
    return jsonify(_out(item))
