"""The outbox page (administrators): every e-mail and SMS with its status; resend and cancel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.notifications import outbox
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.service import masked

blueprint = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

CHANNEL_LABELS = {"email": _l("E-mail"), "sms": _l("SMS")}
STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sent": _l("Sent"),
    "stored": _l("Stored (not sent)"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}
REFUSALS = {
    "not_resendable": _l("Only a delivered, failed or cancelled message can be sent again."),
    "secrets_erased": _l(
        "This message held a secret (a code or link) that was erased after delivery; it cannot be sent again."
    ),
    "not_pending": _l("Only a message that is waiting can be cancelled."),
}


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    channel = SelectField(_l("Delivery channel"), default="")
    status = SelectField(_l("Status"), default="")
    recipient = StringField(_l("Recipient"), validators=[Optional(), Length(max=200)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [SelectChoice("", str(_l("All")))]
        self.channel.choices = every + [SelectChoice(k, str(v)) for k, v in CHANNEL_LABELS.items()]
        self.status.choices = every + [SelectChoice(k, str(v)) for k, v in STATUS_LABELS.items()]


class ActionForm(FlaskForm):
    pass


def _message_or_404(message_id: int) -> OutboxMessage:
    found = outbox.message(message_id=message_id)
    if found is None:
        abort(404)
    return found


@blueprint.app_template_filter("outbox_masked")
def outbox_masked(text: str, message: OutboxMessage) -> str:
    return masked(text, message.secrets)


@blueprint.app_context_processor
def outbox_labels() -> dict[str, Any]:
    return {"outbox_channels": CHANNEL_LABELS, "outbox_statuses": STATUS_LABELS}


@blueprint.route("")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    form = FilterForm(request.args)
    valid = form.validate()
    filters = outbox.Filters()
    if valid:
        filters = outbox.Filters(
            channel=form.channel.data or "",
            status=form.status.data or "",
            recipient=form.recipient.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = outbox.messages(filters=filters, page=request.args.get("page", 1, type=int) or 1)
    query = {key: value for key, value in request.args.items() if value and key != "page"}
    return render_template(
        "outbox/index.html", form=form, page=page, query=query, counts=outbox.counts_by_status(), valid=valid
    )


@blueprint.route("/<int:message_id>")
@roles_required(Role.ADMIN.value)
def show(message_id: int) -> Any:
    found = _message_or_404(message_id)
    return render_template(
        "outbox/message.html",
        message=found,
        attachments=outbox.attachments(outbox_message=found),
        action_form=ActionForm(),
    )


def _act(message_id: int, action: Any, done: str) -> Any:
    found = _message_or_404(message_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(outbox_message=found)
    except outbox.OutboxRefused as refused:
        flash(str(REFUSALS[refused.code]), "danger")
    else:
        flash(done, "success")
    return redirect(url_for("outbox.show", message_id=message_id))


@blueprint.route("/<int:message_id>/resend", methods=["POST"])
@roles_required(Role.ADMIN.value)
def resend(message_id: int) -> Any:
    return _act(message_id, outbox.resend, _("The message is queued to be sent again."))


@blueprint.route("/<int:message_id>/cancel", methods=["POST"])
@roles_required(Role.ADMIN.value)
def cancel(message_id: int) -> Any:
    return _act(message_id, outbox.cancel, _("The message was cancelled."))
