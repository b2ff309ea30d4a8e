"""The prevention registry pages, the plan pages and the plan task page."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, field_validator

from engine import FormInvalid
from forms import build_form_class, engine_values, prefill
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import appeal_for
from webapp.errors import on_case_refusal
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.labels import label
from webapp.platform.query_params import Id, QueryModel, one_of, query
from webapp.platform.tabular import export_response, requested_format
from webapp.platform.territory.service import mahallas_for_registration
from webapp.platform.timeutil import local_today
from webapp.prevention.registry import journal, plans, service
from webapp.prevention.registry.access import REGISTRY_ROLES, WORK_ROLES, initials, is_entitled, person_view
from webapp.prevention.registry.forms import (
    ActionForm,
    ChoosePersonForm,
    LinkAppealForm,
    PersonForm,
    RemoveForm,
    apply_plan_errors,
)
from webapp.prevention.registry.labels import ACCESS_ACTIONS, EVENTS, MEASURES, PERSON_STATUS, PLAN_STATUS, RISK_GROUPS
from webapp.prevention.registry.models import PersonStatus, SupervisedPerson
from webapp.prevention.registry.timeline import timeline

blueprint = Blueprint("prevention", __name__, url_prefix="/prevention")


@blueprint.app_template_filter("risk_group_label")
def risk_group_label(code: str) -> str:
    return label(RISK_GROUPS, code)


@blueprint.app_context_processor
def prevention_helpers() -> dict[str, Any]:
    def prevention_plan_tasks() -> list[Any]:
        """The inbox panel: the plan tasks the current user does (initials only; the task page is logged)."""
        if not current_user.is_authenticated or not current_user.has_role(*WORK_ROLES):
            return []
        return plans.plan_tasks_for(current_user)

    def prevention_links(appeal: Appeal) -> int:
        return service.appeal_link_count(appeal.id)

    return {
        "prevention_plan_tasks": prevention_plan_tasks,
        "prevention_links": prevention_links,
        "person_initials": initials,
        "prevention_labels": {
            "status": PERSON_STATUS,
            "plan": PLAN_STATUS,
            "event": EVENTS,
            "access": ACCESS_ACTIONS,
            "measures": MEASURES,
            "risk": RISK_GROUPS,
        },
    }


def _record(person_id: int, action: str = "view", detail: str = "") -> SupervisedPerson:
    try:
        person = service.record_for(current_user, person_id, action, detail)
    except service.Denied:  # logged as view_denied; answered like a missing record
        abort(404)
    if person is None:
        abort(404)
    return person


# --- the registry -------------------------------------------------------------------------------


class RegistryArgs(QueryModel):
    """The registry list's filters (the page and its export)."""

    mahalla: Id | None = None
    risk_group: str = ""
    status: Literal["active", "removed"] | None = None
    q: str = Field("", max_length=100)

    @field_validator("risk_group")
    @classmethod
    def _known(cls, value: str) -> str:
        return one_of("risk_group", value, RISK_GROUPS)

    def filters(self) -> service.Filters:
        return service.Filters(
            mahalla_id=self.mahalla, risk_group=self.risk_group or None, status=self.status, q=self.q.strip()
        )


class RegisterArgs(QueryModel):
    """Where the register form starts from: a mahalla chosen on the list, or the appeal it comes from."""

    mahalla: Id | None = None
    appeal: str = Field("", max_length=40)


@blueprint.route("")
@roles_required(*REGISTRY_ROLES)
def index() -> Any:
    args = query(RegistryArgs)
    filters = args.filters()
    return render_template(
        "prevention/index.html",
        persons=service.registry_list(current_user, filters),
        filters=filters,
        query=args.link_args(),
        mahallas=service.mahallas_in_reach(current_user),
        may_register=current_user.has_role(*WORK_ROLES),
    )


@blueprint.route("/export")
@roles_required(*REGISTRY_ROLES)
def export() -> Any:
    fmt = requested_format()
    filters = query(RegistryArgs).filters()
    views = service.registry_list(current_user, filters, action="export", limit=None)
    headers = [
        _("Full name"),
        _("Year of birth"),
        _("Passport"),
        _("Phone"),
        _("Address"),
        _("Mahalla"),
        _("Risk group"),
        _("Status"),
        _("Registered on"),
        _("Removed on"),
        _("Responsible inspector"),
    ]
    rows = [
        [
            v.name,
            v.birth_year,
            v.passport,
            v.phone,
            v.address,
            v.mahalla,
            label(RISK_GROUPS, v.risk_group),
            label(PERSON_STATUS, v.status),
            v.registered_on,
            v.removed_on,
            v.inspector,
        ]
        for v in views
    ]
    return export_response(fmt, "prevention_registry", headers, rows)


