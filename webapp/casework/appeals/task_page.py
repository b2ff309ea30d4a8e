"""The page of an appeal's task (/tasks/<task_id>, served by the shared task route through the
appeal subject kind): the form from the case's own version, prefilled, the assignment panel, the
approval's review, and its completion."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import FormInvalid
from forms import (
    apply_engine_errors,
    build_form_class,
    engine_values,
    prefill,
    submitted_files,
    unplaced_error_message,
)
from webapp.cases.assignment.panel import assignment_panel
from webapp.cases.instances import was_completed
from webapp.cases.models import PendingTask
from webapp.cases.task_views import tasks_viewed
from webapp.cases.tasks.panels import panel_for
from webapp.cases.tasks.routes import PARTNER_ROLES
from webapp.casework.appeals.runtime import complete_task, ready_task_view
from webapp.casework.appeals.service import visible_appeal
from webapp.casework.approvals import last_return, review_items
from webapp.casework.replies.prefill import task_prefill
from webapp.errors import on_case_refusal
from webapp.intake.attachments.form_files import FormFiles


def task_page(task_id: str, pending: PendingTask | None) -> Any:
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
