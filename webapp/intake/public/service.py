"""Citizen intake on the web and tracking by registration number and access code.

Tracking shows only what the citizen needs (status, stage, deadline, the reply letter), never
personal data; a wrong code and an unknown number look exactly the same to the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from webapp.casework.appeals.deadlines import current_calendar, days_left
from webapp.casework.appeals.models import (
    Appeal,
    AppealRating,
    AppealStatus,
    Channel,
    Document,
    DocumentStatus,
)
from webapp.casework.appeals.service import NewAppeal, access_code_digest, register_appeal
from webapp.extensions import db
from webapp.intake.public.history import (
    NextStep,
    PublicEvent,
    answered_on,
    latest_rating,
    next_step,
    public_history,
    registration_note,
    shows_countdown,
)
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.territory.models import District, Mahalla, Region, UnitStatus
from webapp.platform.timeutil import TASHKENT, as_utc, local_today

REPLY_LETTER = "reply_letter"


def mahalla_choices() -> dict[str, list[tuple[str, str]]]:
    """Every active mahalla by code, grouped under "Region · District" (for a select with optgroups)."""
    rows = db.session.execute(
        select(Region.name, District.name, Mahalla.code, Mahalla.name)
        .join(District, District.region_id == Region.id)
        .join(Mahalla, Mahalla.district_id == District.id)
        .where(Mahalla.status == UnitStatus.ACTIVE)
        .order_by(Region.name, District.name, Mahalla.name)
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for region, district, code, name in rows:
        groups.setdefault(f"{region} · {district}", []).append((code, name))
    return groups


@dataclass(frozen=True)
class CitizenAppeal:
    """What a citizen writes in the public form (validated by the form)."""

    mahalla_code: str
    kind: str
    text: str
    anonymous: bool
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    address: str = ""


def file_citizen_appeal(data: CitizenAppeal) -> Appeal | None:
    """Register the appeal from the web form (channel web, nobody logged in); None for an unknown
    or no longer active mahalla. The result carries ``issued_access_code``."""
    mahalla = db.session.scalar(select(Mahalla).where(Mahalla.code == data.mahalla_code))
    if mahalla is None or mahalla.status != UnitStatus.ACTIVE:
        return None
    new = NewAppeal(
        mahalla=mahalla,
        kind=data.kind,
        text=data.text,
        channel=Channel.WEB.value,
        applicant_name=data.applicant_name,
        applicant_phone=data.applicant_phone,
        applicant_email=data.applicant_email,
        address=data.address,
        anonymous=data.anonymous,
    )
    return register_appeal(new, None)


def normalise_number(number: str) -> str:
    return number.strip()[:20]


def tracked_appeal(number: str, code: str) -> Appeal | None:
    """The appeal if the access code matches it; None for an unknown number or a wrong code."""
    return tracked_by_digest(number, access_code_digest(normalise_number(number), code))


def _by_number(number: str) -> Appeal | None:
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == normalise_number(number)))
    return appeal if appeal is not None and appeal.access_code_hash else None


def tracked_by_digest(number: str, digest: str) -> Appeal | None:
    """Like tracked_appeal, with the digest of the code."""
    appeal = _by_number(number)
    # compare even for an unknown number, so that it takes as long as a wrong code
    return appeal if hmac.compare_digest(digest, appeal.access_code_hash if appeal else "0" * 64) and appeal else None


def session_token(appeal: Appeal) -> str:
    """What a browser keeps after a successful look-up: neither the code nor its digest (a keyed
    hash of the digest, so a copied cookie gives nothing to brute-force offline)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, appeal.access_code_hash.encode(), hashlib.sha256).hexdigest()


def tracked_by_session_token(number: str, token: str) -> Appeal | None:
    appeal = _by_number(number)
    expected = session_token(appeal) if appeal is not None else "0" * 64
    return appeal if hmac.compare_digest(token, expected) and appeal else None


