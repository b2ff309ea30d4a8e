"""Public notice pages (no log-in): subscribe with a phone, confirm the code, unsubscribe with the
link from a message, and a mahalla's current notices."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.cooperation.notices import service, subscriptions
from webapp.cooperation.notices.forms import SubscribeForm, UnsubscribeForm
from webapp.cooperation.notices.routes import attachment_response, blueprint
from webapp.extensions import db
from webapp.intake.public.forms import ConfirmCodeForm
from webapp.intake.public.limits import subscription_limit
from webapp.intake.public.service import mahalla_choices
from webapp.platform.territory.models import Mahalla

SUBSCRIPTION_KEY = "notice_subscription"  # the token of this browser's pending subscription


@blueprint.route("/ogohlantirishlar/obuna", methods=["GET", "POST"])
@subscription_limit
def subscribe() -> Any:
    choices = mahalla_choices()
    form = SubscribeForm()
    if form.validate_on_submit():
        mahallas = subscriptions.mahallas_by_code(form.mahallas.data or [])
        if not mahallas:
            form.mahallas.errors = [_("Choose at least one mahalla.")]
        else:
            token = subscriptions.request_subscription(
                form.phone.data or "", form.email.data or "", str(get_locale() or "uz"), mahallas
            )
            if token is None:
                flash(_("This phone has asked for too many codes today. Please try again tomorrow."), "warning")
            else:
                session[SUBSCRIPTION_KEY] = token
                return redirect(url_for("notices.confirm_subscription"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("public/subscribe.html", form=form, mahallas=choices), (422 if form.errors else 200)


@blueprint.route("/ogohlantirishlar/obuna/tasdiqlash", methods=["GET", "POST"])
@subscription_limit
def confirm_subscription() -> Any:
    token = session.get(SUBSCRIPTION_KEY)
    if not isinstance(token, str):
        return redirect(url_for("notices.subscribe"))
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        subscriber = subscriptions.confirm_subscription(token, (form.confirmation.data or "").strip())
        if subscriber is not None:
            session.pop(SUBSCRIPTION_KEY, None)
            names = ", ".join(m.name for m in subscriber.mahallas)
            flash(_("You are subscribed to the prevention notices of %(mahallas)s.", mahallas=names), "success")
            return redirect(url_for("public.front_door"))
        form.confirmation.errors = [_("This confirmation code is wrong or has expired.")]
    page = render_template(
        "public/confirm_code.html",
        form=form,
        action=url_for("notices.confirm_subscription"),
        intro=_("An SMS with a 6-digit code is on its way to your phone. It is valid for 15 minutes."),
        button=_("Confirm the subscription"),
        restart=url_for("notices.subscribe"),
    )
    return page, (422 if form.errors else 200)


@blueprint.route("/ogohlantirishlar/bekor/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """The link in every message: a page with one button (link previews do not unsubscribe)."""
    subscriber = subscriptions.active_by_token(token)
    form = UnsubscribeForm()
    if subscriber is None:
        return render_template("public/unsubscribe.html", form=form, subscriber=None, done=False), 404
    if form.validate_on_submit():
        subscriptions.unsubscribe(subscriber)
        return render_template("public/unsubscribe.html", form=form, subscriber=None, done=True)
    return render_template("public/unsubscribe.html", form=form, subscriber=subscriber, done=False)


@blueprint.route("/mahalla/<code>/ogohlantirishlar")
def mahalla_notices(code: str) -> Any:
    mahalla = db.session.scalar(select(Mahalla).where(Mahalla.code == code[:20]))
    if mahalla is None:
        abort(404)
    return render_template("public/mahalla_notices.html", mahalla=mahalla, notices=service.current_notices(mahalla))


@blueprint.route("/mahalla/<code>/ogohlantirishlar/<int:notice_id>/fayl")
def public_notice_attachment(code: str, notice_id: int) -> Any:
    """The file of a notice the mahalla's page shows; any other notice answers 404."""
    mahalla = db.session.scalar(select(Mahalla).where(Mahalla.code == code[:20]))
    notice = service.public_notice(mahalla, notice_id) if mahalla is not None else None
    if notice is None:
        abort(404)
    return attachment_response(notice)
