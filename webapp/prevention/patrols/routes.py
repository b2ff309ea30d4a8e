""" "Fidokor Yoshlar" pages: groups, the patrol schedule, reports and incidents."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import FormInvalid, TaskNotReady
from forms import apply_engine_errors, build_form_class, engine_values, prefill
from webapp.cases.instances import Conflict
from webapp.casework.appeals.runtime import StepFailed
from webapp.errors import ChangedMeanwhile
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import step_failure_message
from webapp.platform.pagination import paginate
from webapp.platform.query_params import Id, QueryModel, query
from webapp.platform.timeutil import local_today
from webapp.prevention.patrols import review
from webapp.prevention.patrols import service as patrols
from webapp.prevention.work.blueprint import (
    CASE_ROLES,
    WORK_ROLES,
    blueprint,
    checked_mahalla,
    export,
    form_failed,
    found_or_abort,
    list_filters,
    territory_choices,
)
from webapp.prevention.work.forms import (
    IncidentForm,
    LinkPersonForm,
    OpenAppealForm,
    PatrolGroupForm,
    PatrolMemberForm,
    PatrolReportForm,
    PlannedPatrolForm,
)
from webapp.prevention.work.models import PatrolGroup, PatrolReport, PlannedPatrol
from webapp.prevention.work.scope import ListFilters, all_rows, mahallas_in_scope

# Linking to the prevention registry: the people who work it (an administrator is not entitled).
LINK_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)
SCHEDULE_STATUSES = ("reported", "not_reported")
REPORT_STATUSES = ("with_incidents", "without_incidents")


def _group(group_id: int) -> PatrolGroup:
    return found_or_abort(patrols.group_for(current_user, group_id), PatrolGroup, group_id)  # type: ignore[no-any-return]


def _report(report_id: int) -> PatrolReport:
    return found_or_abort(patrols.report_for(current_user, report_id), PatrolReport, report_id)  # type: ignore[no-any-return]


# --- groups ----------------------------------------------------------------------------------


@blueprint.route("/patrols")
@roles_required(*WORK_ROLES)
def patrol_groups() -> Any:
    filters = list_filters(patrols.GROUP_STATUSES)
    return render_template(
        "prevention_work/patrol_groups.html",
        filters=filters,
        page=paginate(patrols.groups_query(current_user, filters), filters.page),
        statuses={"active": _("Active"), "inactive": _("Inactive")},
        **territory_choices(),
    )


@blueprint.route("/patrols/export")
@roles_required(*WORK_ROLES)
def patrol_groups_export() -> Any:
    filters = list_filters(patrols.GROUP_STATUSES)
    headers = [_("Group"), _("Mahalla"), _("Group leader"), _("Leader's phone"), _("Active members"), _("Reports")]
    rows = (
        [g.name, mahalla, g.leader_name, g.leader_phone, members, reports]
        for g, mahalla, members, reports in all_rows(patrols.groups_query(current_user, filters))
    )
    return export("patrol-groups", headers, rows)


@blueprint.route("/patrols/new", methods=["GET", "POST"])
@blueprint.route("/patrols/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def patrol_group_form(group_id: int | None = None) -> Any:
    group = _group(group_id) if group_id is not None else None
    mahallas = mahallas_in_scope(current_user)
    form = PatrolGroupForm(obj=group, mahalla=group.mahalla_id if group else None)
    checked_mahalla(form, mahallas)
    if form.validate_on_submit():
        mahalla = next(m for m in mahallas if m.id == form.mahalla.data)
        group = patrols.save_group(
            mahalla,
            name=form.name.data or "",
            leader_name=form.leader_name.data or "",
            leader_phone=form.leader_phone.data or "",
            active=bool(form.active.data),
            group=group,
        )
        flash(_("The patrol group is saved."), "success")
        return redirect(url_for("prevention_work.patrol_group", group_id=group.id))
    if form.is_submitted():
        form_failed()
    back = (
        url_for("prevention_work.patrol_group", group_id=group.id)
        if group
        else url_for("prevention_work.patrol_groups")
    )
    return render_template(
        "prevention_work/form.html",
        form=form,
        title=group.name if group else _("New patrol group"),
        back=back,
        section="patrols",
    )


def _render_group(group: PatrolGroup, **forms: Any) -> str:
    return render_template(
        "prevention_work/patrol_group.html",
        group=group,
        today=local_today(),
        member_form=forms.get("member_form") or PatrolMemberForm(formdata=None),
        patrol_form=forms.get("patrol_form") or _patrol_form(group, formdata=None),
        schedule=all_rows(patrols.schedule_query(current_user, ListFilters(), group.id).limit(20)),
        reports=all_rows(patrols.reports_query(current_user, ListFilters(), group.id).limit(20)),
    )


def _patrol_form(group: PatrolGroup, **kwargs: Any) -> PlannedPatrolForm:
    form = PlannedPatrolForm(group=group.id, **kwargs)
    form.group.choices = [(group.id, group.name)]
    return form


@blueprint.route("/patrols/<int:group_id>")
@roles_required(*WORK_ROLES)
def patrol_group(group_id: int) -> Any:
    return _render_group(_group(group_id))


@blueprint.route("/patrols/<int:group_id>/members", methods=["POST"])
@roles_required(*WORK_ROLES)
def patrol_member(group_id: int) -> Any:
    group = _group(group_id)
    form = PatrolMemberForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_group(group, member_form=form), 400
    patrols.add_member(group, full_name=form.full_name.data or "", phone=form.phone.data or "")
    flash(_("The member is added to the group."), "success")
    return redirect(url_for("prevention_work.patrol_group", group_id=group.id, _anchor="members"))


@blueprint.route("/patrols/<int:group_id>/members/<int:member_id>/toggle", methods=["POST"])
@roles_required(*WORK_ROLES)
def patrol_member_toggle(group_id: int, member_id: int) -> Any:
    group = _group(group_id)
    if patrols.toggle_member(group, member_id) is None:
        abort(404)
    return redirect(url_for("prevention_work.patrol_group", group_id=group.id, _anchor="members"))


@blueprint.route("/patrols/<int:group_id>/schedule", methods=["POST"])
@roles_required(*WORK_ROLES)
def patrol_plan(group_id: int) -> Any:
    group = _group(group_id)
    form = _patrol_form(group)
    if not form.validate_on_submit():
        form_failed()
        return _render_group(group, patrol_form=form), 400
    assert form.patrol_date.data and form.starts_at.data and form.ends_at.data
    patrols.plan_patrol(
        current_user,
        group,
        patrol_date=form.patrol_date.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        route=form.route.data or "",
    )
    flash(_("The patrol is on the schedule."), "success")
    return redirect(url_for("prevention_work.patrol_group", group_id=group.id, _anchor="schedule"))


# --- schedule --------------------------------------------------------------------------------


@blueprint.route("/patrols/schedule")
@roles_required(*WORK_ROLES)
def patrol_schedule() -> Any:
    filters = list_filters(SCHEDULE_STATUSES)
    return render_template(
        "prevention_work/patrol_schedule.html",
        filters=filters,
        today=local_today(),
        page=paginate(patrols.schedule_query(current_user, filters), filters.page),
        statuses={"reported": _("Report filed"), "not_reported": _("No report yet")},
        **territory_choices(),
    )


@blueprint.route("/patrols/schedule/export")
@roles_required(*WORK_ROLES)
def patrol_schedule_export() -> Any:
    filters = list_filters(SCHEDULE_STATUSES)
    headers = [_("Date"), _("Start"), _("End"), _("Patrol group"), _("Mahalla"), _("Route"), _("Report filed")]
    rows = (
        [
            p.patrol_date,
            p.starts_at.strftime("%H:%M"),
            p.ends_at.strftime("%H:%M"),
            group,
            mahalla,
            p.route,
            bool(report),
        ]
        for p, group, mahalla, report in all_rows(patrols.schedule_query(current_user, filters))
    )
    return export("patrol-schedule", headers, rows)


# --- reports ---------------------------------------------------------------------------------


@blueprint.route("/patrols/reports")
@roles_required(*WORK_ROLES)
def patrol_reports() -> Any:
    filters = list_filters(REPORT_STATUSES)
    return render_template(
        "prevention_work/patrol_reports.html",
        filters=filters,
        page=paginate(patrols.reports_query(current_user, filters), filters.page),
        statuses={"with_incidents": _("With incidents"), "without_incidents": _("Without incidents")},
        **territory_choices(),
    )


@blueprint.route("/patrols/reports/export")
@roles_required(*WORK_ROLES)
def patrol_reports_export() -> Any:
    filters = list_filters(REPORT_STATUSES)
    headers = [
        _("Date"),
        _("Patrol group"),
        _("Mahalla"),
        _("Route"),
        _("Members present"),
        _("Observations"),
        _("Patrol incidents"),
        _("What happened"),
    ]
    return export("patrol-reports", headers, patrols.report_export_rows(current_user, filters))


class PlannedArgs(QueryModel):
    planned: Id | None = None  # the planned patrol a report is filed for (a link from the schedule)


@blueprint.route("/patrols/<int:group_id>/reports/new", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def patrol_report_new(group_id: int) -> Any:
    group = _group(group_id)
    planned = None
    planned_id = query(PlannedArgs).planned
    if planned_id is not None:
        planned = found_or_abort(patrols.planned_patrol_for(current_user, planned_id), PlannedPatrol, planned_id)
        if planned.group_id != group.id:
            abort(404)
    defaults = (
        {"report_date": planned.patrol_date, "route": planned.route} if planned else {"report_date": local_today()}
    )
    form = PatrolReportForm(data=defaults if request.method == "GET" else None)
    form.members_present.choices = [(m.id, m.full_name) for m in group.members if m.active]
    if form.validate_on_submit():
        assert form.report_date.data is not None
        report = patrols.file_report(
            current_user,
            group,
            patrols.ReportData(
                report_date=form.report_date.data,
                route=form.route.data or "",
                observations=form.observations.data or "",
                member_ids=form.members_present.data or [],
                incident=form.incident.data or "",
                incident_place=form.incident_place.data or "",
            ),
            planned,
        )
        flash(_("The patrol report is filed."), "success")
        return redirect(url_for("prevention_work.patrol_report", report_id=report.id))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention_work/form.html",
        form=form,
        title=_("Patrol report"),
        subtitle=group.name,
        back=url_for("prevention_work.patrol_group", group_id=group.id),
        section="patrols",
    )


def _render_report(report: PatrolReport, status: int = 200, **forms: Any) -> Any:
    may_act = current_user.has_role(*CASE_ROLES)
    may_link = current_user.has_role(*LINK_ROLES)
    page = render_template(
        "prevention_work/patrol_report.html",
        report=report,
        may_act=may_act,
        may_link=may_link,
        incident_form=forms.get("incident_form") or IncidentForm(formdata=None),
        appeal_form=forms.get("appeal_form") or OpenAppealForm(formdata=None, applicant_name=report.group.leader_name),
        link_forms={
            incident.id: _link_form(incident, formdata=None)
            for incident in report.incidents
            if may_link and incident.person_id is None
        },
        failed_incident=forms.get("failed_incident"),
        review=review.review_of(report),
    )
    return page, status


def _link_form(incident: Any, **kwargs: Any) -> LinkPersonForm:
    form = LinkPersonForm(**kwargs)
    form.person.choices = [
        (p.id, f"{p.full_name} ({p.risk_group})") for p in patrols.registry_people(incident, current_user)
    ]
    return form


@blueprint.route("/patrols/reports/<int:report_id>")
@roles_required(*WORK_ROLES)
def patrol_report(report_id: int) -> Any:
    return _render_report(_report(report_id))


@blueprint.route("/patrols/reports/<int:report_id>/incidents", methods=["POST"])
@roles_required(*WORK_ROLES)
def patrol_incident(report_id: int) -> Any:
    report = _report(report_id)
    form = IncidentForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_report(report, 400, incident_form=form)
    patrols.add_incident(report, description=form.description.data or "", place=form.place.data or "")
    flash(_("The incident is recorded."), "success")
    return redirect(url_for("prevention_work.patrol_report", report_id=report.id, _anchor="incidents"))


def _refusal(code: str) -> str:
    messages = {
        "has_appeal": _("An appeal has already been opened for this incident."),
        "has_person": _("This incident is already linked to a person."),
        "wrong_person": _("Choose a person on the prevention registry of the incident's mahalla."),
    }
    return messages.get(code, code)


@blueprint.route("/patrols/reports/<int:report_id>/incidents/<int:incident_id>/appeal", methods=["POST"])
@roles_required(*CASE_ROLES)
def patrol_incident_appeal(report_id: int, incident_id: int) -> Any:
    report = _report(report_id)
    incident = patrols.incident_for(report, incident_id)
    if incident is None:
        abort(404)
    form = OpenAppealForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_report(report, 400, appeal_form=form, failed_incident=incident.id)
    try:
        appeal = patrols.open_appeal(current_user, incident, applicant_name=form.applicant_name.data or "")
    except patrols.IncidentRefused as refused:
        flash(_refusal(refused.code), "danger")
    except StepFailed:
        flash(_("The appeal procedure could not start; nothing was saved. Please tell your methodologist."), "danger")
    else:
        flash(_("Appeal %(number)s registered.", number=appeal.number), "success")
        return redirect(url_for("appeals.case", number=appeal.number))
    return redirect(url_for("prevention_work.patrol_report", report_id=report.id, _anchor="incidents"))


@blueprint.route("/patrols/reports/<int:report_id>/incidents/<int:incident_id>/person", methods=["POST"])
@roles_required(*LINK_ROLES)
def patrol_incident_person(report_id: int, incident_id: int) -> Any:
    report = _report(report_id)
    incident = patrols.incident_for(report, incident_id)
    if incident is None:
        abort(404)
    form = _link_form(incident)
    if not form.validate_on_submit():
        flash(" ".join(str(m) for m in form.person.errors) or _("The form has expired; please try again."), "danger")
    else:
        try:
            person = patrols.link_person(current_user, incident, form.person.data or 0)
        except patrols.IncidentRefused as refused:
            flash(_refusal(refused.code), "danger")
        else:
            flash(_("The incident is added to the prevention work with %(name)s.", name=person.full_name), "success")
    return redirect(url_for("prevention_work.patrol_report", report_id=report.id, _anchor="incidents"))


@blueprint.app_context_processor
def patrol_review_helpers() -> dict[str, Any]:
    def patrol_review_tasks() -> list[Any]:
        """The inbox panel: the patrol report reviews the current user works on."""
        if not current_user.is_authenticated or not current_user.has_role(*LINK_ROLES):
            return []
        return review.review_tasks_for(current_user)

    return {"patrol_review_tasks": patrol_review_tasks}


@blueprint.route("/patrols/review-tasks/<task_id>", methods=["GET", "POST"])
@roles_required(*LINK_ROLES)
def patrol_review_task(task_id: str) -> Any:
    """A task of the supervisor's review of a patrol report (prevention.patrols.review)."""
    pending = review.review_task_for(current_user, task_id)
    if pending is None:
        abort(404)
    report = _report(pending.subject_id)
    back = url_for("prevention_work.patrol_report", report_id=report.id)
    try:
        view = review.task_view(pending)
    except (TaskNotReady, Conflict):
        raise ChangedMeanwhile("review", back) from None
    form = build_form_class(view.form)(data=prefill(view.form, view.prefill))
    if form.validate_on_submit():
        try:
            review.complete_review_task(pending, current_user, engine_values(form, view.form))
        except FormInvalid as invalid:
            apply_engine_errors(form, invalid.errors)
            form_failed()
        except Conflict:
            raise ChangedMeanwhile("review", back) from None
        except StepFailed as failed:
            reason = step_failure_message(failed.failure)
            flash(
                _("The review could not continue: %(reason)s Please tell your methodologist.", reason=reason), "danger"
            )
        else:
            flash(_("Task \u201c%(title)s\u201d completed.", title=_(pending.title)), "success")
            return redirect(back)
    elif form.is_submitted():
        form_failed()
    subtitle = f"{report.group.name} · {report.route}"
    return render_template(
        "prevention_work/form.html", form=form, title=_(pending.title), subtitle=subtitle, back=back, section="patrols"
    )
