"""The user's own account: change the password, manage their API tokens; the set-password link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from webapp.platform.auth import password_service, tokens
from webapp.platform.auth.forms import PasswordChangeForm, SetPasswordForm, TokenForm
from webapp.platform.auth.passwords import problem_message
from webapp.platform.timeutil import TASHKENT

blueprint = Blueprint("account", __name__)


def end_of_day(day: dt.date | None) -> dt.datetime | None:
    """A token expiring "on" a day stops working at the end of that day in Tashkent."""
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=TASHKENT).astimezone(dt.UTC)


def password_errors(refused: password_service.PasswordRefused) -> list[str]:
    return [_("The current password is wrong.") if c == "wrong_current" else problem_message(c) for c in refused.codes]


def _page(token_form: TokenForm | None = None, new_token: str | None = None) -> Any:
    return render_template(
        "account/index.html",
        tokens=tokens.tokens_of(current_user),
        token_form=token_form or TokenForm(formdata=None),
        new_token=new_token,
        revoke_form=TokenForm(formdata=None),
    )


@blueprint.route("/account")
@login_required
def index() -> Any:
    return _page()


@blueprint.route("/account/tokens", methods=["POST"])
@login_required
def create_token() -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form), 422
    try:
        token = tokens.issue(
            current_user,
            form.name.data or "",
            scope=form.scope.data or "full",
            expires_at=end_of_day(form.expires_on.data),
            actor=current_user,
        )
    except tokens.TokenRefused:
        abort(400)
    flash(_("Copy the token now: it is shown only once."), "warning")
    return _page(new_token=token)


@blueprint.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Any:
    token = tokens.token_of(current_user, token_id)
    if token is None:
        abort(404)
    tokens.revoke(token, current_user)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("account.index"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            password_service.change_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except password_service.PasswordRefused as refused:
            target = form.current_password if refused.field == "current_password" else form.new_password
            target.errors = password_errors(refused)
        else:
            flash(_("Your password was changed."), "success")
            return redirect(url_for("account.index"))
    return render_template("account/password.html", form=form, must=current_user.must_change_password)


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Any:
    found = password_service.link_user(token)
    if found is None:
        abort(404)
    link, user = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_service.set_with_link(link, user, form.new_password.data or "")
        except password_service.PasswordRefused as refused:
            form.new_password.errors = password_errors(refused)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("account/set_password.html", form=form, username=user.username)
