"""The outbox page (administrators): every e-mail and SMS with its status; resend and cancel."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import Field
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.notifications import outbox
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.service import masked
from webapp.platform.query_params import IsoDate, Page, QueryModel, query

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


class OutboxArgs(QueryModel):
    """The outbox's filters (the FilterForm only draws them) and page; a bad one: BadParameter."""

    channel: Literal["email", "sms"] | None = None
    status: Literal["pending", "sent", "stored", "failed", "cancelled"] | None = None
    recipient: str = Field("", max_length=200)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    page: Page = 1

    def filters(self) -> outbox.Filters:
        return outbox.Filters(
            channel=self.channel or "",
            status=self.status or "",
            recipient=self.recipient,
            date_from=self.date_from,
            date_to=self.date_to,
        )


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
    args = query(OutboxArgs)
    filters = args.filters()
    form = FilterForm(formdata=None, data=dataclasses.asdict(filters))
    page = outbox.messages(filters=filters, page=args.page)
    return render_template(
        "outbox/index.html",
        form=form,
        page=page,
        query=args.link_args("page"),
        counts=outbox.counts_by_status(),
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
