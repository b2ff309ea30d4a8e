"""Subscriptions, the deliveries they cause, sending one delivery, re-sending.

A delivery is an outbox message (channel ``webhook``) queued in the transaction that writes the
case event, so it exists exactly when the change does; the outbox sender posts it, signed at
sending time, and retries with the outbox's back-off until it is accepted (2xx) or fails for good.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from webapp.cases.hooks import on_case_events
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage, OutboxStatus
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.webhooks.models import WebhookSubscription
from webapp.platform.webhooks.signing import HEADER, signature
from webapp.platform.write_batch import insert_rows

EVENT_TYPES = (
    "appeal.registered",
    "appeal.stage_changed",
    "appeal.forwarded",
    "appeal.extended",
    "appeal.answered",
    "appeal.overdue",
    "appeal.reopened",
    "appeal.closed",
)
MAX_URL = 500
MAX_SUBSCRIPTIONS = 100
OVERDUE_TASK = "review_overdue_case"
REOPEN_MESSAGE = "citizen_dissatisfied"
CHANNEL = "webhook"


class SubscriptionRefused(ValueError):
    def __init__(self, field: str, code: str) -> None:
        super().__init__(code)
        self.field = field
        self.code = code


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionRefused("url", "invalid_url")
    return url


def subscribe(actor: User, url: str, events: list[str]) -> WebhookSubscription:
    """A new subscription with a fresh secret (shown to the admin once, in the answer); commits."""
    url = check_url(url)
    chosen = sorted(set(events))
    if not chosen or any(event not in EVENT_TYPES for event in chosen):
        raise SubscriptionRefused("events", "invalid_events")
    if len(active_subscriptions()) >= MAX_SUBSCRIPTIONS:
        raise SubscriptionRefused("url", "too_many")
    subscription = WebhookSubscription(
        url=url, events=chosen, secret=secrets.token_hex(32), created_by_id=actor.id, created_at=utcnow()
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription


def active_subscriptions() -> list[WebhookSubscription]:
    return list(
        db.session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.deleted_at.is_(None)).order_by(WebhookSubscription.id)
        )
    )


def subscription(subscription_id: int) -> WebhookSubscription | None:
    found = db.session.get(WebhookSubscription, subscription_id)
    return found if found is not None and found.deleted_at is None else None


def unsubscribe(found: WebhookSubscription) -> None:
    """Stop the subscription; queued deliveries stay visible (and fail: nothing signs them)."""
    found.deleted_at = utcnow()
    db.session.commit()


# --- from case events to deliveries -----------------------------------------------------------


def event_types(row: Mapping[str, Any]) -> list[str]:
    """The webhook event types one case-event row stands for."""
    kind, data = row["kind"], row.get("data") or {}
    if kind == "registered":
        return ["appeal.registered"]
    if kind == "status_changed":
        found = ["appeal.stage_changed"] if "to_stage" in data else []
        if data.get("to_status") == "answered":
            found.append("appeal.answered")
        return found
    if kind == "forwarding_notice":
        return ["appeal.forwarded"]
    if kind == "deadline_extended":
        return ["appeal.extended"]
    if kind == "task_created" and row.get("task_name") == OVERDUE_TASK:
        return ["appeal.overdue"]
    if (kind == "message_received" and data.get("message") == REOPEN_MESSAGE) or kind == "reopened_as":
        return ["appeal.reopened"]
    if kind == "case_closed":
        return ["appeal.closed"]
    return []


PUBLISHED_DATA = ("from_stage", "to_stage", "from_status", "to_status", "competent_body", "until", "previous", "appeal")


def _appeal_summary(appeal_id: int) -> dict[str, Any] | None:
    row = db.session.execute(
        select(
            Appeal.number,
            Appeal.status,
            Appeal.stage,
            Appeal.kind,
            Appeal.category,
            Appeal.deadline,
            Appeal.is_open,
            Mahalla.code,
        )
        .join(Mahalla, Mahalla.id == Appeal.mahalla_id)
        .where(Appeal.id == appeal_id)
    ).one_or_none()
    if row is None:
        return None
    number, status, stage, kind, category, deadline, is_open, mahalla = row
    return {
        "number": number,
        "status": status,
        "stage": stage,
        "kind": kind,
        "category": category,
        "mahalla": mahalla,
        "deadline": deadline.isoformat(),
        "is_open": is_open,
    }


@on_case_events
def queue_deliveries(rows: list[dict[str, Any]]) -> None:
    """Queue one outbox delivery per subscription and matching event (in the writer's transaction)."""
    wanted = [(row, kind) for row in rows for kind in event_types(row)]
    if not wanted:
        return
    subscriptions = active_subscriptions()
    if not subscriptions:
        return
    messages = []
    summaries: dict[int, dict[str, Any] | None] = {}
    for row, kind in wanted:
        appeal_id = row["appeal_id"]
        if appeal_id not in summaries:
            summaries[appeal_id] = _appeal_summary(appeal_id)
        summary = summaries[appeal_id]
        if summary is None:
            continue
        data = {k: v for k, v in (row.get("data") or {}).items() if k in PUBLISHED_DATA}
        occurred = as_utc(row["occurred_at"]).isoformat()
        for sub in subscriptions:
            if kind not in sub.events:
                continue
            payload = {"id": str(uuid.uuid4()), "type": kind, "occurred_at": occurred, "appeal": summary, "data": data}
            messages.append(
                {
                    "appeal_id": appeal_id,
                    "channel": CHANNEL,
                    "recipient": sub.url,
                    "subject": kind,
                    "body": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                    "webhook_id": sub.id,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "last_error": "",
                    "next_attempt_at": utcnow(),
                    "created_at": utcnow(),
                }
            )
    if messages:
        insert_rows(OutboxMessage.__table__, messages)


# --- sending ----------------------------------------------------------------------------------


class DeliveryFailed(Exception):
    """The receiver did not accept the delivery (no 2xx answer)."""


def deliver(message: OutboxMessage, config: Mapping[str, Any], now: dt.datetime) -> None:
    """POST the delivery, signed now; DeliveryFailed unless the receiver answers 2xx."""
    found = subscription(message.webhook_id) if message.webhook_id is not None else None
    if found is None:
        raise DeliveryFailed("the subscription was removed")
    body = message.body.encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked when subscribing
        message.recipient,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Mahalla-Webhooks/1",
            "X-Mahalla-Event": message.subject,
            HEADER: signature(found.secret, int(now.timestamp()), body),
        },
    )
    timeout = float(config.get("WEBHOOK_TIMEOUT") or 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")


def deliveries(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == CHANNEL)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def delivery(message_id: int) -> OutboxMessage | None:
    found = db.session.get(OutboxMessage, message_id)
    return found if found is not None and found.channel == CHANNEL else None


def resend(message: OutboxMessage) -> None:
    """Queue the delivery again from the start (a new round of attempts); commits."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.last_error = ""
    message.next_attempt_at = utcnow()
    db.session.commit()
