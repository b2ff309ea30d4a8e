"""Assigning, claiming and handing back tasks through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.api.openapi import operation
from webapp.api.routes import _json_body, _pydantic_errors, blueprint, error
from webapp.api.schemas import AssigneeOut, ErrorOut
from webapp.cases.assignment import service
from webapp.cases.assignment.messages import CONFLICT_CODES, refusal_message
from webapp.cases.models import PendingTask
from webapp.cases.tasks.service import task_for
from webapp.errors import NotFoundError
from webapp.platform.auth.models import Role, User


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user: str = Field(min_length=1, max_length=80, description="username of the new assignee")
    reason: str = Field(min_length=1, max_length=500)


class AssignmentOut(BaseModel):
    task_id: str
    assignee: AssigneeOut | None


def assignee_json(user: User | None) -> dict[str, Any] | None:
    return {"username": user.username, "full_name": user.full_name} if user is not None else None


def _result(task: PendingTask) -> Any:
    assignee = service.user_by_id(task.assignee_id) if task.assignee_id else None
    return jsonify({"task_id": task.id, "assignee": assignee_json(assignee)})


def _refused(refused: service.AssignmentRefused) -> Any:
    message = refusal_message(refused.code)
    if refused.code in CONFLICT_CODES:
        return error(409, message)
    if not refused.field:
        return error(403, message)
    return error(
        422, _("Some fields are not valid."), [{"field": refused.field, "code": refused.code, "message": message}]
    )


NOT_FOUND = ("Unknown task, or outside your territory", ErrorOut)


@blueprint.route("/tasks/<task_id>/assign", methods=["POST"])
@operation(
    summary="Reassign a task to a user of its role and territory, with a reason (supervisors)",
    tag="tasks",
    request=AssignIn,
    responses={
        200: ("Assigned; the new assignee is notified", AssignmentOut),
        400: ("Malformed JSON", ErrorOut),
        403: ("The caller is not a supervisor", ErrorOut),
        404: NOT_FOUND,
        422: ("Unknown user, wrong role or wrong territory (field 'user'), or no reason", ErrorOut),
    },
)
def assign_task(task_id: str) -> Any:
    user = g.api_user
    if not user.has_role(Role.SUPERVISOR.value):
        return error(403, _("Only a supervisor of this territory may reassign tasks."))
    task = service.supervised_task(user, task_id)
    if task is None:
        raise NotFoundError()
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = AssignIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    try:
        service.reassign(user, task, service.user_by_username(data.user), data.reason)
    except service.AssignmentRefused as refused:
        return _refused(refused)
    return _result(task)


def _on_own_task(task_id: str, action: Callable[[User, PendingTask], None]) -> Any:
    """Claim or hand back a task of the caller's role and territory (404 otherwise)."""
    task = task_for(g.api_user, task_id)
    if task is None:
        raise NotFoundError()
    try:
        action(g.api_user, task)
    except service.AssignmentRefused as refused:
        return _refused(refused)
    return _result(task)


@blueprint.route("/tasks/<task_id>/claim", methods=["POST"])
@operation(
    summary="Take an unassigned task of your role and territory",
    tag="tasks",
    responses={200: ("Yours now", AssignmentOut), 404: NOT_FOUND, 409: ("Someone else holds it", ErrorOut)},
)
def claim_task(task_id: str) -> Any:
    return _on_own_task(task_id, service.claim)


@blueprint.route("/tasks/<task_id>/unclaim", methods=["POST"])
@operation(
    summary="Hand a task of yours back to the pool of its role and territory",
    tag="tasks",
    responses={200: ("Unassigned now", AssignmentOut), 404: NOT_FOUND, 409: ("Not assigned to you", ErrorOut)},
)
def unclaim_task(task_id: str) -> Any:
    return _on_own_task(task_id, service.unclaim)


class TakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=500)


@blueprint.route("/tasks/<task_id>/take", methods=["POST"])
@operation(
    summary="A supervisor takes an inspector task of their territory themself, with a reason",
    tag="tasks",
    request=TakeIn,
    responses={
        200: ("Yours now", AssignmentOut),
        403: ("The caller is not a supervisor", ErrorOut),
        404: NOT_FOUND,
        422: ("No reason", ErrorOut),
    },
)
def take_task(task_id: str) -> Any:
    user = g.api_user
    if not user.has_role(Role.SUPERVISOR.value):
        return error(403, _("Only a supervisor of this territory may reassign tasks."))
    task = service.supervised_task(user, task_id)
    if task is None:
        raise NotFoundError()
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = TakeIn.model_validate(body)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    try:
        service.take(user, task, data.reason)
    except service.AssignmentRefused as refused:
        return _refused(refused)
    return _result(task)