def _person_form(person: SupervisedPerson | None = None) -> PersonForm:
    mahallas = mahallas_for_registration(current_user)
    inspectors = service.inspectors_serving(m.id for m in mahallas)
    if person is not None and person.responsible_inspector is not None:
        if all(u.id != person.responsible_inspector_id for u in inspectors):
            inspectors.append(person.responsible_inspector)
        if all(m.id != person.mahalla_id for m in mahallas):
            mahallas.append(person.mahalla)
    form = PersonForm(obj=person, mahallas=mahallas, inspectors=inspectors)
    form.mahallas = mahallas  # type: ignore[attr-defined]
    if not form.is_submitted():
        if person is not None:
            form.mahalla.data = str(person.mahalla_id)
            form.responsible_inspector.data = str(person.responsible_inspector_id or "")
        else:
            form.registered_on.data = local_today()
            if current_user.role == Role.INSPECTOR.value:
                form.responsible_inspector.data = str(current_user.id)
            preset = query(RegisterArgs).mahalla
            if preset is not None:
                form.mahalla.data = str(preset)
    return form


def _person_input(form: PersonForm) -> service.PersonInput | None:
    mahalla = next(m for m in form.mahallas if str(m.id) == form.mahalla.data)  # type: ignore[attr-defined]
    inspector_id = int(form.responsible_inspector.data or 0)
    if not service.serves(inspector_id, mahalla.id):
        form.responsible_inspector.errors = [_("This inspector does not serve the chosen mahalla.")]
        return None
    return service.PersonInput(
        full_name=" ".join((form.full_name.data or "").split()),
        birth_date=form.birth_date.data,
        passport=form.passport.data or "",
        phone=(form.phone.data or "").strip(),
        address=(form.address.data or "").strip(),
        mahalla=mahalla,
        risk_group=form.risk_group.data or "",
        grounds=(form.grounds.data or "").strip(),
        responsible_inspector_id=inspector_id,
        registered_on=form.registered_on.data or local_today(),
    )


