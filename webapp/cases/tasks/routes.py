"""The inbox and the task page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.cases.assignment.inbox import InboxArgs
from webapp.cases.instances import was_completed
from webapp.cases.subjects import subject_kind
from webapp.cases.task_views import tasks_viewed
from webapp.cases.tasks.service import inbox_page, task_for
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.auth.service import landing_endpoint
from webapp.platform.query_params import query

blueprint = Blueprint("tasks", __name__)

# A partner organisation's staff (and a mahalla chair, for their assembly) work on the referral
# tasks addressed to their organisation (task_scope), and see only what the task's form shares.
PARTNER_ROLES = ("partner", "mahalla_chair")
WORKER_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, *PARTNER_ROLES)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Any:
    """Files larger than the whole request may be: the task page again, saying so (nothing saved)."""
    flash(_("The files are too large to send; nothing was saved. Choose smaller files."), "danger")
    return redirect(request.path) if request.endpoint == "tasks.task" else (_("The request is too large."), 413)


@blueprint.route("/home")
@login_required
def home() -> Any:
    """The signed-in user's start page (``/`` is the public front door; it sends staff here too)."""
    return redirect(url_for(landing_endpoint(current_user)))


@blueprint.route("/tasks")
@roles_required(*WORKER_ROLES)
def inbox() -> Any:
    args = query(InboxArgs)
    show, sort = args.show, args.sort
    page = inbox_page(current_user, page=args.page, show=show, sort=sort)
    tasks_viewed(current_user, page.items, "browser", listed=True)
    return render_template(
        "tasks/inbox.html",
        page=page,
        tasks=page.items,
        show=show,
        sort=sort,
        need_to_know=current_user.role in PARTNER_ROLES,
    )


@blueprint.route("/tasks/<task_id>", methods=["GET", "POST"])
@roles_required(*WORKER_ROLES)
def task(task_id: str) -> Any:
    """A task's page: its subject kind's own, served here (an appeal's) or elsewhere (a plan's)."""
    pending = task_for(current_user, task_id)
    if pending is not None:
        kind_name: str | None = pending.subject_kind
    else:
        done = was_completed(task_id)
        kind_name = done.subject_kind if done is not None else None
    kind = subject_kind(kind_name) if kind_name is not None else None
    if kind is None:
        abort(404)
    if kind.task_page is not None:
        return kind.task_page(task_id, pending)
    if pending is None:
        abort(404)
    return redirect(url_for(kind.task_endpoint, task_id=pending.id))
