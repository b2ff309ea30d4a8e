"""The administrator's webhooks page: subscribe a URL to events, remove it, watch and re-send deliveries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.webhooks import service

blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks")


class SubscriptionForm(FlaskForm):
    url = StringField(_l("Receiver URL"), validators=[InputRequired(), Length(max=service.MAX_URL)])
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(kind, kind) for kind in service.EVENT_TYPES],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[InputRequired(_l("Choose at least one event."))],
    )


class EmptyForm(FlaskForm):
    pass


REFUSALS = {
    "invalid_url": _l("Enter an http:// or https:// address."),
    "invalid_events": _l("Choose at least one event."),
    "too_many": _l("There are too many subscriptions; remove one first."),
}


@blueprint.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def index() -> Any:
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            created = service.subscribe(current_user, form.url.data or "", list(form.events.data or []))
        except service.SubscriptionRefused as refused:
            getattr(form, refused.field).errors = [str(REFUSALS[refused.code])]
        else:
            flash(_("Subscribed. The signing secret, shown only now: %(secret)s", secret=created.secret), "success")
            return redirect(url_for("webhooks.index"))
    return render_template(
        "webhooks/index.html",
        form=form,
        action_form=EmptyForm(),
        subscriptions=service.active_subscriptions(),
        deliveries=service.deliveries(),
    ), (422 if form.errors else 200)


@blueprint.route("/<int:subscription_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN.value)
def delete(subscription_id: int) -> Any:
    found = service.subscription(subscription_id)
    if found is None or not EmptyForm().validate_on_submit():
        abort(404)
    service.unsubscribe(found)
    flash(_("The subscription was removed."), "info")
    return redirect(url_for("webhooks.index"))


@blueprint.route("/deliveries/<int:message_id>/resend", methods=["POST"])
@roles_required(Role.ADMIN.value)
def resend(message_id: int) -> Any:
    found = service.delivery(message_id)
    if found is None or not EmptyForm().validate_on_submit():
        abort(404)
    service.resend(found)
    flash(_("The delivery will be sent again."), "info")
    return redirect(url_for("webhooks.index"))
