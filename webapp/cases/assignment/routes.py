"""Claim, hand back, delegate and reassign tasks; follow-up dates; absences; notifications."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.cases.assignment import service
from webapp.cases.assignment.forms import (
    AbsenceForm,
    ActionForm,
    BulkReassignForm,
    DelegateForm,
    FollowUpForm,
    ReassignForm,
)
from webapp.cases.assignment.messages import refusal_message
from webapp.cases.assignment.notify import mark_all_read, notifications_of, unread_count
from webapp.cases.models import PendingTask
from webapp.cases.tasks.service import task_for
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role

blueprint = Blueprint("assignment", __name__)

WORKERS = (Role.INSPECTOR.value, Role.SUPERVISOR.value)
ABSENCE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)


def _task_or_404(task_id: str) -> PendingTask:
    task = task_for(current_user, task_id)
    if task is None:
        abort(404)
    return task


def _back(task: PendingTask) -> Any:
    return redirect(url_for("tasks.task", task_id=task.id))


def _refused(refused: service.AssignmentRefused) -> None:
    flash(refusal_message(refused.code), "danger")


def candidate_choices(task: PendingTask, *, exclude: int | None = None) -> list[tuple[int, str]]:
    return [(u.id, u.full_name) for u in service.candidates(task) if u.id != exclude]


@blueprint.route("/tasks/<task_id>/claim", methods=["POST"])
@roles_required(*WORKERS)
def claim(task_id: str) -> Any:
    task = _task_or_404(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.claim(current_user, task)
    except service.AssignmentRefused as refused:
        _refused(refused)
    else:
        flash(_("The task is yours now."), "success")
    return _back(task)


@blueprint.route("/tasks/<task_id>/unclaim", methods=["POST"])
@roles_required(*WORKERS)
def unclaim(task_id: str) -> Any:
    task = _task_or_404(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.unclaim(current_user, task)
    except service.AssignmentRefused as refused:
        _refused(refused)
        return _back(task)
    flash(_("The task is back in the common inbox."), "success")
    return redirect(url_for("tasks.inbox"))


@blueprint.route("/tasks/<task_id>/delegate", methods=["POST"])
@roles_required(*WORKERS)
def delegate(task_id: str) -> Any:
    task = _task_or_404(task_id)
    form = DelegateForm(prefix="delegate")
    form.user.choices = candidate_choices(task, exclude=current_user.id)
    if not form.validate_on_submit():
        flash(_("Choose a colleague."), "danger")
        return _back(task)
    try:
        service.delegate(current_user, task, service.user_by_id(form.user.data), form.reason.data or "")
    except service.AssignmentRefused as refused:
        _refused(refused)
        return _back(task)
    flash(_("The task was handed to your colleague."), "success")
    return redirect(url_for("tasks.inbox"))


@blueprint.route("/tasks/<task_id>/reassign", methods=["POST"])
@roles_required(Role.SUPERVISOR.value)
def reassign(task_id: str) -> Any:
    task = service.supervised_task(current_user, task_id)
    if task is None:
        abort(404)
    form = ReassignForm(prefix="reassign")
    form.user.choices = candidate_choices(task)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
        return _back_supervised(task)
    try:
        service.reassign(current_user, task, service.user_by_id(form.user.data), form.reason.data or "")
    except service.AssignmentRefused as refused:
        _refused(refused)
    else:
        flash(_("The task was reassigned."), "success")
    return _back_supervised(task)


def _back_supervised(task: PendingTask) -> Any:
    """Back to the task page when the supervisor works on it, else to the team's tasks."""
    if task_for(current_user, task.id) is not None:
        return _back(task)
    return redirect(url_for("assignment.team"))


@blueprint.route("/tasks/<task_id>/follow-up", methods=["POST"])
@roles_required(*WORKERS)
def follow_up(task_id: str) -> Any:
    task = _task_or_404(task_id)
    form = FollowUpForm(prefix="follow")
    if not form.validate_on_submit():
        flash(_("Enter the date as YYYY-MM-DD."), "danger")
        return _back(task)
    try:
        service.set_follow_up(current_user, task, form.follow_up.data)
    except service.AssignmentRefused as refused:
        _refused(refused)
    else:
        flash(_("Follow-up date saved."), "success")
    return _back(task)


@blueprint.route("/team", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR.value)
def team() -> Any:
    """Every open task of the supervisor's territory, to reassign one or many at once."""
    tasks = service.territory_tasks(current_user, flagged_only=request.args.get("show") == "flagged")
    form = BulkReassignForm()
    form.tasks.choices = [(t.id, t.id) for t in tasks]
    form.user.choices = [(u.id, f"{u.full_name} ({u.username})") for u in service.team(current_user)]
    if form.validate_on_submit():
        try:
            moved = service.bulk_reassign(
                current_user, form.tasks.data or [], service.user_by_id(form.user.data), form.reason.data or ""
            )
        except service.AssignmentRefused as refused:
            form.user.errors = [refusal_message(refused.code)]
        else:
            flash(_("%(num)d tasks reassigned.", num=len(moved)), "success")
            return redirect(url_for("assignment.team"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("assignment/team.html", tasks=tasks, form=form, show=request.args.get("show", "all"))


@blueprint.route("/absences", methods=["GET", "POST"])
@roles_required(*ABSENCE_ROLES)
def absences() -> Any:
    form = AbsenceForm()
    people = service.team(current_user) if current_user.role != Role.INSPECTOR else [current_user]
    form.user.choices = [(u.id, f"{u.full_name} ({u.username})") for u in people]
    if request.method == "GET" and form.user.data is None:
        form.user.data = current_user.id
    if form.validate_on_submit():
        person = service.user_by_id(form.user.data)
        assert person is not None  # one of the choices
        try:
            service.mark_absent(current_user, person, form.starts_on.data, form.ends_on.data, form.reason.data or "")
        except service.AssignmentRefused as refused:
            form.user.errors = [refusal_message(refused.code)]
        else:
            flash(_("Absence recorded; tasks of absent users are flagged for reassignment."), "success")
            return redirect(url_for("assignment.absences"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("assignment/absences.html", form=form, absences=service.absences_for(current_user))


@blueprint.route("/notifications")
@roles_required(*ABSENCE_ROLES, Role.METHODOLOGIST.value)
def notifications() -> Any:
    """The user's notifications, newest first; showing them marks them read."""
    items = notifications_of(current_user)
    unread = {n.id for n in items if n.read_at is None}
    if unread:
        mark_all_read(current_user)
    return render_template("assignment/notifications.html", items=items, unread=unread)


@blueprint.app_context_processor
def unread_notifications() -> dict[str, Any]:
    """The navbar bell's count (only for signed-in users)."""

    def count() -> int:
        return unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": count}
