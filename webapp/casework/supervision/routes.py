"""The supervisor console (/supervision) and the case-control actions on the case page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import FormInvalid, TaskNotReady
from webapp.cases.models import CaseStatus
from webapp.cases.subjects import subject_kind, subject_url
from webapp.casework.appeals.models import CATEGORIES, Appeal, AppealKind
from webapp.casework.appeals.runtime import Conflict, StepFailed
from webapp.casework.appeals.service import appeal_for
from webapp.casework.case_control.service import (
    ControlRefused,
    allowed_actions,
    case_status,
    change_status,
    retry_incident,
)
from webapp.casework.supervision import service
from webapp.casework.supervision.forms import ReasonForm, ReassignForm, RetryForm
from webapp.casework.supervision.messages import control_message, reassign_message
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import step_failure_message
from webapp.platform.labels import CASE_STATUS, label
from webapp.platform.query_params import query

blueprint = Blueprint("supervision", __name__, url_prefix="/supervision")

CONSOLE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value, Role.METHODOLOGIST.value)
CONTROL_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)
DATA_FIXERS = (Role.METHODOLOGIST.value, Role.ADMIN.value)
TABS = ("stuck", "overdue", "due_soon", "workload", "incidents")


@blueprint.app_template_filter("case_status_label")
def case_status_label(code: str) -> str:
    return label(CASE_STATUS, code)


@blueprint.app_context_processor
def case_control_helpers() -> dict[str, Any]:
    def case_control(appeal: Appeal) -> dict[str, Any] | None:
        """The case page's status panel: the status, and the forms the user may use."""
        if not current_user.is_authenticated:
            return None
        status = case_status(appeal)
        if status is None:
            return None
        may_control = current_user.has_role(*CONTROL_ROLES)
        return {
            "status": status,
            "actions": allowed_actions(appeal, status.status) if may_control else [],
            "form": ReasonForm(formdata=None),
            "retry": RetryForm(formdata=None) if status.status == CaseStatus.INCIDENT and may_control else None,
            "may_fix_data": current_user.has_role(*DATA_FIXERS),
        }

    def case_statuses(appeal_ids: Sequence[int]) -> dict[int, str]:
        return service.case_statuses(list(appeal_ids))

    return {"case_control": case_control, "case_statuses": case_statuses, "subject_url": subject_url}


class ConsolePageArgs(service.ConsoleArgs):
    """The console page's query string: the tab besides the console's filters, days and page."""

    tab: Literal["stuck", "overdue", "due_soon", "incidents", "workload"] | None = None


def _console_state(args: ConsolePageArgs, tab: str) -> dict[str, Any]:
    return {
        "tab": tab,
        "filters": args.filters(),
        "days": args.days,
        "soon": args.soon,
        "query": args.link_args("page"),
    }


CASE_TABS = ("stuck", "overdue", "due_soon")


def _lists(tab: str, days: int, soon: int, filters: service.Filters, page_number: int) -> dict[str, Any]:
    """The tab's lines; the case lists come a page at a time (``page`` in the query)."""
    user = current_user
    if tab in CASE_TABS:
        page = service.case_page(user, tab, filters, days, soon, page_number)
        return {"lines": page.items, "page": page}
    if tab == "incidents":
        return {"lines": service.incidents(user, filters), "page": None, "others": service.subject_incidents(user)}
    return {"lines": service.workload(user, filters), "page": None}


@blueprint.route("")
@roles_required(*CONSOLE_ROLES)
def console() -> Any:
    default = "incidents" if current_user.role == Role.METHODOLOGIST.value else "stuck"
    args = query(ConsolePageArgs)
    tab = args.tab or default
    if current_user.role == Role.METHODOLOGIST.value:
        tab = "incidents"  # methodologists fix diagrams and data; territory work is for supervisors
    state = _console_state(args, tab)
    inspectors = service.inspectors_in_scope(current_user)
    form = ReassignForm(formdata=None)
    form.inspector.choices = [(0, _("Choose an inspector"))] + [(i.id, i.full_name) for i, _m in inspectors]
    return render_template(
        "supervision/console.html",
        **state,
        **_lists(tab, state["days"], state["soon"], state["filters"], args.page),
        inspectors=inspectors,
        reassign_form=form,
        districts=service.districts_in_scope(current_user),
        mahallas=service.mahallas_in_scope(current_user),
        categories=CATEGORIES,
        kinds=[k.value for k in AppealKind],
        tabs=TABS if current_user.role != Role.METHODOLOGIST.value else ("incidents",),
    )


