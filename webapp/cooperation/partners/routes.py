"""Partner organisations for admins: /admin/partners (list by district), create and edit one.
Their staff are people of the ``partner`` role, managed on the people pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from webapp.cooperation.partners import service
from webapp.cooperation.partners.models import PartnerKind, PartnerOrganisation
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import Id, QueryModel, query

blueprint = Blueprint("partners", __name__)

KIND_LABELS = {
    PartnerKind.POLICE: _l("Police (internal affairs)"),
    PartnerKind.SOCIAL_PROTECTION: _l("Social protection"),
    PartnerKind.HEALTH: _l("Health facility"),
    PartnerKind.YOUTH_AGENCY: _l("Youth affairs agency"),
    PartnerKind.WOMENS_COMMITTEE: _l("Women's committee"),
    PartnerKind.MAHALLA_ASSEMBLY: _l("Mahalla citizens' assembly"),
}
REFUSALS = {
    "bad_name": _l("Enter the name (200 characters at most)."),
    "bad_kind": _l("Choose the kind of organisation."),
    "district_required": _l("Choose the district."),
    "mahalla_required": _l("Choose the mahalla of this assembly (in the same district)."),
    "bad_email": _l("Enter a valid e-mail address."),
    "bad_phone": _l("Enter the phone number (30 characters at most)."),
}


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name.")), Length(max=200)])
    kind = SelectField(_l("Kind"))
    district = SelectField(_l("District"), coerce=int, default=0)
    mahalla = SelectField(_l("Mahalla (citizens' assemblies only)"), coerce=int, default=0)
    email = EmailField(_l("E-mail for notices"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone for SMS notices"), validators=[Optional(), Length(max=30)])
    active = BooleanField(_l("Active (receives referrals)"), default=True)


class PartnerListArgs(QueryModel):
    district: Id | None = None


@blueprint.route("/admin/partners")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    district = query(PartnerListArgs).district
    return render_template(
        "partners/index.html",
        items=service.organisations(district_id=district),
        districts=service.districts(),
        district_id=district,
        kind_labels=KIND_LABELS,
    )


def _form(item: PartnerOrganisation | None) -> OrganisationForm:
    data = None
    if item is not None and request.method == "GET":
        data = {
            "name": item.name,
            "kind": item.kind,
            "district": item.district_id,
            "mahalla": item.mahalla_id or 0,
            "email": item.email or "",
            "phone": item.phone or "",
            "active": item.active,
        }
    form = OrganisationForm(data=data)
    form.kind.choices = [SelectChoice(k.value, str(label)) for k, label in KIND_LABELS.items()]
    none = [SelectChoice(0, "—")]
    form.district.choices = none + [SelectChoice(d.id, f"{d.name} ({d.code})") for d in service.districts()]
    form.mahalla.choices = none + [SelectChoice(m.id, f"{m.name} ({m.code})") for m in service.mahallas()]
    return form


@blueprint.route("/admin/partners/new", methods=["GET", "POST"])
@blueprint.route("/admin/partners/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def edit(organisation_id: int | None = None) -> Any:
    item = service.organisation(organisation_id) if organisation_id is not None else None
    if organisation_id is not None and item is None:
        abort(404)
    form = _form(item)
    if form.validate_on_submit():
        data = service.OrganisationData(
            name=form.name.data or "",
            kind=form.kind.data or "",
            district_id=form.district.data or 0,
            mahalla_id=form.mahalla.data or None,
            email=form.email.data or "",
            phone=form.phone.data or "",
            active=bool(form.active.data),
        )
        try:
            saved = service.save_organisation(current_user, item, data)
        except service.PartnerRefused as refused:
            getattr(form, refused.field or "name").errors = [str(REFUSALS.get(refused.code, refused.code))]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("partners.edit", organisation_id=saved.id))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    staff = service.staff_of(item.id) if item is not None else []
    return render_template("partners/form.html", form=form, item=item, staff=staff)


@blueprint.route("/partner")
@roles_required(PARTNER, MAHALLA_CHAIR)
def home() -> Any:
    """The start page of partner staff and mahalla chairs: whom they work for."""
    organisation_id = service.organisation_id_of(current_user)
    item = service.organisation(organisation_id) if organisation_id is not None else None
    return render_template("partners/home.html", item=item, kind_labels=KIND_LABELS)
