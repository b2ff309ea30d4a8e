"""The reception protocol page for inspectors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.intake.reception.forms import ReceptionForm
from webapp.intake.reception.service import recent_receptions, record_reception
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.territory.service import mahallas_for_registration

blueprint = Blueprint("reception", __name__, url_prefix="/reception")


@blueprint.route("", methods=["GET", "POST"])
@roles_required(Role.INSPECTOR.value)
def index() -> Any:
    mahallas = mahallas_for_registration(current_user)
    form = ReceptionForm(mahallas=mahallas)
    if form.validate_on_submit():
        mahalla = next(m for m in mahallas if m.code == form.mahalla.data)
        record_reception(
            current_user,
            mahalla,
            citizen_name=form.citizen_name.data or "",
            residence=form.residence.data or "",
            summary=form.summary.data or "",
            result=form.result.data or "",
        )
        flash(_("Entered in the reception protocol."), "success")
        return redirect(url_for("reception.index"))
    if form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("reception/index.html", form=form, records=recent_receptions(current_user))
