"""The inbox and the task page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import FormInvalid, TaskNotReady
from forms import apply_engine_errors, build_form_class, engine_values, prefill
from webapp.cases.assignment.inbox import inbox_choice
from webapp.cases.assignment.panel import assignment_panel
from webapp.cases.service import (
    CaseNotRunning,
    Conflict,
    StepFailed,
    complete_task,
    ready_task_view,
    was_completed,
)
from webapp.cases.tasks.panels import panel_for
from webapp.cases.tasks.service import inbox_page, task_for
from webapp.casework.appeals.service import visible_appeal
from webapp.casework.replies.prefill import task_prefill
from webapp.casework.supervision.messages import not_running_message
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import step_failure_message

blueprint = Blueprint("tasks", __name__)

WORKER_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


@blueprint.route("/")
@login_required
def home() -> Any:
    if current_user.has_role(*WORKER_ROLES):
        return redirect(url_for("tasks.inbox"))
    if current_user.role == Role.YOUTH_ADVISER.value:
        return redirect(url_for("prevention_work.youth_list"))
    if current_user.has_role(Role.METHODOLOGIST.value):
        return redirect(url_for("process_library.library"))
    return redirect(url_for("appeals.index"))


@blueprint.route("/tasks")
@roles_required(*WORKER_ROLES)
def inbox() -> Any:
    show, sort = inbox_choice(request.args)
    page = inbox_page(current_user, page=request.args.get("page", 1, type=int) or 1, show=show, sort=sort)
    return render_template("tasks/inbox.html", page=page, tasks=page.items, show=show, sort=sort)


@blueprint.route("/tasks/<task_id>", methods=["GET", "POST"])
@roles_required(*WORKER_ROLES)
def task(task_id: str) -> Any:
    pending = task_for(current_user, task_id)
    if pending is None:
        done = was_completed(task_id)
        appeal = visible_appeal(current_user, done.appeal_id) if done is not None else None
        if appeal is None:
            abort(404)
        flash(_("This task has already been completed."), "warning")
        return redirect(url_for("appeals.case", number=appeal.number))
    try:
        view = ready_task_view(pending)
    except TaskNotReady:
        abort(409)
    form_class = build_form_class(view.form)
    form = form_class(data=prefill(view.form, task_prefill(pending.appeal, pending.name, current_user, view.prefill)))
    assignment = assignment_panel(pending, current_user)
    if form.is_submitted() and not assignment.may_complete:
        flash(_("Someone else holds this task. Ask them or a supervisor to hand it over."), "warning")
        return redirect(url_for("tasks.task", task_id=pending.id))
    if form.validate_on_submit():
        try:
            complete_task(pending, current_user, engine_values(form, view.form))
        except FormInvalid as invalid:
            apply_engine_errors(form, invalid.errors)
        except CaseNotRunning as stopped:
            flash(not_running_message(stopped.status), "warning")
            return render_template(
                "tasks/task.html",
                task=pending,
                view=view,
                form=form,
                appeal=pending.appeal,
                panel=None,
                assignment=assignment,
            ), 409
        except Conflict:
            flash(_("Someone else completed or changed this case meanwhile. Here is its current state."), "warning")
            return redirect(url_for("appeals.case", number=pending.appeal.number))
        except StepFailed as failed:
            flash(
                _(
                    "The procedure could not continue after this step (%(element)s): %(reason)s Nothing was saved; "
                    "please tell your methodologist.",
                    element=failed.failure.element_id or "?",
                    reason=step_failure_message(failed.failure),
                ),
                "danger",
            )
        else:
            flash(_("Task \u201c%(title)s\u201d completed.", title=_(pending.title)), "success")
            return redirect(url_for("tasks.inbox"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    panel = panel_for(pending, current_user)
    return render_template(
        "tasks/task.html", task=pending, view=view, form=form, appeal=pending.appeal, panel=panel, assignment=assignment
    )
