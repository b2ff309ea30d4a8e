"""JSON API v1 for the Smart Mahalla mobile app and integrations (bearer-token auth)."""

from __future__ import annotations

from io import BytesIO
from typing import Any, Literal

from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask_babel import gettext as _
from pydantic import Field, ValidationError

from engine import FieldError, FormInvalid
from forms import field_error_message
from webapp.api import presenters
from webapp.api.openapi import build_document, operation
from webapp.api.registration_rules import applicant_details, rule_errors
from webapp.api.schemas import (
    AppealIn,
    AppealOut,
    CompletedOut,
    ErrorOut,
    ExtensionIn,
    PublicAppealOut,
    RegisteredAppealOut,
    TaskList,
    WithdrawalIn,
)
from webapp.cases.assignment.service import held_by_other, may_complete_condition
from webapp.cases.instances import task_forms, was_completed
from webapp.cases.models import APPEAL, PendingTask
from webapp.cases.subjects import subject_kind, task_case
from webapp.cases.task_views import tasks_viewed
from webapp.cases.tasks.service import inbox, inbox_of_case, scoped_statement, task_for
from webapp.casework.appeals.deadlines import ExtensionRefused
from webapp.casework.appeals.models import Channel
from webapp.casework.appeals.runtime import Conflict, StepFailed, complete_task_in_scope, task_case_lookup
from webapp.casework.appeals.service import NewAppeal, appeal_for, register_appeal, visible_appeal
from webapp.casework.appeals.subject import inbox_of_appeal
from webapp.casework.legal_terms.forms import refusal_message
from webapp.casework.legal_terms.service import CONFLICTS, NotPermitted, extend_deadline
from webapp.cooperation.need_to_know import NEED_TO_KNOW_ROLES
from webapp.errors import NotFoundError, on_case_refusal
from webapp.intake.attachments.form_files import FormFiles
from webapp.intake.public.limits import tracking_limits
from webapp.intake.public.service import reply_letter_pdf, tracked_appeal, tracking_view
from webapp.intake.public.withdrawal import withdraw_appeal
from webapp.platform.auth.models import Role, User
from webapp.platform.auth.tokens import token_for
from webapp.platform.query_params import QueryModel, query
from webapp.platform.territory.service import mahallas_for_registration, task_scope

API_PREFIX = "/api/v1"
blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)