def reply_letter(appeal: Appeal) -> Document | None:
    """The newest reply letter of the appeal whose PDF is ready, if one was written."""
    return db.session.scalar(
        select(Document)
        .where(Document.appeal_id == appeal.id, Document.kind == REPLY_LETTER, Document.status == DocumentStatus.READY)
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(1)
    )


def reply_letter_pdf(appeal: Appeal) -> bytes | None:
    document = reply_letter(appeal)
    return document.pdf if document is not None and document.pdf else None


def may_rate(appeal: Appeal) -> bool:
    """An answered (or closed) appeal may be rated once per answer round: once more after each reopening.

    An appeal the citizen withdrew, or one forwarded to the competent body (which answers it), has
    no answer of ours to rate.
    """
    if appeal.status != AppealStatus.ANSWERED.value and appeal.is_open:
        return False
    if appeal.status in (AppealStatus.WITHDRAWN.value, AppealStatus.FORWARDED.value):
        return False
    ratings = db.session.scalar(
        select(func.count()).select_from(AppealRating).where(AppealRating.appeal_id == appeal.id)
    )
    return int(ratings or 0) <= appeal.reopened_count


@dataclass(frozen=True)
class TrackingView:
    """What the citizen sees: what they wrote, the public history, the next step; no name, phone or
    address, no staff names or internal notes."""

    number: str
    status: str
    stage: int
    is_open: bool
    kind: str
    mahalla: str
    text: str
    received_on: dt.date
    registered_on: dt.date
    registration_note: str
    deadline: dt.date
    days_left: int | None  # None once the answer is given: no countdown
    history: list[PublicEvent]
    next_step: NextStep | None
    answered_on: dt.date | None
    reply_text: str
    has_reply_letter: bool
    can_rate: bool
    rating: AppealRating | None


def tracking_view(appeal: Appeal) -> TrackingView:
    letter = reply_letter(appeal)
    history = public_history(appeal)
    can_rate = may_rate(appeal)
    return TrackingView(
        number=appeal.number,
        status=appeal.status,
        stage=appeal.stage,
        is_open=appeal.is_open,
        kind=appeal.kind,
        mahalla=appeal.mahalla.name,
        text=appeal.text,
        received_on=as_utc(appeal.received_at).astimezone(TASHKENT).date(),
        registered_on=appeal.registered_on,
        registration_note=registration_note(appeal),
        deadline=appeal.deadline,
        days_left=days_left(appeal.deadline, local_today()) if shows_countdown(appeal) else None,
        history=history,
        next_step=next_step(appeal, can_rate),
        answered_on=answered_on(history),
        reply_text=letter.text if letter is not None else "",
        has_reply_letter=letter is not None,
        can_rate=can_rate,
        rating=latest_rating(appeal),
    )


@dataclass(frozen=True)
class MahallaContact:
    """How a citizen reaches their mahalla's prevention inspector (no personal data beyond the name)."""

    code: str
    mahalla: str
    district: str
    inspectors: tuple[str, ...]
    opens: dt.time
    closes: dt.time


def mahalla_contact(code: str) -> MahallaContact | None:
    """The active inspectors serving the mahalla with this code, with the office's working hours."""
    row = db.session.execute(
        select(Mahalla.id, Mahalla.code, Mahalla.name, District.name)
        .join(District, District.id == Mahalla.district_id)
        .where(Mahalla.code == code.strip()[:20])
    ).one_or_none()
    if row is None:
        return None
    names = db.session.scalars(
        select(User.full_name)
        .join(user_mahallas, user_mahallas.c.user_id == User.id)
        .where(user_mahallas.c.mahalla_id == row[0], User.role == Role.INSPECTOR.value, User.active.is_(True))
        .order_by(User.full_name)
    )
    working = current_calendar()
    return MahallaContact(row[1], row[2], row[3], tuple(names), working.opens, working.closes)
