"""/admin/reference: competent bodies, law-enforcement and social-service partners per district,
holidays of the working calendar."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import field_validator
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from webapp.admin.reference import service
from webapp.admin.reference.models import ReferenceKind
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import QueryModel, one_of, query

blueprint = Blueprint("reference", __name__)

KIND_LABELS = {
    ReferenceKind.COMPETENT_BODY: _l("Competent bodies (forwarding)"),
    ReferenceKind.LAW_ENFORCEMENT: _l("Law-enforcement partners"),
    ReferenceKind.SOCIAL_SERVICE: _l("Social-service partners"),
    ReferenceKind.HOLIDAY: _l("Holidays (working calendar)"),
}
REFUSALS = {
    "bad_name": _l("Enter the name (300 characters at most)."),
    "day_required": _l("Enter the day of the holiday."),
    "bad_district": _l("Choose a district."),
    "bad_kind": _l("Choose a list."),
}


class ItemForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name.")), Length(max=300)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=300)])
    contact = StringField(_l("Contact (address, phone)"), validators=[Optional(), Length(max=300)])
    district = SelectField(_l("District"), coerce=int, default=0)
    day = DateField(_l("Day"), validators=[Optional()])
    active = BooleanField(_l("In use"), default=True)


class ReferenceArgs(QueryModel):
    kind: str = ReferenceKind.COMPETENT_BODY

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        return one_of("kind", value, ReferenceKind.ALL)


def _kind() -> str:
    return query(ReferenceArgs).kind


def _form(row: Any = None) -> ItemForm:
    data = None
    if row is not None and request.method == "GET":
        data = {
            "name": row.name,
            "name_ru": row.name_ru,
            "contact": row.contact,
            "district": row.district_id or 0,
            "day": row.day,
            "active": row.active,
        }
    form = ItemForm(data=data)
    form.district.choices = [SelectChoice(0, _("Every district"))] + [
        SelectChoice(d.id, d.name) for d in service.districts()
    ]
    return form


def _save(form: ItemForm, kind: str, row: Any = None) -> bool:
    data = service.ItemData(
        kind=kind,
        name=form.name.data or "",
        name_ru=form.name_ru.data or "",
        contact=form.contact.data or "",
        district_id=form.district.data or None,
        day=form.day.data,
        active=bool(form.active.data),
    )
    try:
        service.save(current_user, data, row)
    except service.ReferenceRefused as refused:
        getattr(form, refused.field if refused.field in ("name", "day", "district") else "name").errors = [
            str(REFUSALS.get(refused.code, refused.code))
        ]
        return False
    flash(_("Saved."), "success")
    return True


@blueprint.route("/admin/reference", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def index() -> Any:
    kind = _kind()
    form = _form()
    if form.validate_on_submit():
        if _save(form, kind):
            return redirect(url_for("reference.index", kind=kind))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template(
        "admin/reference.html", kind=kind, kinds=KIND_LABELS, rows=service.items(kind), form=form, editing=None
    )


@blueprint.route("/admin/reference/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def edit(item_id: int) -> Any:
    row = service.item(item_id)
    if row is None:
        abort(404)
    form = _form(row)
    if form.validate_on_submit():
        if _save(form, row.kind, row):
            return redirect(url_for("reference.index", kind=row.kind))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template(
        "admin/reference.html", kind=row.kind, kinds=KIND_LABELS, rows=service.items(row.kind), form=form, editing=row
    )