PUBLIC_ENDPOINTS = {"api.openapi_document", "api.public_appeal", "api.public_reply_letter", "api.public_withdraw"}
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
    found = token_for(token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        response = error(401, _("A valid bearer token is required."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="mahalla"'
        return response
    user, api_token = found
    if api_token.scope == "read" and request.method not in ("GET", "HEAD", "OPTIONS"):
        return error(403, _("This token may only read."))
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
        201: ("Registered; the body carries the citizen's access code", RegisteredAppealOut),
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
    on_case_refusal(starts=True)
    appeal = register_appeal(new, user)
    response = jsonify({**presenters.appeal(appeal), "access_code": appeal.issued_access_code})
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
        raise NotFoundError()
    return jsonify(presenters.appeal(appeal))


@blueprint.route("/appeals/<number>/extend", methods=["POST"])
@operation(
    summary="Extend the deadline once, by at most a month (supervisors)",
    tag="appeals",
    request=ExtensionIn,
    responses={
        200: ("Extended; the applicant is notified", AppealOut),
        400: ("Malformed JSON", ErrorOut),
        403: ("The caller is not a supervisor", ErrorOut),
        404: ("Unknown, or outside your territory", ErrorOut),
        409: ("Already extended, or the case is closed", ErrorOut),
        422: ("Invalid date or reason, per field", ErrorOut),
    },
)
def extend_appeal(number: str) -> Any:
    user = g.api_user
    if not user.has_role(Role.SUPERVISOR.value):
        return error(403, _("Only a supervisor may extend a deadline."))
    appeal = appeal_for(user, number)
    if appeal is None:
        raise NotFoundError()
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = ExtensionIn.model_validate(body)
        extend_deadline(appeal, user, until=data.until, reason=data.reason)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    except NotPermitted:
        raise NotFoundError() from None
    except ExtensionRefused as refused:
        message = refusal_message(refused.code, appeal)
        if refused.code in CONFLICTS:
            return error(409, message)
        return error(
            422, _("Some fields are not valid."), [{"field": refused.field, "code": refused.code, "message": message}]
        )
    return jsonify(presenters.appeal(appeal))


class TaskListArgs(QueryModel):
    appeal: str = Field("", max_length=40)  # an appeal's number


@blueprint.route("/tasks")
@operation(
    summary="The caller's inbox, nearest deadline first",
    tag="tasks",
    query={"appeal": ("only the tasks of this appeal (its number)", False)},
    responses={200: ("Tasks", TaskList), 400: ("A malformed parameter, named in fields", ErrorOut)},
)
def list_tasks() -> Any:
    number = query(TaskListArgs).appeal
    tasks = inbox_of_appeal(g.api_user, number) if number else inbox(g.api_user)
    return jsonify({"tasks": _listed(g.api_user, tasks)})


def _listed(user: User, tasks: list[PendingTask]) -> list[dict[str, Any]]:
    """Tasks as the API lists them, each with its form (the listing is recorded as seen)."""
    tasks_viewed(user, tasks, "api", listed=True)
    forms = task_forms(tasks)
    return [presenters.task(t, forms[t.id]) for t in tasks]


class CompleteArgs(QueryModel):
    include: Literal["", "next_tasks"] = ""


def _completed(
    user: User, task_id: str, case: dict[str, str], subject: tuple[str, int], next_tasks: bool, **extra: Any
) -> Any:
    """The completion's answer; with ?include=next_tasks also the caller's tasks of the case now
    waiting (what a client does next, without asking again)."""
    body = {"task_id": task_id, "case": case, **extra}
    if next_tasks:
        body["next_tasks"] = _listed(user, inbox_of_case(user, *subject))
    return jsonify(body)


@blueprint.route("/tasks/<task_id>/complete", methods=["POST"])
@operation(
    summary="Complete a task with its form data",
    tag="tasks",
    query={"include": ("next_tasks: the answer also lists the caller's tasks of the case now waiting", False)},
    free_form_request=True,
    free_form_multipart=True,
    request_description=(
        "An object with one member per form field of the task (see GET /tasks), as application/json. "
        "A task whose form has file fields (type 'file', with their 'files' rules: multiple, max_files, "
        "max_size_mb, allowed_types) is completed with multipart/form-data instead: one part per form field "
        "(text values as in the form: true/false, numbers, YYYY-MM-DD) and the files as parts named after "
        "their file field. The files' types are recognised from their content; a file too large, of a type "
        "the field does not allow, empty, or too many files answer 422 naming the field, and nothing is "
        "stored. A file field's value cannot be sent in JSON (422 'file_upload_only'); the case data keeps "
        "only the stored files' references (id, name, size, content_type)."
    ),
    responses={
        200: ("Completed", CompletedOut),
        400: ("Malformed JSON", ErrorOut),
        404: ("Unknown task, or not yours to complete", ErrorOut),
        409: ("Already completed, changed meanwhile, suspended or cancelled, or someone else holds the task", ErrorOut),
        413: ("The request is larger than the server accepts", ErrorOut),
        422: ("Invalid form data or files, per field", ErrorOut),
    },
)
def complete(task_id: str) -> Any:
    user = g.api_user
    next_tasks = query(CompleteArgs).include == "next_tasks"  # a malformed parameter: 400 before any change
    files: FormFiles | None = None
    if request.mimetype == "multipart/form-data":
        body: Any = request.form.to_dict()
        files = FormFiles({name: request.files.getlist(name) for name in request.files})
    else:
        body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        # The appeal's task, its case and its version in one query (the hot path); a task of
        # another subject kind is looked up only when that finds nothing.
        lookup = scoped_statement(
            user, "completion lookup", lambda: task_case_lookup(task_scope(user) & may_complete_condition(user))
        )
        result = complete_task_in_scope(user, task_id, body, lookup, files)
        other = task_for(user, task_id) if result is None else None
        kind = subject_kind(other.subject_kind) if other is not None and other.subject_kind != APPEAL else None
        if other is not None and kind is not None and kind.complete is not None:
            if files is not None and files.by_field:
                refused = [FieldError(name, "unknown_field") for name in files.by_field]
                return error(422, _("Files can be given on the tasks of appeals only."), _field_errors(refused))
            case, subject = task_case(other), (other.subject_kind, other.subject_id)
            if not kind.complete(user, other, body):
                raise NotFoundError()
            return _completed(user, task_id, case, subject, next_tasks)
    except FormInvalid as invalid:
        return error(422, _("Some fields are not valid."), _field_errors(invalid.errors))
    if result is None:
        if held_by_other(user, task_id):
            return error(409, _("Someone else holds this task. Ask them or a supervisor to hand it over."))
        done = was_completed(task_id)
        if done is not None and done.appeal_id and visible_appeal(user, done.appeal_id) is not None:
            return error(409, _("This task has already been completed."))
        raise NotFoundError()
    case = {"kind": APPEAL, "ref": result.appeal.number}
    subject = (APPEAL, result.appeal.id)
    if user.role in NEED_TO_KNOW_ROLES:  # a partner learns nothing of the appeal beyond the task's form
        return _completed(user, task_id, case, subject, next_tasks)
    return _completed(user, task_id, case, subject, next_tasks, appeal=presenters.appeal(result.appeal))


ACCESS_CODE_PARAMETERS = {
    "code": ("the access code given at registration (or send it in X-Access-Code)", False),
    "X-Access-Code": ("the access code, kept out of URLs and access logs (preferred)", False),
}


def _access_code() -> str:
    return request.headers.get("X-Access-Code") or request.args.get("code", "")


@blueprint.route("/public/appeals/<number>")
@tracking_limits
@operation(
    summary="A citizen follows their appeal with its access code (?code=); no personal data",
    tag="public",
    public=True,
    query=ACCESS_CODE_PARAMETERS,
    responses={
        200: ("Status, stage and deadline", PublicAppealOut),
        404: ("Unknown number or wrong code (the same answer)", ErrorOut),
        429: ("Too many wrong codes", ErrorOut),
    },
)
def public_appeal(number: str) -> Any:
    appeal = tracked_appeal(number, _access_code())
    if appeal is None:
        raise NotFoundError()
    view = tracking_view(appeal)
    letter = f"{API_PREFIX}/public/appeals/{appeal.number}/reply-letter" if view.has_reply_letter else None
    return jsonify(presenters.public_appeal(view, letter))


@blueprint.route("/public/appeals/<number>/withdraw", methods=["POST"])
@tracking_limits
@operation(
    summary="A citizen withdraws their appeal at any stage with its access code; the case closes",
    tag="public",
    public=True,
    request=WithdrawalIn,
    responses={
        200: ("Withdrawn: the case is closed", PublicAppealOut),
        400: ("Malformed JSON", ErrorOut),
        404: ("Unknown number or wrong code (the same answer)", ErrorOut),
        409: ("The appeal is already closed", ErrorOut),
        422: ("Invalid fields", ErrorOut),
        429: ("Too many wrong codes", ErrorOut),
    },
)
def public_withdraw(number: str) -> Any:
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = WithdrawalIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    appeal = tracked_appeal(number, data.code)
    if appeal is None:
        raise NotFoundError()
    try:
        withdrawn = withdraw_appeal(appeal, data.reason)
    except (Conflict, StepFailed):
        withdrawn = False
    if not withdrawn:
        return error(409, _("This appeal is already closed; it cannot be withdrawn."))
    return jsonify(presenters.public_appeal(tracking_view(appeal), None))


@blueprint.route("/public/appeals/<number>/reply-letter")
@tracking_limits
@operation(
    summary="The reply letter (PDF) of a citizen's appeal, with its access code (?code=)",
    tag="public",
    public=True,
    query=ACCESS_CODE_PARAMETERS,
    responses={200: ("application/pdf", None), 404: ("No letter, unknown number or wrong code", ErrorOut)},
)
def public_reply_letter(number: str) -> Any:
    appeal = tracked_appeal(number, _access_code())
    pdf = reply_letter_pdf(appeal) if appeal is not None else None
    if appeal is None or pdf is None:
        raise NotFoundError()
    response = send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"javob-{appeal.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