@blueprint.route("/persons/new", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def register() -> Any:
    number = query(RegisterArgs).appeal
    appeal = appeal_for(current_user, number) if number else None
    form = _person_form()
    if appeal is not None and not form.is_submitted():
        form.mahalla.data = str(appeal.mahalla_id)
    data = _person_input(form) if form.validate_on_submit() else None
    if data is not None:
        person = service.register_person(data, current_user, appeal=appeal)
        flash(_("%(name)s was put on the prevention registry.", name=person.full_name), "success")
        if appeal is not None:
            return redirect(url_for("prevention.appeal", number=appeal.number))
        return redirect(url_for("prevention.person", person_id=person.id))
    if form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("prevention/person_form.html", form=form, person=None, appeal=appeal)


@blueprint.route("/persons/<int:person_id>")
@roles_required(*REGISTRY_ROLES)
def person(person_id: int) -> Any:
    record = _record(person_id)
    may_see_log = current_user.role == Role.SUPERVISOR.value
    return render_template(
        "prevention/person.html",
        person=person_view(record, True),
        record=record,
        plans=service.plans_of(record.id),
        running=plans.running_plan(record.id),
        appeals=service.linked_appeals(record.id),
        timeline=timeline(record),
        forms=plans.current_forms(),
        access_log=journal.access_log(record) if may_see_log else None,
        link_form=LinkAppealForm(formdata=None),
        action_form=ActionForm(formdata=None),
        may_change=current_user.has_role(*WORK_ROLES) and record.anonymised_at is None,
    )


@blueprint.route("/persons/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def edit(person_id: int) -> Any:
    record = _record(person_id, detail="edit")
    if record.anonymised_at is not None:
        abort(409)
    form = _person_form(record)
    data = _person_input(form) if form.validate_on_submit() else None
    if data is not None:
        changed = service.update_person(record, data, current_user)
        if changed:
            flash(_("The record was saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        if not is_entitled(current_user, record):  # handed over to another inspector
            return redirect(url_for("prevention.index"))
        return redirect(url_for("prevention.person", person_id=record.id))
    if form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("prevention/person_form.html", form=form, person=record, appeal=None)


@blueprint.route("/persons/<int:person_id>/remove", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def remove(person_id: int) -> Any:
    record = _record(person_id, detail="remove")
    if record.status != PersonStatus.ACTIVE:
        flash(_("This person is not on the registry."), "warning")
        return redirect(url_for("prevention.person", person_id=record.id))
    form = RemoveForm(registered_on=record.registered_on)
    if not form.is_submitted():
        form.removed_on.data = local_today()
    if form.validate_on_submit():
        assert form.removed_on.data is not None
        service.remove_person(record, current_user, form.removed_on.data, (form.removal_grounds.data or "").strip())
        flash(_("%(name)s was removed from the prevention registry.", name=record.full_name), "success")
        return redirect(url_for("prevention.person", person_id=record.id))
    if form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("prevention/remove.html", form=form, person=record, running=plans.running_plan(record.id))


@blueprint.route("/persons/<int:person_id>/appeals", methods=["POST"])
@roles_required(*WORK_ROLES)
def link(person_id: int) -> Any:
    record = _record(person_id, detail="link appeal")
    form = LinkAppealForm()
    if not form.validate_on_submit():
        flash(_("Enter the appeal's number."), "danger")
        return redirect(url_for("prevention.person", person_id=record.id))
    appeal = appeal_for(current_user, (form.number.data or "").strip())
    if appeal is None:
        flash(_("No appeal with this number is in your territory."), "danger")
    elif service.link_appeal(record, appeal, current_user):
        flash(_("Appeal %(number)s linked.", number=appeal.number), "success")
    else:
        flash(_("Appeal %(number)s was already linked.", number=appeal.number), "info")
    return redirect(url_for("prevention.person", person_id=record.id))


@blueprint.route("/persons/<int:person_id>/appeals/<number>/delete", methods=["POST"])
@roles_required(*WORK_ROLES)
def unlink(person_id: int, number: str) -> Any:
    record = _record(person_id, detail="unlink appeal")
    appeal = appeal_for(current_user, number)
    if appeal is None or not service.unlink_appeal(record, appeal, current_user):
        abort(404)
    flash(_("The link was removed."), "success")
    back = request.form.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("prevention.person", person_id=record.id))


@blueprint.route("/persons/<int:person_id>/plans", methods=["POST"])
@roles_required(*WORK_ROLES)
def open_plan(person_id: int) -> Any:
    record = _record(person_id, detail="open plan")
    if not ActionForm().validate_on_submit():
        abort(400)
    return _open_plan(record, None)


def _open_plan(record: SupervisedPerson, appeal: Appeal | None) -> Any:
    on_case_refusal(url_for("prevention.person", person_id=record.id), starts=True)
    try:
        plan = plans.open_plan(record, current_user, appeal=appeal)
    except plans.PlanConflict:
        flash(_("This person already has a running plan or is not on the registry."), "warning")
        return redirect(url_for("prevention.person", person_id=record.id))
    flash(_("A prevention plan was opened: draft it now."), "success")
    return redirect(url_for("prevention.plan", plan_id=plan.id))


# --- plans --------------------------------------------------------------------------------------


@blueprint.route("/plans/<int:plan_id>")
@roles_required(*REGISTRY_ROLES)
def plan(plan_id: int) -> Any:
    found = plans.plan_by_id(plan_id)
    if found is None:
        abort(404)
    record = _record(found.person_id, "view_plan", detail=str(found.id))
    history = [entry for entry in timeline(record) if entry.plan_id == found.id]
    return render_template(
        "prevention/plan.html",
        plan=found,
        person=person_view(record, True),
        data=plans.plan_data(found),
        tasks=plans.tasks_of_plan(found.id),
        history=history,
        forms=plans.plan_forms(found),
        appeal=found.appeal_id and service.appeal_number(found.appeal_id),
    )


def _entitled_plan(plan_id: int) -> Any:
    found = plans.plan_by_id(plan_id)
    if found is None or service.entitled_person(current_user, found.person_id) is None:
        abort(404)
    return found


@blueprint.route("/plans/<int:plan_id>/diagrams.json")
@roles_required(*REGISTRY_ROLES)
def plan_diagrams(plan_id: int) -> Any:
    """The plan's diagram for the viewer (static/js/case-diagram.js): its current tasks marked."""
    found = _entitled_plan(plan_id)
    entry = {
        "process_id": plans.PLAN_PROCESS,
        "name": plans.PLAN_NAME,
        "title": _(plans.PLAN_NAME),  # the process name from the diagram (its msgid comes from the BPMN)
        "xml_url": url_for("prevention.plan_diagram_xml", plan_id=found.id),
        "done": [],
        "current": sorted({task.name for task in plans.tasks_of_plan(found.id)}),
    }
    response = jsonify({"plan": found.id, "diagrams": [entry]})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/plans/<int:plan_id>/diagram.bpmn")
@roles_required(*REGISTRY_ROLES)
def plan_diagram_xml(plan_id: int) -> Any:
    document = plans.plan_diagram(_entitled_plan(plan_id))
    if document is None:
        abort(404)
    response = Response(document, mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blueprint.route("/tasks/<task_id>", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def task(task_id: str) -> Any:
    pending = plans.plan_task_for(current_user, task_id)
    if pending is None:
        abort(404)
    found = plans.plan_by_id(pending.subject_id)
    if found is None:
        abort(404)
    record = _record(found.person_id, "view", detail=f"plan task {pending.name}")
    on_case_refusal(url_for("prevention.plan", plan_id=pending.subject_id), what="plan")
    view = plans.plan_task_view(pending)
    form_class = build_form_class(view.form)
    form = form_class(data=prefill(view.form, view.prefill))
    if form.validate_on_submit():
        try:
            plans.complete_plan_task(
                pending, current_user, engine_values(form, view.form, request.form.get("decision"))
            )
        except FormInvalid as invalid:
            apply_plan_errors(form, invalid.errors)
            flash(_("Please correct the highlighted fields."), "danger")
        else:
            flash(_("Task \u201c%(title)s\u201d completed.", title=_(pending.title)), "success")
            return redirect(url_for("prevention.plan", plan_id=pending.subject_id))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template(
        "prevention/task.html",
        task=pending,
        view=view,
        form=form,
        plan=found,
        person=person_view(record, True),
        data=plans.plan_data(found) if found else {},
    )


# --- from an appeal (stage 3: open a plan) ------------------------------------------------------


@blueprint.route("/appeals/<number>")
@roles_required(*WORK_ROLES)
def appeal(number: str) -> Any:
    found = appeal_for(current_user, number)
    if found is None:
        abort(404)
    linked, candidates = service.appeal_registry(current_user, found)
    return render_template(
        "prevention/appeal.html",
        appeal=found,
        linked=linked,
        link_form=ChoosePersonForm(formdata=None, persons=candidates, prefix="link"),
        plan_form=ChoosePersonForm(formdata=None, persons=candidates, prefix="plan"),
        action_form=ActionForm(formdata=None),
        may_open_plan=found.stage == 3 and found.is_open,
        has_candidates=bool(candidates),
    )


def _chosen(found: Appeal, prefix: str) -> SupervisedPerson | None:
    persons = service.candidates_in_mahalla(current_user, found.mahalla_id)
    form = ChoosePersonForm(persons=persons, prefix=prefix)
    if not form.validate_on_submit():
        flash(_("Choose a person from the list."), "danger")
        return None
    chosen = next(p for p in persons if str(p.id) == form.person.data)
    return _record(chosen.id, "view", detail=found.number)


@blueprint.route("/appeals/<number>/link", methods=["POST"])
@roles_required(*WORK_ROLES)
def appeal_link(number: str) -> Any:
    found = appeal_for(current_user, number)
    if found is None:
        abort(404)
    chosen = _chosen(found, "link")
    if chosen is not None:
        service.link_appeal(chosen, found, current_user)
        flash(_("Appeal %(number)s linked.", number=found.number), "success")
    return redirect(url_for("prevention.appeal", number=found.number))


@blueprint.route("/appeals/<number>/plan", methods=["POST"])
@roles_required(*WORK_ROLES)
def appeal_plan(number: str) -> Any:
    found = appeal_for(current_user, number)
    if found is None:
        abort(404)
    if not (found.stage == 3 and found.is_open):
        flash(_("A prevention plan is opened at the resolution stage of an appeal."), "warning")
        return redirect(url_for("prevention.appeal", number=found.number))
    chosen = _chosen(found, "plan")
    if chosen is None:
        return redirect(url_for("prevention.appeal", number=found.number))
    return _open_plan(chosen, found)
