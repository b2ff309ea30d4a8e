"""The outbox as staff see it: a filtered list, one message, resend and cancel (queries only here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.files import document_filename
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage, OutboxStatus
from webapp.platform.notifications.sender import erase_secrets
from webapp.platform.pagination import Page, paginate
from webapp.platform.timeutil import utcnow

STATUSES = tuple(OutboxStatus)
RESENDABLE = (OutboxStatus.SENT, OutboxStatus.STORED, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


class OutboxRefused(Exception):
    """The action does not apply to this message; ``code`` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Filters:
    channel: str = ""
    status: str = ""
    recipient: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    size: int


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _filtered(filters: Filters) -> Select[tuple[OutboxMessage]]:
    query = select(OutboxMessage)
    if filters.channel:
        query = query.where(OutboxMessage.channel == filters.channel)
    if filters.status:
        query = query.where(OutboxMessage.status == filters.status)
    if filters.recipient:
        query = query.where(OutboxMessage.recipient.contains(filters.recipient.strip(), autoescape=True))
    if filters.date_from:
        query = query.where(OutboxMessage.created_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(OutboxMessage.created_at < _day_start(filters.date_to + dt.timedelta(days=1)))
    return query


def messages(*, filters: Filters, page: int) -> Page:
    """Newest first, a page at a time."""
    return paginate(_filtered(filters).order_by(OutboxMessage.id.desc()), page)


def counts_by_status() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: int(count) for status, count in rows}


def message(*, message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def attachments(*, outbox_message: OutboxMessage) -> list[AttachmentInfo]:
    if outbox_message.document_id is None:
        return []
    row = db.session.execute(
        select(Document.kind, Appeal.number, func.length(Document.pdf))
        .join(Appeal, Appeal.id == Document.appeal_id)
        .where(Document.id == outbox_message.document_id)
    ).one_or_none()
    if row is None:
        return []
    return [AttachmentInfo(document_filename(row.number, row.kind), int(row[2] or 0))]


def resend(*, outbox_message: OutboxMessage) -> None:
    """Queue a delivered, failed or cancelled message again (now); its secrets must still be there."""
    if outbox_message.status not in RESENDABLE:
        raise OutboxRefused("not_resendable")
    if outbox_message.secrets and any(value is None for value in outbox_message.secrets.values()):
        raise OutboxRefused("secrets_erased")
    outbox_message.status = OutboxStatus.PENDING
    outbox_message.next_attempt_at = utcnow()
    db.session.commit()


def cancel(*, outbox_message: OutboxMessage) -> None:
    """Stop a message that is waiting to be sent; its secrets are erased (it will never be sent)."""
    if outbox_message.status != OutboxStatus.PENDING:
        raise OutboxRefused("not_pending")
    outbox_message.status = OutboxStatus.CANCELLED
    erase_secrets(outbox_message)
    db.session.commit()
