"""The outbox sender job: deliver due e-mails and SMS, record the outcome, retry with backoff.

``send_due_messages`` runs in an app context (the CLI ``mahalla send-notifications`` or a worker).
Each message is claimed, sent and recorded in its own transaction; on PostgreSQL the claim is
``SELECT … FOR UPDATE SKIP LOCKED``, so parallel senders never pick the same message. A sent
message is never picked again. Delivery is at-least-once: a process killed between the SMTP
server's acceptance and the commit will send that one message again.

Where messages go: e-mail over SMTP when SMTP_HOST is set (or MAIL_BACKEND=smtp), else into the
local mailbox folder MAIL_DIR (status ``stored``: kept, not sent); SMS through SMS_GATEWAY, whose
default ``local`` stores them in the same folder. Secrets are substituted into the text only here,
and their values are erased from the row in the transaction that records the delivery.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.files import document_filename
from webapp.extensions import db
from webapp.platform.notifications.gateways import SmsGateway, gateway_from_config, gateway_name
from webapp.platform.notifications.mailbox import store_email
from webapp.platform.notifications.mailer import Attachment, build_email, send_email
from webapp.platform.notifications.models import OutboxMessage, OutboxStatus
from webapp.platform.notifications.service import substitute
from webapp.platform.observability.metrics import OUTBOX_DELIVERIES, OUTBOX_FAILURES
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.transaction import transaction
from webapp.platform.webhooks import service as webhooks

log = logging.getLogger("mahalla.outbox")

# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def _claim_next(now: dt.datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).first()


def _attachment(message: OutboxMessage) -> Attachment | None:
    if message.document_id is None:
        return None
    row = db.session.execute(
        select(Document.kind, Document.pdf, Appeal.number)
        .join(Appeal, Appeal.id == Document.appeal_id)
        .where(Document.id == message.document_id)
    ).one()
    return Attachment(document_filename(row.number, row.kind), bytes(row.pdf))


LOCAL = "local"


def mail_backend(config: Mapping[str, Any]) -> str:
    """``smtp`` or ``local``: MAIL_BACKEND when set, else SMTP only when SMTP_HOST is configured."""
    chosen = str(config.get("MAIL_BACKEND") or "")
    if chosen:
        return chosen
    return "smtp" if config.get("SMTP_HOST") else LOCAL


def _deliver(message: OutboxMessage, config: Mapping[str, Any], sms: SmsGateway, now: dt.datetime) -> str:
    """Deliver one message; return the backend it went to (``local`` when only stored)."""
    subject, body = substitute(message.subject, message.secrets), substitute(message.body, message.secrets)
    if message.channel == "email":
        email = build_email(config["MAIL_FROM"], message.recipient, subject, body, _attachment(message))
        backend = mail_backend(config)
        if backend == LOCAL:
            store_email(config["MAIL_DIR"], email)
        elif backend == "smtp":
            send_email(config, email)
        else:
            raise ValueError(f"unknown mail backend {backend!r} (MAIL_BACKEND); known: smtp, local")
        return backend
    if message.channel == "sms":
        sms.send(message.recipient, body)
        return gateway_name(config)
    if message.channel == "webhook":
        webhooks.deliver(message, config, now)
        return "webhook"
    raise ValueError(f"unknown channel {message.channel!r}")


def erase_secrets(message: OutboxMessage) -> None:
    """Forget the secret values (the names stay, so the page can still mask their placeholders)."""
    if message.secrets:
        message.secrets = dict.fromkeys(message.secrets)


def _record_delivery(message: OutboxMessage, via: str, now: dt.datetime) -> None:
    message.attempts = (message.attempts or 0) + 1
    message.status = OutboxStatus.STORED if via == LOCAL else OutboxStatus.SENT
    message.delivered_via = via
    message.sent_at = now
    message.last_error = ""
    erase_secrets(message)


def _record_failure(message: OutboxMessage, error: Exception, now: dt.datetime) -> str:
    message.attempts = (message.attempts or 0) + 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + BACKOFF[message.attempts - 1]
    return message.status


def send_due_messages(now: dt.datetime | None = None, limit: int = 100) -> SendReport:
    """Send up to ``limit`` pending messages whose time has come; commit after each one."""
    now = as_utc(now) if now is not None else utcnow()
    config = current_app.config
    report = SendReport()
    sms = gateway_from_config(config)
    for _ in range(limit):
        with transaction() as tx:
            message = _claim_next(now)
            if message is None:
                tx.rollback()
                break
            try:
                via = _deliver(message, config, sms, now)
            except Exception as error:
                status = _record_failure(message, error, now)
                OUTBOX_FAILURES.labels(message.channel).inc()
                log.warning("outbox message %s (%s) not sent: %s", message.id, message.channel, message.last_error)
                if status == OutboxStatus.FAILED:
                    report.failed += 1
                else:
                    report.retrying += 1
            else:
                _record_delivery(message, via, now)
                OUTBOX_DELIVERIES.labels(message.channel, via).inc()
                report.sent += 1
    return report
