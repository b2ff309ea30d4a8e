"""Queue notifications in the outbox (same transaction as the action that causes them)."""

from __future__ import annotations

from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage


def queue_message(
    appeal: Appeal | None,
    channel: str,
    recipient: str,
    body: str,
    *,
    subject: str = "",
    document_id: int | None = None,
) -> OutboxMessage | None:
    """Add an email or SMS to the outbox; None when there is nobody to send it to."""
    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient.strip():
        return None
    message = OutboxMessage(
        appeal_id=appeal.id if appeal else None,
        channel=channel,
        recipient=recipient.strip(),
        subject=subject,
        body=body,
        document_id=document_id,
    )
    db.session.add(message)
    return message


def notify_applicant(appeal: Appeal, subject: str, body: str, *, document_id: int | None = None) -> list[OutboxMessage]:
    """Tell the applicant by every channel we have for them (email and/or SMS)."""
    queued = [
        queue_message(appeal, "email", appeal.applicant_email, body, subject=subject, document_id=document_id),
        queue_message(appeal, "sms", appeal.applicant_phone, f"{subject}: {body}"[:480]),
    ]
    return [m for m in queued if m is not None]
