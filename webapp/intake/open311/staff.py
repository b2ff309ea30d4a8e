"""The staff pages of the Open311 triage queue: the waiting requests, and one request with the
two decisions — place it (mahalla of one's own territory, category, kind) or reject it with a
reason the client is shown. The rules are in ``webapp.intake.open311.triage``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.casework.appeals.models import CATEGORIES
from webapp.casework.appeals.runtime import StepFailed
from webapp.intake.open311 import triage
from webapp.platform import labels
from webapp.platform.auth.access import roles_required

blueprint = Blueprint("triage", __name__, url_prefix="/open311-triage")


class PlaceForm(FlaskForm):
    mahalla = SelectField(_l("Mahalla"), coerce=int, validators=[InputRequired()])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the applicant sees it)"), validators=[InputRequired(), Length(max=triage.MAX_REASON)]
    )


def _place_form(item: Any) -> PlaceForm:
    form = PlaceForm(prefix="place")
    form.mahalla.choices = [(m.id, m.name) for m in triage.mahallas_for(current_user)]
    form.category.choices = [(code, labels.label(labels.CATEGORY, code)) for code in CATEGORIES]
    form.kind.choices = [(kind, labels.label(labels.KIND, kind)) for kind in triage.KINDS]
    if not form.is_submitted():
        form.category.data = item.service_code if item.service_code in CATEGORIES else None
        form.kind.data = item.kind
    return form


def _pending(item_id: int) -> Any:
    item = triage.pending_item(current_user, item_id)
    if item is None:
        abort(404)
    return item


def _page(item: Any, place: PlaceForm, reject: RejectForm, status: int = 200) -> Any:
    return render_template("triage/item.html", item=item, place=place, reject=reject), status


@blueprint.route("")
@roles_required(*triage.TRIAGE_ROLES)
def index() -> Any:
    return render_template("triage/index.html", items=triage.pending())


@blueprint.route("/<int:item_id>")
@roles_required(*triage.TRIAGE_ROLES)
def item(item_id: int) -> Any:
    found = _pending(item_id)
    return _page(found, _place_form(found), RejectForm(prefix="reject"))


@blueprint.route("/<int:item_id>/place", methods=["POST"])
@roles_required(*triage.TRIAGE_ROLES)
def place(item_id: int) -> Any:
    found = _pending(item_id)
    form = _place_form(found)
    if form.validate_on_submit():
        try:
            appeal = triage.place(
                current_user, found, form.mahalla.data, form.category.data or "", form.kind.data or ""
            )
        except triage.Refused as refused:
            getattr(form, refused.field).errors = [str(triage.REFUSALS[refused.code])]
        except StepFailed:
            flash(_("The appeal procedure could not start; nothing was saved."), "danger")
        else:
            flash(_("Registered as appeal %(number)s.", number=appeal.number), "success")
            return redirect(url_for("triage.index"))
    return _page(found, form, RejectForm(prefix="reject"), 422)


@blueprint.route("/<int:item_id>/reject", methods=["POST"])
@roles_required(*triage.TRIAGE_ROLES)
def reject(item_id: int) -> Any:
    found = _pending(item_id)
    form = RejectForm(prefix="reject")
    if form.validate_on_submit():
        try:
            triage.reject(current_user, found, form.reason.data or "")
        except triage.Refused as refused:
            form.reason.errors = [str(triage.REFUSALS[refused.code])]
        else:
            flash(_("The request was rejected; the applicant is shown the reason."), "info")
            return redirect(url_for("triage.index"))
    return _page(found, _place_form(found), form, 422)
