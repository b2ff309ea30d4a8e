"""/admin/access: every active API token (revoke) and the Open311 client keys (issue, revoke)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from webapp.admin.access import service
from webapp.intake.open311 import service as open311
from webapp.platform.audit.service import record_now
from webapp.platform.auth import lockout, tokens
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.account import end_of_day
from webapp.platform.auth.models import Role
from webapp.platform.query_params import PageArgs, query

blueprint = Blueprint("access", __name__)


class Open311KeyForm(FlaskForm):
    name = StringField(_l("Client system"), validators=[InputRequired(_l("Name the client system.")), Length(max=100)])
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])


class ActionForm(FlaskForm):
    pass


class AddressForm(FlaskForm):
    address = StringField(_l("Address (IP)"), validators=[InputRequired(_l("Enter the address.")), Length(max=64)])


def _page(form: Open311KeyForm | None = None, new_key: str | None = None) -> Any:
    return render_template(
        "admin/access.html",
        tokens=service.active_tokens(query(PageArgs).page),
        clients=service.open311_clients(),
        form=form or Open311KeyForm(formdata=None),
        action=ActionForm(),
        address_form=AddressForm(formdata=None),
        new_key=new_key,
    )


@blueprint.route("/admin/access")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    return _page()


@blueprint.route("/admin/access/open311", methods=["POST"])
@roles_required(Role.ADMIN.value)
def issue_open311_key() -> Any:
    form = Open311KeyForm()
    if not form.validate_on_submit():
        return _page(form), 422
    try:
        key = open311.create_client(form.name.data or "", end_of_day(form.expires_on.data), current_user.id)
    except open311.ClientError:
        form.name.errors = [_("A client with this name exists.")]
        return _page(form), 422
    flash(_("Copy the key now: it is shown only once."), "warning")
    return _page(new_key=key)


@blueprint.route("/admin/access/open311/<int:client_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN.value)
def revoke_open311_key(client_id: int) -> Any:
    client = service.open311_client(client_id)
    if client is None or not ActionForm().validate_on_submit():
        abort(404)
    open311.revoke_client(client.name, current_user.id)
    flash(_("The key was revoked."), "success")
    return redirect(url_for("access.index"))


@blueprint.route("/admin/access/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN.value)
def revoke_token(token_id: int) -> Any:
    token = service.token(token_id)
    if token is None or not ActionForm().validate_on_submit():
        abort(404)
    tokens.revoke(token, current_user)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("access.index"))


@blueprint.route("/admin/access/unlock-address", methods=["POST"])
@roles_required(Role.ADMIN.value)
def unlock_address() -> Any:
    """Lift the sign-in lockout of an address (accounts are lifted on the person's page)."""
    form = AddressForm()
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "danger")
        return redirect(url_for("access.index"))
    address = (form.address.data or "").strip()
    lockout.lift_address(address)
    record_now("lockout_lifted", "address", address, actor_id=current_user.id)
    flash(_("The lockout was lifted."), "success")
    return redirect(url_for("access.index"))
