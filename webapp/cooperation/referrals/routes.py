"""The referrals of an appeal on its case page: what each partner did, and the inspector's
withdrawal or re-routing of an open one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import Conflict, StepFailed
from webapp.casework.appeals.service import appeal_for
from webapp.cooperation.partners.routes import KIND_LABELS
from webapp.cooperation.referrals import service
from webapp.cooperation.referrals.forms import RerouteReferralForm, WithdrawReferralForm
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role

blueprint = Blueprint("referrals", __name__)

STAFF = (Role.INSPECTOR.value, Role.SUPERVISOR.value)
REFUSALS = {
    "not_open": _l("This referral is no longer open."),
    "not_waiting": _l("The case does not wait for this referral any more."),
    "bad_partner": _l("Choose another kind of organisation than the current one."),
    "no_partner": _l("The district has no active organisation of this kind."),
    "already_sent": _l("This case already waits for an answer from an organisation of this kind."),
}


@blueprint.app_context_processor
def referral_helpers() -> dict[str, Any]:
    def referrals_panel(appeal: Appeal) -> dict[str, Any]:
        may_act = current_user.is_authenticated and current_user.role in STAFF
        return {
            "referrals": service.referrals_of(appeal),
            "may_act": may_act,
            "withdraw_form": WithdrawReferralForm(formdata=None) if may_act else None,
            "reroute_form": RerouteReferralForm(formdata=None) if may_act else None,
            "kind_labels": KIND_LABELS,
        }

    return {"referrals_panel": referrals_panel}


def _referral(number: str, referral_id: int) -> tuple[Appeal, Any]:
    appeal = appeal_for(current_user, number)
    referral = service.referral_of(appeal, referral_id) if appeal is not None else None
    if appeal is None or referral is None:
        abort(404)
    return appeal, referral


def _act(appeal: Appeal, action: Any, done: str) -> Any:
    try:
        action()
    except service.ReferralRefused as refused:
        flash(str(REFUSALS.get(refused.code, REFUSALS["not_waiting"])), "warning")
    except (Conflict, StepFailed):
        flash(str(_l("Someone else changed this case meanwhile. Here is its current state.")), "warning")
    else:
        flash(done, "success")
    return redirect(url_for("appeals.case", number=appeal.number) + "#referrals")


@blueprint.route("/appeals/<number>/referrals/<int:referral_id>/withdraw", methods=["POST"])
@roles_required(*STAFF)
def withdraw(number: str, referral_id: int) -> Any:
    appeal, referral = _referral(number, referral_id)
    if not WithdrawReferralForm().validate_on_submit():
        abort(400)
    return _act(
        appeal, lambda: service.withdraw(appeal, referral, current_user), str(_l("The referral was withdrawn."))
    )


@blueprint.route("/appeals/<number>/referrals/<int:referral_id>/reroute", methods=["POST"])
@roles_required(*STAFF)
def reroute(number: str, referral_id: int) -> Any:
    appeal, referral = _referral(number, referral_id)
    form = RerouteReferralForm()
    if not form.validate_on_submit():
        flash(str(_l("Choose the kind of organisation.")), "danger")
        return redirect(url_for("appeals.case", number=appeal.number) + "#referrals")
    kind = str(form.partner.data)
    return _act(
        appeal, lambda: service.reroute(appeal, referral, kind, current_user), str(_l("The referral was sent on."))
    )


STATUS_LABELS = {
    "sent": _l("Sent, not acknowledged"),
    "acknowledged": _l("Acknowledged"),
    "answered": _l("Answered"),
    "withdrawn": _l("Withdrawn"),
    "rerouted": _l("Sent to another partner"),
}


@blueprint.app_template_filter("referral_status_label")
def referral_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
