"""Residents subscribe with their phone: a one-time code by SMS confirms it; the token in every
message unsubscribes without a log-in.

Requests per phone are limited (``MAX_REQUESTS_PER_DAY``) besides the per-address limits on the
routes; a code expires after ``CONFIRMATION_MINUTES`` and allows ``MAX_ATTEMPTS`` tries. A new
confirmed subscription replaces the phone's earlier one (its mahallas are the latest choice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from webapp.cooperation.notices.models import NoticeSubscriber
from webapp.extensions import db
from webapp.intake.public.recovery import PHONE_DIGITS, phone_key
from webapp.platform.notifications.service import queue_message
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.transaction import transaction

CONFIRMATION_MINUTES = 15
MAX_ATTEMPTS = 5
MAX_REQUESTS_PER_DAY = 3


def _digest(token: str, code: str) -> str:
    return hashlib.sha256(f"{token}:{code.strip()}".encode()).hexdigest()


def mahallas_by_code(codes: list[str]) -> list[Mahalla]:
    wanted = {code.strip()[:20] for code in codes if code.strip()}
    if not wanted:
        return []
    return list(db.session.scalars(select(Mahalla).where(Mahalla.code.in_(wanted)).order_by(Mahalla.name)))


def request_subscription(
    phone: str, email: str, locale: str, mahallas: list[Mahalla], now: dt.datetime | None = None
) -> str | None:
    """Start a subscription and send the code; returns the token for the browser's session, or None
    when the phone has asked too often today. Commits."""
    now = now or utcnow()
    key = phone_key(phone)
    if len(key) < PHONE_DIGITS or not mahallas:
        return None
    recent = db.session.scalar(
        select(func.count())
        .select_from(NoticeSubscriber)
        .where(NoticeSubscriber.phone_key == key, NoticeSubscriber.created_at > now - dt.timedelta(days=1))
    )
    if int(recent or 0) >= MAX_REQUESTS_PER_DAY:
        return None
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction():
        subscriber = NoticeSubscriber(
            phone=phone.strip()[:20],
            phone_key=key,
            email=email.strip()[:200],
            locale=locale if locale in ("uz", "ru", "en") else "uz",
            token=token,
            confirmation_hash=_digest(token, code),
            attempts=0,
            expires_at=now + dt.timedelta(minutes=CONFIRMATION_MINUTES),
            created_at=now,
        )
        subscriber.mahallas = mahallas
        db.session.add(subscriber)
        text = _("Confirmation code %(code)s for prevention notices from your mahalla inspector.", code=code)
        queue_message(None, "sms", subscriber.phone, text, secrets={"confirmation": code})
    return token


def pending_subscription(token: str) -> NoticeSubscriber | None:
    return db.session.scalar(select(NoticeSubscriber).where(NoticeSubscriber.token == token[:64]))


def confirm_subscription(token: str, code: str, now: dt.datetime | None = None) -> NoticeSubscriber | None:
    """The confirmed subscription, or None (wrong, expired, used up or unknown). Commits."""
    now = now or utcnow()
    subscriber = db.session.scalar(
        select(NoticeSubscriber).where(NoticeSubscriber.token == token[:64]).with_for_update()
    )
    with transaction() as tx:
        if (
            subscriber is None
            or subscriber.confirmed_at is not None
            or as_utc(subscriber.expires_at) < now
            or subscriber.attempts >= MAX_ATTEMPTS
        ):
            tx.rollback()
            return None
        if not hmac.compare_digest(subscriber.confirmation_hash, _digest(token, code)):
            subscriber.attempts += 1
            return None
        db.session.execute(
            update(NoticeSubscriber)
            .where(
                NoticeSubscriber.phone_key == subscriber.phone_key,
                NoticeSubscriber.id != subscriber.id,
                NoticeSubscriber.confirmed_at.is_not(None),
                NoticeSubscriber.unsubscribed_at.is_(None),
            )
            .values(unsubscribed_at=now)
        )
        subscriber.confirmed_at = now
    return subscriber


def active_by_token(token: str) -> NoticeSubscriber | None:
    subscriber = pending_subscription(token)
    if subscriber is None or subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        return None
    return subscriber


def unsubscribe(subscriber: NoticeSubscriber, now: dt.datetime | None = None) -> None:
    subscriber.unsubscribed_at = now or utcnow()
    db.session.commit()
