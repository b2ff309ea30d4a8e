"""Approved notices go to the confirmed subscribers of their mahallas through the outbox: an SMS
(and an e-mail when given) in the subscriber's language, each with the unsubscribe link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.cooperation.notices.models import (
    NoticeDelivery,
    NoticeSubscriber,
    PreventionNotice,
    notice_mahallas,
    subscriber_mahallas,
)
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage, OutboxStatus
from webapp.platform.notifications.service import queue_message

SMS_TEXT_LIMIT = 400


def unsubscribe_url(subscriber: NoticeSubscriber) -> str:
    if not has_request_context():
        return ""
    return url_for("notices.unsubscribe", token=subscriber.token, _external=True)


def active_subscribers(notice: PreventionNotice) -> list[NoticeSubscriber]:
    mahallas = select(notice_mahallas.c.mahalla_id).where(notice_mahallas.c.notice_id == notice.id)
    subscribed = select(subscriber_mahallas.c.subscriber_id).where(subscriber_mahallas.c.mahalla_id.in_(mahallas))
    return list(
        db.session.scalars(
            select(NoticeSubscriber)
            .where(
                NoticeSubscriber.id.in_(subscribed),
                NoticeSubscriber.confirmed_at.is_not(None),
                NoticeSubscriber.unsubscribed_at.is_(None),
            )
            .order_by(NoticeSubscriber.id)
        )
    )


def _texts(notice: PreventionNotice, subscriber: NoticeSubscriber) -> tuple[str, str, str]:
    """Subject, SMS body and e-mail body in the subscriber's language."""
    text = notice.text_ru if subscriber.locale == "ru" else notice.text_uz
    with force_locale(subscriber.locale):
        footer = _("Unsubscribe: %(url)s", url=unsubscribe_url(subscriber))
        valid = _("Valid until %(day)s.", day=notice.valid_until.strftime("%d.%m.%Y"))
    short = f"{notice.title}: {text}"
    if len(short) > SMS_TEXT_LIMIT:
        short = short[: SMS_TEXT_LIMIT - 1] + "…"
    return notice.title, f"{short}\n{footer}", f"{text}\n\n{valid}\n\n{footer}"


def queue_notice(notice: PreventionNotice) -> int:
    """Queue the notice to every active subscriber of its mahallas (in the caller's transaction)."""
    queued = 0
    for subscriber in active_subscribers(notice):
        subject, sms, email = _texts(notice, subscriber)
        for channel, recipient, body in (("sms", subscriber.phone, sms), ("email", subscriber.email, email)):
            message = queue_message(None, channel, recipient, body, subject=subject if channel == "email" else "")
            if message is None:
                continue
            db.session.flush()
            db.session.add(NoticeDelivery(message_id=message.id, notice_id=notice.id, subscriber_id=subscriber.id))
            queued += 1
    return queued


@dataclass(frozen=True)
class DeliveryFigures:
    queued: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed


# Outbox statuses as the author sees them: waiting, delivered (a gateway or the local mailbox), failed.
_BUCKETS: dict[str, str] = {
    OutboxStatus.PENDING: "queued",
    OutboxStatus.SENT: "sent",
    OutboxStatus.STORED: "sent",
    OutboxStatus.FAILED: "failed",
    OutboxStatus.CANCELLED: "failed",
}


def delivery_figures(notice_ids: list[int]) -> dict[int, DeliveryFigures]:
    if not notice_ids:
        return {}
    rows = db.session.execute(
        select(NoticeDelivery.notice_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.id == NoticeDelivery.message_id)
        .where(NoticeDelivery.notice_id.in_(notice_ids))
        .group_by(NoticeDelivery.notice_id, OutboxMessage.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for notice_id, status, count in rows:
        bucket = counts.setdefault(notice_id, {"queued": 0, "sent": 0, "failed": 0})
        bucket[_BUCKETS.get(status, "queued")] += int(count)
    return {notice_id: DeliveryFigures(**counts.get(notice_id, {})) for notice_id in notice_ids}
