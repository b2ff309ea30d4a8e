"""The inbox and the task page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from engine import FormInvalid
from forms import (
    apply_engine_errors,
    build_form_class,
    engine_values,
    prefill,
    submitted_files,
    unplaced_error_message,
)
from webapp.cases.assignment.inbox import InboxArgs
from webapp.cases.assignment.panel import assignment_panel
from webapp.cases.models import APPEAL
from webapp.cases.service import (
    complete_task,
    ready_task_view,
    was_completed,
)
from webapp.cases.subjects import subject_kind
from webapp.cases.task_views import tasks_viewed
from webapp.cases.tasks.panels import panel_for
from webapp.cases.tasks.service import inbox_page, task_for
from webapp.casework.appeals.service import visible_appeal
from webapp.casework.approvals import last_return, review_items
from webapp.casework.replies.prefill import task_prefill
from webapp.errors import on_case_refusal
from webapp.intake.attachments.form_files import FormFiles
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
    pending = task_for(current_user, task_id)
    if pending is not None and pending.subject_kind != APPEAL:
        kind = subject_kind(pending.subject_kind)  # its subject's own task page (a prevention plan's)
        if kind is None:
            abort(404)
        return redirect(url_for(kind.task_endpoint, task_id=pending.id))
    if pending is None:
        done = was_completed(task_id)
        appeal = visible_appeal(current_user, done.appeal_id) if done is not None and done.appeal_id else None
        if appeal is None:
            abort(404)
        flash(_("This task has already been completed."), "warning")
        return redirect(url_for("appeals.case", number=appeal.number))
    if request.method == "GET":
        tasks_viewed(current_user, [pending], "browser")
    on_case_refusal(url_for("appeals.case", number=pending.appeal.number), what="case")
    view = ready_task_view(pending)
    form_class = build_form_class(view.form)
    form = form_class(data=prefill(view.form, task_prefill(pending.appeal, pending.name, current_user, view.prefill)))
    assignment = assignment_panel(pending, current_user)
    if form.is_submitted() and not assignment.may_complete:
        flash(_("Someone else holds this task. Ask them or a supervisor to hand it over."), "warning")
        return redirect(url_for("tasks.task", task_id=pending.id))
    if form.validate_on_submit():
        try:
            complete_task(
                pending,
                current_user,
                engine_values(form, view.form, request.form.get("decision")),
                files=FormFiles(submitted_files(form, view.form)),
            )
        except FormInvalid as invalid:
            for error in apply_engine_errors(form, invalid.errors):
                flash(unplaced_error_message(error), "danger")
        else:
            flash(_("Task \u201c%(title)s\u201d completed.", title=_(pending.title)), "success")
            return redirect(url_for("tasks.inbox"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    panel = panel_for(pending, current_user)
    approval = view.form.approval
    return render_template(
        "tasks/task.html",
        need_to_know=current_user.role in PARTNER_ROLES,
        task=pending,
        view=view,
        form=form,
        appeal=pending.appeal,
        panel=panel,
        assignment=assignment,
        approval=approval,
        review=review_items(pending.appeal, approval) if approval else [],
        returned=last_return(pending.appeal) if approval is None else None,
    )
