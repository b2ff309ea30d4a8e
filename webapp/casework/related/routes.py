"""Linking and unlinking related appeals; the related-appeals panel of the analysis task."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.cases.models import PendingTask
from webapp.cases.tasks.panels import task_panel
from webapp.casework.appeals.service import appeal_for
from webapp.casework.related.service import NotRelated, link_appeal, related_appeals, unlink_appeal
from webapp.casework.repeated.service import earlier_answers
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role, User
from webapp.platform.labels import LINK_REASON, label

blueprint = Blueprint("related", __name__, url_prefix="/appeals")

LINKING_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


@task_panel("analyse_appeal")
def analysis_panel(pending: PendingTask, user: User) -> dict[str, Any]:
    return {"related": related_appeals(pending.appeal), "earlier": earlier_answers(pending.appeal)}


def _back(number: str) -> Any:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("appeals.case", number=number))


def _related_id() -> int:
    value = request.form.get("related_id", "")
    if not value.isdecimal():
        abort(400)
    return int(value)


@blueprint.route("/<number>/links", methods=["POST"])  # CSRF: the app-wide CSRFProtect
@roles_required(*LINKING_ROLES)
def link(number: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    try:
        made = link_appeal(current_user, appeal, _related_id())
    except NotRelated:
        abort(404)
    flash(_("Appeal linked (%(reason)s).", reason=label(LINK_REASON, made.reason)), "success")
    return _back(number)


@blueprint.route("/<number>/links/<int:related_id>/delete", methods=["POST"])
@roles_required(*LINKING_ROLES)
def unlink(number: str, related_id: int) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    if not unlink_appeal(current_user, appeal, related_id):
        abort(404)
    flash(_("The link was removed."), "success")
    return _back(number)
