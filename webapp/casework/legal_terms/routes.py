"""The supervisor's "Muddatni uzaytirish" form on the case page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.casework.appeals.deadlines import ExtensionRefused
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.routes import render_case
from webapp.casework.appeals.service import appeal_for
from webapp.casework.legal_terms.forms import ExtendDeadlineForm, refusal_message
from webapp.casework.legal_terms.service import NotPermitted, extend_deadline, may_extend
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.formats import short_date

blueprint = Blueprint("legal_terms", __name__)


@blueprint.app_context_processor
def extension_helpers() -> dict[str, Any]:
    def extension_form_for(appeal: Appeal) -> ExtendDeadlineForm | None:
        if not current_user.is_authenticated or not may_extend(current_user, appeal):
            return None
        return ExtendDeadlineForm(appeal=appeal, formdata=None)

    return {"extension_form_for": extension_form_for}


@blueprint.route("/appeals/<number>/extend", methods=["POST"])
@roles_required(Role.SUPERVISOR.value)
def extend(number: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    form = ExtendDeadlineForm(appeal=appeal)
    if form.validate_on_submit():
        try:
            extend_deadline(appeal, current_user, until=form.until.data, reason=form.reason.data or "")
        except NotPermitted:
            abort(404)
        except ExtensionRefused as refused:
            target = form.reason if refused.field == "reason" else form.until
            target.errors = [*target.errors, refusal_message(refused.code, appeal)]
        else:
            flash(
                _(
                    "The deadline was extended to %(date)s; the applicant is notified.",
                    date=short_date(appeal.deadline),
                ),
                "success",
            )
            return redirect(url_for("appeals.case", number=appeal.number))
    flash(_("The deadline was not extended: please correct the highlighted fields."), "danger")
    return render_case(appeal, extension_form=form), 422
