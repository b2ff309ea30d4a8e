"""Territory pages for admins: /admin/territories (browse, search), create and edit a unit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import Field
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from webapp.admin.territories import service
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import Id, Page, QueryModel, query
from webapp.platform.territory.models import UnitStatus

blueprint = Blueprint("territories", __name__)

STATUS_LABELS = {
    UnitStatus.ACTIVE: _l("Active"),
    UnitStatus.MERGED: _l("Merged"),
    UnitStatus.RENAMED: _l("Renamed"),
    UnitStatus.ABOLISHED: _l("Abolished"),
}
REFUSALS = {
    "bad_code": _l("Use 1 to 20 Latin letters, digits, dots, hyphens or underscores."),
    "code_taken": _l("This code is taken."),
    "bad_name": _l("Enter the name (200 characters at most)."),
    "bad_status": _l("Choose a status."),
    "parent_required": _l("Choose where this unit belongs."),
}


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the code.")), Length(max=20)])
    name = StringField(_l("Name (Uzbek, Latin)"), validators=[InputRequired(_l("Enter the name.")), Length(max=200)])
    name_cyrl = StringField(_l("Name (Uzbek, Cyrillic)"), validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), default=UnitStatus.ACTIVE)
    parent = SelectField(_l("Belongs to"), coerce=int, default=0)


class TerritoryListArgs(QueryModel):
    district: Id | None = None
    q: str = Field("", max_length=80)
    page: Page = 1


class NewUnitArgs(QueryModel):
    parent: Id | None = None  # the unit a new one belongs to, chosen on the list


@blueprint.route("/admin/territories")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    args = query(TerritoryListArgs)
    return render_template(
        "admin/territories.html",
        regions=service.regions(),
        districts=service.districts(),
        page=service.mahalla_page(q=args.q, district_id=args.district, page=args.page),
        q=args.q,
        district_id=args.district,
        query=args.link_args("page"),
        status_labels=STATUS_LABELS,
    )


def _form(level: str, item: Any) -> UnitForm:
    data = None
    if item is not None and request.method == "GET":
        data = {
            **service.view(item),
            "parent": getattr(item, service.PARENT[level][0], 0) if level in service.PARENT else 0,
        }
    form = UnitForm(data=data)
    form.status.choices = [SelectChoice(code, str(label)) for code, label in STATUS_LABELS.items()]
    if level == "district":
        form.parent.choices = [SelectChoice(r.id, f"{r.name} ({r.code})") for r in service.regions()]
    elif level == "mahalla":
        form.parent.choices = [SelectChoice(d.id, f"{d.name} ({d.code})") for d in service.districts()]
    else:
        form.parent.choices = [SelectChoice(0, "—")]
    if item is None and request.method == "GET":
        parent = query(NewUnitArgs).parent
        if parent is not None:
            form.parent.data = parent
    return form


@blueprint.route("/admin/territories/<level>/new", methods=["GET", "POST"])
@blueprint.route("/admin/territories/<level>/<int:unit_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def edit(level: str, unit_id: int | None = None) -> Any:
    if level not in service.LEVELS:
        abort(404)
    item = service.unit(level, unit_id) if unit_id is not None else None
    if unit_id is not None and item is None:
        abort(404)
    form = _form(level, item)
    if form.validate_on_submit():
        data = service.UnitData(
            code=form.code.data or "",
            name=form.name.data or "",
            name_cyrl=form.name_cyrl.data or "",
            name_ru=form.name_ru.data or "",
            status=form.status.data or UnitStatus.ACTIVE,
            parent_id=form.parent.data or None,
        )
        try:
            saved = service.save(current_user, level, data, item)
        except service.UnitRefused as refused:
            getattr(form, refused.field or "code").errors = [str(REFUSALS.get(refused.code, refused.code))]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("territories.edit", level=level, unit_id=saved.id))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("admin/territory_form.html", form=form, level=level, item=item)
