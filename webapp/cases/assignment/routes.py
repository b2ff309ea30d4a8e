"""Claim, hand back, delegate and reassign tasks; follow-up dates; absences; notifications."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.cases.assignment import service
from webapp.cases.assignment.eligibility import candidates, not_serving, offered
from webapp.cases.assignment.forms import (
    AbsenceForm,
    ActionForm,
    BulkReassignForm,
    DelegateForm,
    FollowUpForm,
    ReassignForm,
)
from webapp.cases.assignment.messages import offered_label, refusal_message
from webapp.cases.assignment.notify import mark_all_read, notifications_of, unread_count
from webapp.cases.cover import service as cover
from webapp.cases.cover.messages import refusal_message as cover_refusal
from webapp.cases.models import PendingTask
from webapp.cases.tasks.service import task_for
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import QueryModel, query

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
    return [(u.id, u.full_name) for u in candidates(task) if u.id != exclude]


def offered_choices(task: PendingTask) -> list[tuple[int, str]]:
    return [(u.id, offered_label(u, warning)) for u, warning in offered(task)]


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
    form.user.choices = offered_choices(task)
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


class TeamArgs(QueryModel):
    show: Literal["all", "flagged"] = "all"


@blueprint.route("/team", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR.value)
def team() -> Any:
    """Every open task of the supervisor's territory, to reassign one or many at once."""
    show = query(TeamArgs).show
    tasks = service.territory_tasks(current_user, flagged_only=show == "flagged")
    form = BulkReassignForm()
    form.tasks.choices = [(t.id, t.id) for t in tasks]
    form.user.choices = [(u.id, f"{u.full_name} ({u.username})") for u in service.team(current_user)]
    if form.validate_on_submit():
        chosen = [t for t in tasks if t.id in set(form.tasks.data or [])]
        outside = not_serving(service.user_by_id(form.user.data), chosen, by=current_user)
        try:
            moved = service.bulk_reassign(
                current_user,
                form.tasks.data or [],
                service.user_by_id(form.user.data),
                form.reason.data or "",
                allow_self=True,
            )
        except service.AssignmentRefused as refused:
            form.user.errors = [refusal_message(refused.code)]
        else:
            flash(_("%(num)d tasks reassigned.", num=len(moved)), "success")
            if outside:
                flash(_("%(num)d of them are in a mahalla the new assignee does not serve.", num=outside), "warning")
            return redirect(url_for("assignment.team"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("assignment/team.html", tasks=tasks, form=form, show=show)


@blueprint.route("/absences", methods=["GET", "POST"])
@roles_required(*ABSENCE_ROLES)
def absences() -> Any:
    """Record an absence: one's own, or (supervisors, admins) a colleague's with a substitute who
    covers their mahallas and takes their tasks."""
    form = AbsenceForm()
    managing = current_user.role != Role.INSPECTOR
    people = service.team(current_user) if managing else [current_user]
    form.user.choices = [(u.id, f"{u.full_name} ({u.username})") for u in people]
    substitutes = [u for u in people if u.role in cover.COVER_ROLES] if managing else []
    form.substitute.choices = [(0, _("Nobody (flag the tasks for reassignment)"))] + [
        (u.id, f"{u.full_name} ({u.username})") for u in substitutes
    ]
    if request.method == "GET" and form.user.data is None:
        form.user.data = current_user.id
    if form.validate_on_submit():
        person = service.user_by_id(form.user.data)
        assert person is not None  # one of the choices
        if _record_absence(form, person):
            return redirect(url_for("assignment.absences"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    listed = cover.current_and_future(current_user) if managing else [a for a, _u in service.absences_for(current_user)]
    return render_template("assignment/absences.html", form=form, absences=listed, action=ActionForm())


COVER_FIELDS = {"user": "user", "from": "starts_on", "to": "ends_on", "substitute": "substitute", "reason": "reason"}


def _record_absence(form: AbsenceForm, person: Any) -> bool:
    """Record it (a cover when a supervisor or admin records a colleague's); False with the form's errors."""
    if person.id == current_user.id and not form.substitute.data:
        try:
            service.mark_absent(current_user, person, form.starts_on.data, form.ends_on.data, form.reason.data or "")
        except service.AssignmentRefused as refused:
            form.user.errors = [refusal_message(refused.code)]
            return False
        flash(_("Absence recorded; tasks of absent users are flagged for reassignment."), "success")
        return True
    new = cover.NewAbsence(
        user=person,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        substitute=service.user_by_id(form.substitute.data) if form.substitute.data else None,
        kind=form.kind.data or "leave",
        reason=form.reason.data or "",
        return_tasks=bool(form.return_tasks.data),
    )
    try:
        _absence, moved = cover.record_absence(current_user, new)
    except cover.CoverRefused as refused:
        getattr(form, COVER_FIELDS.get(refused.field, "user")).errors = [cover_refusal(refused.code)]
        return False
    flash(_("Absence recorded; %(num)d tasks moved to the substitute.", num=moved), "success")
    return True


@blueprint.route("/absences/<int:absence_id>/end", methods=["POST"])
@roles_required(Role.SUPERVISOR.value, Role.ADMIN.value)
def end_absence(absence_id: int) -> Any:
    """End an absence (and its cover) early; untouched moved tasks go back."""
    absence = cover.absence_for(current_user, absence_id)
    if absence is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        returned = cover.end_cover(current_user, absence)
    except cover.CoverRefused as refused:
        flash(cover_refusal(refused.code), "danger")
    else:
        flash(_("The absence has ended; %(num)d tasks went back.", num=returned), "success")
    return redirect(url_for("assignment.absences"))


@blueprint.route("/notifications")
@login_required  # every role has the bell: each reads only their own notifications
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
