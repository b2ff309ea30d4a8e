"""Webhook subscriptions through the API (administrators only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.api.openapi import operation
from webapp.api.routes import _json_body, _pydantic_errors, blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.errors import NotFoundError
from webapp.platform.auth.models import Role
from webapp.platform.webhooks import service
from webapp.platform.webhooks.models import WebhookSubscription


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=service.MAX_URL, description="http:// or https:// receiver")
    events: list[str] = Field(
        min_length=1, max_length=len(service.EVENT_TYPES), description=", ".join(service.EVENT_TYPES)
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: dt.datetime


class CreatedWebhookOut(WebhookOut):
    secret: str = Field(description="the HMAC-SHA256 key, shown only in this answer")


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


def _out(item: WebhookSubscription) -> dict[str, Any]:
    return {"id": item.id, "url": item.url, "events": list(item.events), "created_at": item.created_at.isoformat()}


def _admin_only() -> Any:
    if not g.api_user.has_role(Role.ADMIN.value):
        return error(403, _("Only an administrator may manage webhooks."))
    return None


MESSAGES = {
    "invalid_url": lambda: _("Enter an http:// or https:// address."),
    "invalid_events": lambda: _("Choose at least one event."),
    "too_many": lambda: _("There are too many subscriptions; remove one first."),
}


@blueprint.route("/webhooks", methods=["POST"])
@operation(
    summary="Subscribe a URL to appeal events (administrators)",
    tag="webhooks",
    request=WebhookIn,
    responses={
        201: ("Subscribed; the answer carries the signing secret once", CreatedWebhookOut),
        400: ("Malformed JSON", ErrorOut),
        403: ("Not an administrator", ErrorOut),
        422: ("Invalid url or events", ErrorOut),
    },
)
def create_webhook() -> Any:
    if (refused := _admin_only()) is not None:
        return refused
    body = _json_body()
    if not isinstance(body, dict):
        return body
    try:
        data = WebhookIn.model_validate(body)
        created = service.subscribe(g.api_user, data.url, data.events)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), _pydantic_errors(exc))
    except service.SubscriptionRefused as bad:
        field = {"field": bad.field, "code": bad.code, "message": MESSAGES[bad.code]()}
        return error(422, _("Some fields are not valid."), [field])
    response = jsonify({**_out(created), "secret": created.secret})
    response.status_code = 201
    return response


@blueprint.route("/webhooks", methods=["GET"])
@operation(
    summary="The webhook subscriptions (administrators)",
    tag="webhooks",
    responses={200: ("Subscriptions", WebhookList), 403: ("Not an administrator", ErrorOut)},
)
def list_webhooks() -> Any:
    if (refused := _admin_only()) is not None:
        return refused
    return jsonify({"webhooks": [_out(s) for s in service.active_subscriptions()]})


@blueprint.route("/webhooks/<int:webhook_id>", methods=["DELETE"])
@operation(
    summary="Remove a subscription (administrators)",
    tag="webhooks",
    responses={204: ("Removed", None), 403: ("Not an administrator", ErrorOut), 404: ("Unknown", ErrorOut)},
)
def delete_webhook(webhook_id: int) -> Any:
    if (refused := _admin_only()) is not None:
        return refused
    found = service.subscription(webhook_id)
    if found is None:
        raise NotFoundError()
    service.unsubscribe(found)
    return "", 204
