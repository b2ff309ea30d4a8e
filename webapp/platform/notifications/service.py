"""Queue notifications in the outbox (same transaction as the action that causes them).

Secrets (access codes, one-time codes, reset links) travel beside the text, never inside it:
``queue_message(..., body="Kod: {code}", secrets={"code": "493817"})`` stores the body with the
placeholder and the value apart; the sender substitutes it at delivery time and erases the value
once the message is delivered. A secret value written straight into the text is replaced by its
placeholder when queued, so either style keeps it out of the stored text. The outbox page shows
the placeholders masked (``masked``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage

CHANNELS = ("email", "sms")
SECRET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_SECRET_LENGTH = 2000
MASK = "••••••"


def placeholder(name: str) -> str:
    return "{" + name + "}"


def _checked_secrets(secrets: Mapping[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in (secrets or {}).items():
        if not isinstance(name, str) or not SECRET_NAME.match(name):
            raise ValueError(f"secret name {name!r}: lower-case letters, digits and _ only")
        if not isinstance(value, str) or not value or len(value) > MAX_SECRET_LENGTH:
            raise ValueError(f"secret {name!r}: a non-empty string of at most {MAX_SECRET_LENGTH} characters")
        checked[name] = value
    return checked


def _without_values(text: str, secrets: Mapping[str, str]) -> str:
    # Longest values first, so a value that contains another is replaced whole.
    for name, value in sorted(secrets.items(), key=lambda item: -len(item[1])):
        text = text.replace(value, placeholder(name))
    return text


def substitute(text: str, secrets: Mapping[str, str | None] | None) -> str:
    """The text as delivered: each ``{name}`` of a secret replaced by its value."""
    for name, value in (secrets or {}).items():
        if value is None:
            raise ValueError(f"secret {name!r} was erased; the message cannot be delivered again")
        text = text.replace(placeholder(name), value)
    return text


def masked(text: str, secrets: Mapping[str, str | None] | None) -> str:
    """The text as staff see it: every secret placeholder masked."""
    for name in secrets or {}:
        text = text.replace(placeholder(name), MASK)
    return text


def queue_message(
    appeal: Appeal | None,
    channel: str,
    recipient: str,
    body: str,
    *,
    subject: str = "",
    document_id: int | None = None,
    secrets: Mapping[str, str] | None = None,
) -> OutboxMessage | None:
    """Add an email or SMS to the outbox; None when there is nobody to send it to.

    ``secrets`` maps placeholder names to values: ``{name}`` in ``subject``/``body`` is replaced by
    the value only when the message is delivered, and the value is erased from the database then.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient.strip():
        return None
    checked = _checked_secrets(secrets)
    subject, body = _without_values(subject, checked), _without_values(body, checked)
    for name in checked:
        if placeholder(name) not in subject and placeholder(name) not in body:
            raise ValueError(f"secret {name!r} is not used: put {placeholder(name)} in the subject or body")
    message = OutboxMessage(
        appeal_id=appeal.id if appeal else None,
        channel=channel,
        recipient=recipient.strip(),
        subject=subject,
        body=body,
        document_id=document_id,
        secrets=checked or None,
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
