"""A lost access code: the citizen gives the number and the phone; when both match the record, a
one-time confirmation goes by SMS to that phone; entering it issues a new code, sent the same way.

The answer never says whether the number exists or the phone matches. Requests per appeal are
limited (``MAX_REQUESTS_PER_DAY``) besides the per-address limits on the routes; a confirmation
expires after ``CONFIRMATION_MINUTES`` and allows ``MAX_ATTEMPTS`` tries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.cases.events import log_event
from webapp.casework.appeals.access_notice import citizen_locale, send_access_code
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import issue_access_code
from webapp.extensions import db
from webapp.intake.public.models import AccessCodeReset
from webapp.platform.notifications.service import queue_message
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.transaction import transaction

CONFIRMATION_MINUTES = 15
MAX_ATTEMPTS = 5
MAX_REQUESTS_PER_DAY = 3
PHONE_DIGITS = 9  # the subscriber part of an Uzbek number, without +998


def phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-PHONE_DIGITS:]


def _digest(token: str, confirmation: str) -> str:
    return hashlib.sha256(f"{token}:{confirmation.strip()}".encode()).hexdigest()


def request_reset(number: str, phone: str, now: dt.datetime | None = None) -> str:
    """Start a recovery; returns a token for the browser's session, the same whether or not anything
    was sent (an unknown number, a wrong phone and a limit reached look alike). Commits."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == number.strip()[:20]))
    wanted = phone_key(phone)
    on_record = phone_key(appeal.applicant_phone) if appeal is not None else "0" * PHONE_DIGITS
    if appeal is None or len(wanted) < PHONE_DIGITS or not hmac.compare_digest(wanted, on_record):
        return token
    recent = db.session.scalar(
        select(func.count())
        .select_from(AccessCodeReset)
        .where(AccessCodeReset.appeal_id == appeal.id, AccessCodeReset.created_at > now - dt.timedelta(days=1))
    )
    if int(recent or 0) >= MAX_REQUESTS_PER_DAY:
        return token
    confirmation = f"{secrets.randbelow(10**6):06d}"
    with transaction():
        db.session.add(
            AccessCodeReset(
                appeal_id=appeal.id,
                token=token,
                confirmation_hash=_digest(token, confirmation),
                expires_at=now + dt.timedelta(minutes=CONFIRMATION_MINUTES),
                created_at=now,
            )
        )
        with citizen_locale():
            text = _(
                "Confirmation code %(code)s to get a new access code for appeal %(number)s.",
                code=confirmation,
                number=appeal.number,
            )
        queue_message(appeal, "sms", appeal.applicant_phone, text, secrets={"confirmation": confirmation})
        log_event(appeal, "access_code_reset_requested", None)
    return token


def confirm_reset(token: str, confirmation: str, now: dt.datetime | None = None) -> Appeal | None:
    """The appeal whose new code was just sent, or None (wrong, expired, used or unknown). Commits."""
    now = now or utcnow()
    reset = db.session.scalar(select(AccessCodeReset).where(AccessCodeReset.token == token).with_for_update())
    with transaction() as tx:
        if reset is None or reset.used_at is not None or as_utc(reset.expires_at) < now:
            tx.rollback()
            return None
        if reset.attempts >= MAX_ATTEMPTS:
            tx.rollback()
            return None
        if not hmac.compare_digest(reset.confirmation_hash, _digest(token, confirmation)):
            reset.attempts += 1
            return None
        reset.used_at = now
        appeal = db.session.get(Appeal, reset.appeal_id)
        assert appeal is not None
        code = issue_access_code(appeal)
        send_access_code(appeal, code, recovered=True)
        log_event(appeal, "access_code_reissued", None)
    return appeal
