"""A mahalla chair's read-only appeals (/chair/appeals) and the admin's choice of what chairs see
(/admin/chair-sharing)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import Field

from webapp.cooperation.chairs import service
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import QueryModel, query

blueprint = Blueprint("chairs", __name__)


class ChairListArgs(QueryModel):
    page: int = Field(1, ge=1, le=1000)


@blueprint.route("/chair/appeals")
@roles_required(MAHALLA_CHAIR)
def index() -> Any:
    page = query(ChairListArgs).page
    rows = service.chair_appeals(current_user, offset=(page - 1) * service.PAGE_SIZE, limit=service.PAGE_SIZE + 1)
    return render_template(
        "chairs/index.html",
        items=rows[: service.PAGE_SIZE],
        page=page,
        more=len(rows) > service.PAGE_SIZE,
        categories=service.shared_categories(),
    )


@blueprint.route("/chair/appeals/<number>")
@roles_required(MAHALLA_CHAIR)
def detail(number: str) -> Any:
    item = service.chair_appeal(current_user, number)
    if item is None:
        abort(404)
    return render_template("chairs/detail.html", item=item)


@blueprint.route("/admin/chair-sharing", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def sharing() -> Any:
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            service.save_shared_categories(current_user, request.form.getlist("categories"))
        except service.SharingRefused:
            flash(_("Choose categories from the list."), "danger")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("chairs.sharing"))
    elif form.is_submitted():
        flash(_("The form has expired; please try again."), "danger")
    return render_template(
        "chairs/sharing.html", form=form, shareable=service.SHAREABLE, chosen=set(service.shared_categories())
    )
