"""Register an appeal, list appeals, and the case page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.cases.tasks.service import tasks_of_appeal
from webapp.casework.appeals.extras import case_extras
from webapp.casework.appeals.forms import RegisterAppealForm
from webapp.casework.appeals.models import CATEGORIES, Appeal, AppealKind, AppealStatus
from webapp.casework.appeals.runtime import StepFailed, case_events, case_forms
from webapp.casework.appeals.service import (
    AppealFilters,
    AppealListArgs,
    NewAppeal,
    appeal_for,
    filtered_appeals,
    register_appeal,
)
from webapp.casework.replies.service import documents_of
from webapp.casework.supervision.service import districts_in_scope
from webapp.errors import StepStopped
from webapp.intake.attachments.routes import checked_uploads
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import BadParameter, query
from webapp.platform.territory.service import mahallas_for_registration

blueprint = Blueprint("appeals", __name__, url_prefix="/appeals")

CASE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
LIST_LIMIT = 100


@blueprint.route("")
@roles_required(*CASE_ROLES)
def index() -> Any:
    problem = parameter = ""
    try:
        filters = AppealFilters.parsed(query(AppealListArgs))
    except BadParameter as bad:
        problem, parameter = bad.message, bad.field  # shown above the list, which falls back to no filter
        filters = AppealFilters()
    return render_template(
        "appeals/index.html",
        appeals=filtered_appeals(current_user, filters, limit=LIST_LIMIT),
        filters=filters,
        filter_args=filters.as_args(),
        problem=problem,
        parameter=parameter,
        limit=LIST_LIMIT,
        districts=districts_in_scope(current_user),
        mahallas=mahallas_for_registration(current_user, include_retired=True),
        categories=CATEGORIES,
        kinds=[k.value for k in AppealKind],
        statuses=[s.value for s in AppealStatus],
    ), (400 if problem else 200)


@blueprint.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def register() -> Any:
    mahallas = mahallas_for_registration(current_user)
    form = RegisterAppealForm(mahallas=mahallas)
    uploads = checked_uploads(form) if form.validate_on_submit() else None
    if uploads is not None:
        mahalla = next(m for m in mahallas if m.code == form.mahalla.data)
        new = NewAppeal(
            mahalla=mahalla,
            kind=form.kind.data or "ariza",
            text=form.text.data or "",
            channel=form.channel.data or "walk_in",
            applicant_name=form.applicant_name.data or "",
            applicant_phone=form.applicant_phone.data or "",
            address=form.address.data or "",
            anonymous=bool(form.anonymous.data),
            category=form.category.data or "",
            urgency=form.urgency.data or "",
            attachments=tuple(uploads),
            **form.applicant_details(),
        )
        try:
            appeal = register_appeal(new, current_user)
        except StepFailed as failed:  # the filled form again: its text is not lost
            flash(StepStopped(failed.failure, starts=True).text(), "danger")
        else:
            flash(_("Appeal %(number)s registered.", number=appeal.number), "success")
            return redirect(url_for("appeals.case", number=appeal.number))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("appeals/register.html", form=form)


@blueprint.route("/<number>")
@roles_required(*CASE_ROLES)
def case(number: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    return render_case(appeal)


def render_case(appeal: Appeal, **extra: Any) -> str:
    """The case page; ``extra`` lets other actions show it again with their form's errors."""
    return render_template(
        "appeals/case.html",
        appeal=appeal,
        events=case_events(appeal),
        forms=case_forms(appeal),
        tasks=tasks_of_appeal(appeal.id),
        **extra,
        documents=documents_of(appeal),
        extras=case_extras(appeal),
    )
