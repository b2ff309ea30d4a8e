"""Youth work pages: the register, a young person's page with referrals and activity log."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.platform.auth.access import roles_required
from webapp.platform.labels import label
from webapp.platform.pagination import paginate
from webapp.prevention.work import labels
from webapp.prevention.work.blueprint import (
    WORK_ROLES,
    blueprint,
    checked_mahalla,
    export,
    form_failed,
    found_or_abort,
    list_filters,
    territory_choices,
)
from webapp.prevention.work.forms import ActivityForm, OutcomeForm, ReferralForm, YoungPersonForm
from webapp.prevention.work.models import YOUTH_STATUSES, YoungPerson
from webapp.prevention.work.scope import mahallas_in_scope
from webapp.prevention.youth import service as youth


@blueprint.route("/youth")
@roles_required(*WORK_ROLES)
def youth_list() -> Any:
    filters = list_filters(YOUTH_STATUSES)
    return render_template(
        "prevention/youth/list.html",
        filters=filters,
        page=paginate(youth.people_query(current_user, filters), filters.page),
        statuses=labels.YOUTH_STATUS,
        **territory_choices(),
    )


@blueprint.route("/youth/export")
@roles_required(*WORK_ROLES)
def youth_export() -> Any:
    filters = list_filters(YOUTH_STATUSES)
    headers = [
        _("Full name"),
        _("Date of birth"),
        _("Phone"),
        _("Address"),
        _("Mahalla"),
        _("Occupation"),
        _("Last referral"),
        _("Notes"),
    ]
    rows = youth.export_rows(current_user, filters, lambda code: label(labels.YOUTH_STATUS, code))
    return export("youth", headers, rows)


def _person_data(form: YoungPersonForm) -> youth.YoungPersonData:
    assert form.birth_date.data is not None
    return youth.YoungPersonData(
        full_name=form.full_name.data or "",
        birth_date=form.birth_date.data,
        phone=form.phone.data or "",
        address=form.address.data or "",
        status=form.status.data or "neither",
        notes=form.notes.data or "",
    )


@blueprint.route("/youth/new", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def youth_new() -> Any:
    mahallas = mahallas_in_scope(current_user)
    form = YoungPersonForm()
    checked_mahalla(form, mahallas)
    if form.validate_on_submit():
        mahalla = next(m for m in mahallas if m.id == form.mahalla.data)
        person = youth.save_person(current_user, mahalla, _person_data(form))
        flash(_("%(name)s is entered in the youth register.", name=person.full_name), "success")
        return redirect(url_for("prevention_work.youth_person", person_id=person.id))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention/shared/form.html",
        form=form,
        title=_("New young person"),
        back=url_for("prevention_work.youth_list"),
        section="youth",
    )


@blueprint.route("/youth/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def youth_edit(person_id: int) -> Any:
    person = found_or_abort(youth.person_for(current_user, person_id), YoungPerson, person_id)
    mahallas = mahallas_in_scope(current_user)
    form = YoungPersonForm(obj=person, mahalla=person.mahalla_id)
    checked_mahalla(form, mahallas)
    if form.validate_on_submit():
        mahalla = next(m for m in mahallas if m.id == form.mahalla.data)
        youth.save_person(current_user, mahalla, _person_data(form), person)
        flash(_("Saved."), "success")
        return redirect(url_for("prevention_work.youth_person", person_id=person.id))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention/shared/form.html",
        form=form,
        title=person.full_name,
        back=url_for("prevention_work.youth_person", person_id=person.id),
        section="youth",
    )


def _render_person(person: YoungPerson, **forms: Any) -> str:
    referrals = youth.referrals_of(person)
    outcome_forms = {
        r.id: OutcomeForm(formdata=None, obj=r, referred_on=r.referred_on) for r in referrals if r.outcome == "pending"
    }
    if "outcome" in forms:
        referral_id, failed_form = forms.pop("outcome")
        outcome_forms[referral_id] = failed_form
    return render_template(
        "prevention/youth/person.html",
        person=person,
        referrals=referrals,
        activities=youth.activities_of(person),
        referral_form=forms.get("referral_form") or ReferralForm(formdata=None),
        activity_form=forms.get("activity_form") or ActivityForm(formdata=None),
        outcome_forms=outcome_forms,
    )


@blueprint.route("/youth/<int:person_id>")
@roles_required(*WORK_ROLES)
def youth_person(person_id: int) -> Any:
    person = found_or_abort(youth.person_for(current_user, person_id), YoungPerson, person_id)
    return _render_person(person)


@blueprint.route("/youth/<int:person_id>/referrals", methods=["POST"])
@roles_required(*WORK_ROLES)
def youth_referral(person_id: int) -> Any:
    person = found_or_abort(youth.person_for(current_user, person_id), YoungPerson, person_id)
    form = ReferralForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_person(person, referral_form=form), 400
    assert form.referred_on.data is not None
    youth.add_referral(
        current_user,
        person,
        kind=form.kind.data or "employment",
        referred_to=form.referred_to.data or "",
        referred_on=form.referred_on.data,
        note=form.note.data or "",
    )
    flash(_("The referral is recorded."), "success")
    return redirect(url_for("prevention_work.youth_person", person_id=person.id, _anchor="referrals"))


@blueprint.route("/youth/<int:person_id>/referrals/<int:referral_id>", methods=["POST"])
@roles_required(*WORK_ROLES)
def youth_outcome(person_id: int, referral_id: int) -> Any:
    person = found_or_abort(youth.person_for(current_user, person_id), YoungPerson, person_id)
    referral = youth.referral_for(person, referral_id)
    if referral is None:
        abort(404)
    form = OutcomeForm(referred_on=referral.referred_on)
    if not form.validate_on_submit():
        form_failed()
        return _render_person(person, outcome=(referral.id, form)), 400
    youth.record_outcome(referral, form.outcome.data or "pending", form.outcome_on.data)
    if referral.outcome == "placed":
        flash(
            _(
                "Placed: %(name)s is now recorded as %(status)s.",
                name=person.full_name,
                status=label(labels.YOUTH_STATUS, person.status).lower(),
            ),
            "success",
        )
    else:
        flash(_("The outcome is recorded."), "success")
    return redirect(url_for("prevention_work.youth_person", person_id=person.id, _anchor="referrals"))


@blueprint.route("/youth/<int:person_id>/activities", methods=["POST"])
@roles_required(*WORK_ROLES)
def youth_activity(person_id: int) -> Any:
    person = found_or_abort(youth.person_for(current_user, person_id), YoungPerson, person_id)
    form = ActivityForm()
    if not form.validate_on_submit():
        form_failed()
        return _render_person(person, activity_form=form), 400
    assert form.occurred_on.data is not None
    youth.add_activity(
        current_user,
        person,
        kind=form.kind.data or "other",
        occurred_on=form.occurred_on.data,
        note=form.note.data or "",
    )
    flash(_("The activity is logged."), "success")
    return redirect(url_for("prevention_work.youth_person", person_id=person.id, _anchor="activities"))
