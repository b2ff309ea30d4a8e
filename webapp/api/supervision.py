"""The supervision API: stuck and overdue cases; suspend, resume and cancel a case with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field, ValidationError

from webapp.api import presenters
from webapp.api.openapi import operation
from webapp.api.routes import _json_body, _pydantic_errors, blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.casework.appeals.service import appeal_for
from webapp.casework.case_control.service import ControlRefused, change_status
from webapp.casework.supervision import service
from webapp.casework.supervision.messages import control_message
from webapp.errors import NotFoundError
from webapp.platform.auth.models import Role
from webapp.platform.query_params import query
from webapp.platform.timeutil import as_utc

SUPERVISING_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)
FILTER_PARAMETERS = {
    "district": ("district id (region supervisors and admins)", False),
    "mahalla": ("mahalla id", False),
    "category": ("category code", False),
    "stage": ("stage 1-5", False),
    "kind": ("ariza, taklif or shikoyat", False),
}


class StuckArgs(service.FilterArgs):
    days: service.Days = service.DEFAULT_STUCK_DAYS


class SupervisedCaseOut(BaseModel):
    number: str
    mahalla: str
    mahalla_name: str
    stage: int
    status: str
    case_status: str = Field(description="running, suspended or incident")
    deadline: dt.date
    due: dt.date = Field(description="the earliest of the deadline and the pending tasks' due dates")
    days_overdue: int = Field(description="days past ``due`` (negative: days left)")
    days_idle: int = Field(description="days since the case last moved")
    last_progress_at: dt.datetime
    tasks: list[str]
    assignees: list[str]


class SupervisedCaseList(BaseModel):
    cases: list[SupervisedCaseOut]


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="why; recorded in the case's log")


class ControlledOut(BaseModel):
    number: str
    case_status: str
    is_open: bool
    status: str


def _case(line: service.CaseLine) -> dict[str, Any]:
    appeal = line.appeal
    return {
        "number": appeal.number,
        "mahalla": appeal.mahalla.code,
        "mahalla_name": appeal.mahalla.name,
        "stage": appeal.stage,
        "status": appeal.status,
        "case_status": line.status,
        "deadline": appeal.deadline.isoformat(),
        "due": line.due.isoformat(),
        "days_overdue": line.days_overdue,
        "days_idle": line.days_idle,
        "last_progress_at": as_utc(line.last_progress_at).isoformat(),
        "tasks": [task.name for task in line.tasks],
        "assignees": line.assignees,
    }


def _refuse_non_supervisors() -> Any:
    if not g.api_user.has_role(*SUPERVISING_ROLES):
        return error(403, _("Only a supervisor may use the supervision console."))
    return None


@blueprint.route("/supervision/stuck")
@operation(
    summary="Open cases in your territory that have not moved for N days (default 7)",
    tag="supervision",
    query={"days": ("days without progress, 1-365", False), **FILTER_PARAMETERS},
    responses={
        200: ("Stuck cases, longest idle first", SupervisedCaseList),
        403: ("The caller is not a supervisor", ErrorOut),
        400: ("A malformed parameter (days not a whole number from 1 to 365, a filter), named in fields", ErrorOut),
    },
)
def stuck() -> Any:
    refused = _refuse_non_supervisors()
    if refused is not None:
        return refused
    args = query(StuckArgs)
    lines = service.stuck_cases(g.api_user, args.days, args.filters())
    return jsonify({"cases": [_case(line) for line in lines]})


@blueprint.route("/supervision/overdue")
@operation(
    summary="Open cases in your territory past their deadline or with an overdue task",
    tag="supervision",
    query=FILTER_PARAMETERS,
    responses={
        200: ("Overdue cases, earliest deadline first", SupervisedCaseList),
        400: ("A malformed filter, named in fields", ErrorOut),
        403: ("The caller is not a supervisor", ErrorOut),
    },
)
def overdue() -> Any:
    refused = _refuse_non_supervisors()
    if refused is not None:
        return refused
    lines = service.overdue_cases(g.api_user, query(service.FilterArgs).filters())
    return jsonify({"cases": [_case(line) for line in lines]})


def _control(number: str, action: str) -> Any:
    refused = _refuse_non_supervisors()
    if refused is not None:
        return refused
    appeal = appeal_for(g.api_user, number)
    if appeal is None:
        raise NotFoundError()
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = ReasonIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    try:
        status = change_status(appeal, g.api_user, action, data.reason)
    except ControlRefused as refusal:
        if refusal.code == "no_reason":
            field = {"field": "reason", "code": "required", "message": control_message(refusal.code)}
            return error(422, _("Some fields are not valid."), [field])
        return error(409, control_message(refusal.code, refusal.status))
    return jsonify({**presenters.appeal(appeal), "case_status": status})


CONTROL_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    200: ("Done; the appeal with its case status", ControlledOut),
    400: ("Malformed JSON", ErrorOut),
    403: ("The caller is not a supervisor", ErrorOut),
    404: ("Unknown, or outside your territory", ErrorOut),
    409: ("Not possible from the case's current status", ErrorOut),
    422: ("The reason is missing or too long", ErrorOut),
}


@blueprint.route("/appeals/<number>/suspend", methods=["POST"])
@operation(
    summary="Suspend a case (its tasks cannot be completed)",
    tag="supervision",
    request=ReasonIn,
    responses=CONTROL_RESPONSES,
)
def suspend(number: str) -> Any:
    return _control(number, "suspend")


@blueprint.route("/appeals/<number>/resume", methods=["POST"])
@operation(summary="Resume a suspended case", tag="supervision", request=ReasonIn, responses=CONTROL_RESPONSES)
def resume(number: str) -> Any:
    return _control(number, "resume")


@blueprint.route("/appeals/<number>/cancel", methods=["POST"])
@operation(
    summary="Cancel a case: its tasks are removed and the appeal is closed",
    tag="supervision",
    request=ReasonIn,
    responses=CONTROL_RESPONSES,
)
def cancel(number: str) -> Any:
    return _control(number, "cancel")
