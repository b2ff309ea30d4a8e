"""JSON API v1 for the Smart Mahalla mobile app and integrations (bearer-token auth)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from pydantic import ValidationError

from engine import FieldError, FormInvalid, TaskNotReady
from forms import field_error_message
from webapp.api import presenters
from webapp.api.openapi import build_document, operation
from webapp.api.registration_rules import applicant_details, rule_errors
from webapp.api.schemas import AppealIn, AppealOut, CompletedOut, ErrorOut, TaskList
from webapp.appeals.models import Channel
from webapp.appeals.service import NewAppeal, appeal_for, register_appeal, visible_appeal
from webapp.auth.models import Role
from webapp.auth.service import user_for_token
from webapp.tasks.service import inbox
from webapp.territory.service import mahallas_for_registration, task_scope
from webapp.workflow.service import Conflict, StepFailed, complete_task_in_scope, was_completed

API_PREFIX = "/api/v1"
blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)

PUBLIC_ENDPOINTS = {"api.openapi_document"}
REGISTERING_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)


def error(status: int, message: str, fields: list[dict[str, str]] | None = None) -> Any:
    response = jsonify({"error": {"status": status, "message": message, "fields": fields or []}})
    response.status_code = status
    return response


def _json_body() -> dict[str, Any] | Any:
    """The request's JSON object, or an error response naming the problem."""
    if not request.is_json:
        return error(400, _("Send a JSON body with Content-Type: application/json."))
    body = request.get_json(silent=True)
    if body is None:
        return error(400, _("The request body is not valid JSON."))
    if not isinstance(body, dict):
        return error(400, _("The JSON body must be an object."))
    return body


def _pydantic_errors(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(part) for part in e["loc"]) or "body", "code": e["type"], "message": e["msg"]}
        for e in exc.errors()
    ]


def _field_errors(errors: list[FieldError]) -> list[dict[str, str]]:
    return [{"field": e.field, "code": e.code, "message": field_error_message(e)} for e in errors]


@blueprint.before_request
def authenticate() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response = error(401, _("A valid bearer token is required."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="mahalla"'
        return response
    g.api_user = user
    return None


@blueprint.route("/openapi.json")
@operation(summary="This OpenAPI document", tag="meta", public=True, responses={200: ("OpenAPI 3.1", None)})
def openapi_document() -> Any:
    return jsonify(build_document(current_app, title="Mahalla API", version="1.0.0", prefix=API_PREFIX))


@blueprint.route("/appeals", methods=["POST"])
@operation(
    summary="Register an appeal and start its lifecycle",
    tag="appeals",
    request=AppealIn,
    responses={
        201: ("Registered", AppealOut),
        400: ("Malformed JSON", ErrorOut),
        403: ("The caller may not register appeals", ErrorOut),
        422: ("Invalid fields", ErrorOut),
    },
)
def create_appeal() -> Any:
    user = g.api_user
    if not user.has_role(*REGISTERING_ROLES):
        return error(403, _("Your account may not register appeals."))
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = AppealIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    if not data.anonymous and not data.applicant_name:
        return error(
            422,
            _("Some fields are not valid."),
            [
                {
                    "field": "applicant_name",
                    "code": "required",
                    "message": _("Give the applicant's name or set anonymous."),
                }
            ],
        )
    problems = rule_errors(data)
    if problems:
        return error(422, _("Some fields are not valid."), problems)
    mahalla = next((m for m in mahallas_for_registration(user) if m.code == data.mahalla), None)
    if mahalla is None:
        return error(
            422,
            _("Some fields are not valid."),
            [{"field": "mahalla", "code": "unknown", "message": _("Unknown mahalla code, or outside your territory.")}],
        )
    new = NewAppeal(
        mahalla=mahalla,
        kind=data.kind,
        text=data.text,
        channel=Channel.API.value,
        applicant_name=data.applicant_name,
        applicant_phone=data.applicant_phone,
        address=data.address,
        anonymous=data.anonymous,
        **applicant_details(data),
    )
    try:
        appeal = register_appeal(new, user)
    except StepFailed:
        return error(503, _("The appeal procedure could not start; nothing was saved."))
    response = jsonify(presenters.appeal(appeal))
    response.status_code = 201
    response.headers["Location"] = f"{API_PREFIX}/appeals/{appeal.number}"
    return response


@blueprint.route("/appeals/<number>")
@operation(
    summary="One appeal",
    tag="appeals",
    responses={200: ("The appeal", AppealOut), 404: ("Unknown, or outside your territory", ErrorOut)},
)
def get_appeal(number: str) -> Any:
    appeal = appeal_for(g.api_user, number)
    if appeal is None:
        return error(404, _("Not found, or you do not have access to it."))
    return jsonify(presenters.appeal(appeal))


@blueprint.route("/tasks")
@operation(summary="The caller's inbox, nearest deadline first", tag="tasks", responses={200: ("Tasks", TaskList)})
def list_tasks() -> Any:
    return jsonify({"tasks": [presenters.task(t) for t in inbox(g.api_user)]})


@blueprint.route("/tasks/<task_id>/complete", methods=["POST"])
@operation(
    summary="Complete a task with its form data",
    tag="tasks",
    free_form_request=True,
    request_description="An object with one member per form field of the task (see GET /tasks).",
    responses={
        200: ("Completed", CompletedOut),
        400: ("Malformed JSON", ErrorOut),
        404: ("Unknown task, or not yours to complete", ErrorOut),
        409: ("Already completed, or the case changed meanwhile", ErrorOut),
        422: ("Invalid form data, per field", ErrorOut),
    },
)
def complete(task_id: str) -> Any:
    user = g.api_user
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        result = complete_task_in_scope(user, task_id, body, task_scope(user))
    except FormInvalid as invalid:
        return error(422, _("Some fields are not valid."), _field_errors(invalid.errors))
    except (Conflict, TaskNotReady):
        return error(409, _("The task was completed or the case changed meanwhile. Reload and try again."))
    except StepFailed as failed:
        return error(
            503,
            _("The procedure could not continue after this step; nothing was saved."),
            [{"field": "", "code": "engine_step_failed", "message": str(failed)}],
        )
    if result is None:
        done = was_completed(task_id)
        if done is not None and visible_appeal(user, done.appeal_id) is not None:
            return error(409, _("This task has already been completed."))
        return error(404, _("Not found, or you do not have access to it."))
    return jsonify({"task_id": task_id, "appeal": presenters.appeal(result.appeal)})
