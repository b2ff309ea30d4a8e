"""Log in, log out, choose the language."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from webapp.platform.auth.forms import LanguageForm, LoginForm
from webapp.platform.auth.service import authenticate, landing_endpoint, set_language

blueprint = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only follow local redirects (no open redirect through ?next=)."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return default


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = authenticate(form.username.data or "", form.password.data or "", request.remote_addr or "")
        user = attempt.user
        if attempt.lock.locked:
            form.password.errors = [
                _(
                    "Too many failed sign-ins. Try again in %(num)d minutes, or ask an administrator.",
                    num=attempt.lock.minutes_left,
                )
            ]
        elif user is None:
            form.password.errors = [_("Wrong username or password.")]
        else:
            language = str(session.get("lang", ""))
            session.clear()  # a fresh session at log-in (no session fixation)
            login_user(user)
            session["seen"] = time.time()
            if language in current_app.config["LANGUAGES"]:
                session["lang"] = language
                set_language(user, language)  # chosen on the log-in page: remember it
            return redirect(safe_next(form.next.data, url_for(landing_endpoint(user))))
    return render_template("auth/login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/language", methods=["POST"])
def language() -> Any:
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.language.data
        if current_user.is_authenticated:
            set_language(current_user, form.language.data)
    return redirect(safe_next(form.next.data, url_for("tasks.inbox")))
