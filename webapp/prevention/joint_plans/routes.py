"""Joint plan pages: the list, a plan with its items, and the printable plan report."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import field_validator

from webapp.platform.auth.access import roles_required
from webapp.platform.labels import label
from webapp.platform.pagination import paginate
from webapp.platform.query_params import QueryModel, one_of, query
from webapp.platform.tabular import export_requested
from webapp.platform.timeutil import local_today
from webapp.prevention.joint_plans import service as joint_plans
from webapp.prevention.work import labels
from webapp.prevention.work.blueprint import (
    WORK_ROLES,
    blueprint,
    export,
    form_failed,
    found_or_abort,
    list_filters,
    territory_choices,
)
from webapp.prevention.work.forms import JointPlanForm, PlanItemForm
from webapp.prevention.work.models import PLAN_KINDS, JointPlan
from webapp.prevention.work.scope import MAHALLA_ROLES, districts_in_scope, mahallas_in_scope


class PlanKindArgs(QueryModel):
    kind: str = ""

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        return one_of("kind", value, PLAN_KINDS)


def _kind() -> str:
    return query(PlanKindArgs).kind


def _plan(plan_id: int, *, edit: bool = False) -> JointPlan:
    plan: JointPlan = found_or_abort(joint_plans.plan_for(current_user, plan_id), JointPlan, plan_id)
    if edit and not joint_plans.may_edit(current_user, plan):
        abort(403)
    return plan


@blueprint.route("/joint-plans")
@roles_required(*WORK_ROLES)
def plan_list() -> Any:
    filters = list_filters(joint_plans.PLAN_STATUSES)
    kind = _kind()
    return render_template(
        "prevention/joint_plans/list.html",
        filters=filters,
        kind=kind,
        kinds=labels.PLAN_KIND,
        page=paginate(joint_plans.plans_query(current_user, filters, kind), filters.page),
        statuses={"current": _("Current"), "finished": _("Finished"), "with_overdue": _("With overdue items")},
        **territory_choices(),
    )


@blueprint.route("/joint-plans/export")
@roles_required(*WORK_ROLES)
def plan_export() -> Any:
    filters = list_filters(joint_plans.PLAN_STATUSES)
    headers = [
        _("Title"),
        _("Kind of plan"),
        _("Period from"),
        _("Period to"),
        _("Territory"),
        _("Partners"),
        _("Items"),
        _("Done"),
        _("Overdue"),
    ]
    rows = joint_plans.export_rows(current_user, filters, _kind(), lambda code: label(labels.PLAN_KIND, code))
    return export("joint-plans", headers, rows)


def _territories() -> list[tuple[str, str]]:
    """District-wide plans for supervisors and administrators; mahalla plans for everyone."""
    choices = []
    if current_user.role not in MAHALLA_ROLES:
        choices += [
            (f"d{d.id}", _("%(district)s (whole district)", district=d.name)) for d in districts_in_scope(current_user)
        ]
    choices += [(f"m{m.id}", m.name) for m in mahallas_in_scope(current_user)]
    return choices


@blueprint.route("/joint-plans/new", methods=["GET", "POST"])
@blueprint.route("/joint-plans/<int:plan_id>/edit", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def plan_form(plan_id: int | None = None) -> Any:
    plan = _plan(plan_id, edit=True) if plan_id else None
    choices = _territories()
    territory = None
    if plan is not None:
        territory = f"m{plan.mahalla_id}" if plan.mahalla_id else f"d{plan.district_id}"
    form = JointPlanForm(obj=plan, territory=territory, territories=choices)
    if form.is_submitted() and request.form.get("territory") not in {code for code, _name in choices}:
        abort(403)
    if form.validate_on_submit():
        assert form.period_start.data and form.period_end.data
        code = form.territory.data or ""
        mahalla = next((m for m in mahallas_in_scope(current_user) if f"m{m.id}" == code), None)
        district = (
            mahalla.district if mahalla else next(d for d in districts_in_scope(current_user) if f"d{d.id}" == code)
        )
        plan = joint_plans.save_plan(
            current_user,
            joint_plans.PlanData(
                title=form.title.data or "",
                kind=form.kind.data or "current",
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                district=district,
                mahalla=mahalla,
                partners=form.partners.data or "",
            ),
            plan,
        )
        flash(_("The plan is saved."), "success")
        return redirect(url_for("prevention_work.plan_detail", plan_id=plan.id))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention/shared/form.html",
        form=form,
        title=plan.title if plan else _("New joint plan"),
        back=url_for("prevention_work.plan_detail", plan_id=plan.id) if plan else url_for("prevention_work.plan_list"),
        section="plans",
    )


def _render_plan(plan: JointPlan, status: int = 200, item_form: PlanItemForm | None = None) -> Any:
    return (
        render_template(
            "prevention/joint_plans/plan.html",
            plan=plan,
            today=local_today(),
            report=joint_plans.plan_report(plan),
            may_edit=joint_plans.may_edit(current_user, plan),
            item_form=item_form or PlanItemForm(formdata=None),
        ),
        status,
    )


@blueprint.route("/joint-plans/<int:plan_id>")
@roles_required(*WORK_ROLES)
def plan_detail(plan_id: int) -> Any:
    return _render_plan(_plan(plan_id))


@blueprint.route("/joint-plans/<int:plan_id>/items", methods=["POST"])
@roles_required(*WORK_ROLES)
def plan_item_new(plan_id: int) -> Any:
    plan = _plan(plan_id, edit=True)
    form = PlanItemForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_plan(plan, 400, form)
    assert form.due_on.data is not None
    joint_plans.save_item(plan, _item_data(form))
    flash(_("The activity is added to the plan."), "success")
    return redirect(url_for("prevention_work.plan_detail", plan_id=plan.id, _anchor="items"))


def _item_data(form: PlanItemForm) -> joint_plans.ItemData:
    assert form.due_on.data is not None
    return joint_plans.ItemData(
        activity=form.activity.data or "",
        responsible=form.responsible.data or "",
        due_on=form.due_on.data,
        status=form.status.data or "planned",
        report=form.report.data or "",
    )


@blueprint.route("/joint-plans/<int:plan_id>/items/<int:item_id>", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def plan_item(plan_id: int, item_id: int) -> Any:
    plan = _plan(plan_id, edit=True)
    item = joint_plans.item_for(plan, item_id)
    if item is None:
        abort(404)
    form = PlanItemForm(obj=item)
    if form.validate_on_submit():
        joint_plans.save_item(plan, _item_data(form), item)
        flash(_("Saved."), "success")
        return redirect(url_for("prevention_work.plan_detail", plan_id=plan.id, _anchor="items"))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention/shared/form.html",
        form=form,
        title=_("Activity of the plan"),
        subtitle=plan.title,
        back=url_for("prevention_work.plan_detail", plan_id=plan.id),
        section="plans",
    )


@blueprint.route("/joint-plans/<int:plan_id>/report")
@roles_required(*WORK_ROLES)
def plan_report(plan_id: int) -> Any:
    plan = _plan(plan_id)
    if export_requested():
        headers = [_("Activity"), _("Responsible"), _("Due date"), _("Status"), _("Done on"), _("What was done")]
        rows = joint_plans.report_rows(plan, lambda code: label(labels.ITEM_STATUS, code))
        return export(f"joint-plan-{plan.id}", headers, rows)
    return render_template(
        "prevention/joint_plans/report.html", plan=plan, report=joint_plans.plan_report(plan), today=local_today()
    )