def _back() -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/supervision") and "//" not in target else url_for("supervision.console")


@blueprint.route("/reassign", methods=["POST"])
@roles_required(*CONTROL_ROLES)
def reassign() -> Any:
    form = ReassignForm()
    form.inspector.choices = [(i.id, i.full_name) for i, _m in service.inspectors_in_scope(current_user)]
    numbers = request.form.getlist("case")
    if not form.validate_on_submit():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        flash(" ".join(messages) or _("The form has expired; please try again."), "danger")
        return redirect(_back())
    try:
        count = service.bulk_reassign(current_user, numbers, form.inspector.data or 0, form.reason.data or "")
    except service.ReassignRefused as refused:
        flash(_("Nothing was reassigned: %(why)s", why=reassign_message(refused.code, refused.number)), "danger")
    else:
        flash(_("%(count)d tasks reassigned; the inspector is notified.", count=count), "success")
    return redirect(_back())


@blueprint.route("/cases/<number>/<action>", methods=["POST"])
@roles_required(*CONTROL_ROLES)
def control(number: str, action: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None or action not in ("suspend", "resume", "cancel"):
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for m in form.reason.errors) or _("The form has expired; please try again."), "danger")
        return redirect(url_for("appeals.case", number=number, _anchor="case-control"))
    try:
        change_status(appeal, current_user, action, form.reason.data or "")
    except ControlRefused as refused:
        flash(control_message(refused.code, refused.status), "danger")
    else:
        done = {
            "suspend": _("The case is suspended; its tasks cannot be completed until it is resumed."),
            "resume": _("The case is running again."),
            "cancel": _("The case is cancelled and closed."),
        }
        flash(done[action], "success")
    return redirect(url_for("appeals.case", number=number))


@blueprint.route("/cases/<number>/retry", methods=["POST"])
@roles_required(*CONTROL_ROLES, Role.METHODOLOGIST.value)
def retry(number: str) -> Any:
    appeal = service.incident_appeal(current_user, number)
    if appeal is None:
        abort(404)
    form = RetryForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for m in form.with_data.errors) or _("The form has expired; please try again."), "danger")
        return redirect(_back())
    data = form.corrected_data() if current_user.has_role(*DATA_FIXERS) else {}
    try:
        retry_incident(appeal, current_user, data)
    except ControlRefused as refused:
        flash(control_message(refused.code, refused.status), "danger")
    except StepFailed as failed:
        flash(_("The step failed again: %(error)s", error=step_failure_message(failed.failure)), "danger")
    except Conflict:
        flash(_("Someone else changed this case meanwhile. Reload and try again."), "warning")
    else:
        flash(_("The case runs again."), "success")
    return redirect(_back())


@blueprint.route("/incidents/<kind>/<int:subject_id>/retry", methods=["POST"])
@roles_required(*CONTROL_ROLES, Role.METHODOLOGIST.value)
def retry_subject(kind: str, subject_id: int) -> Any:
    """Retry the failed step of a case that is not an appeal (a prevention plan, a notice's approval)."""
    known = subject_kind(kind)
    if known is None or known.retry is None or service.subject_incident(current_user, kind, subject_id) is None:
        abort(404)
    if not RetryForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "danger")
        return redirect(_back())
    try:
        known.retry(subject_id, current_user)
    except StepFailed as failed:
        flash(_("The step failed again: %(error)s", error=step_failure_message(failed.failure)), "danger")
    except (Conflict, FormInvalid, TaskNotReady):
        flash(_("Someone else changed this case meanwhile. Reload and try again."), "warning")
    else:
        flash(_("The case runs again."), "success")
    return redirect(_back())
