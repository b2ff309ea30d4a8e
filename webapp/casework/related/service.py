"""Related appeals (stage 2): earlier appeals of the same applicant, at the same address, or with
similar text in the same mahalla within the last 12 months; links the inspector confirms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select

from webapp.cases.events import log_event
from webapp.casework.appeals.models import Appeal, AppealLink
from webapp.casework.appeals.runtime import Conflict, StepFailed, deliver_case_message
from webapp.casework.related.similarity import jaccard, normalise_address, phone_digits, tokens
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.service import appeal_scope
from webapp.platform.transaction import transaction

WINDOW = dt.timedelta(days=365)
TEXT_THRESHOLD = 0.3
LIMIT = 10
MAX_CANDIDATES = 500
SCORES = {"same_applicant": 1.0, "same_address": 0.8}
REPEAT_REASONS = frozenset({"same_applicant", "same_address"})


@dataclass(frozen=True)
class Related:
    appeal: Appeal
    reason: str
    score: float
    linked: bool = False


def _phone_column() -> Any:
    stripped: Any = Appeal.applicant_phone
    for char in (" ", "-", "(", ")", "+"):
        stripped = func.replace(stripped, char, "")
    return stripped


def match(appeal: Appeal, other: Appeal) -> tuple[str, float] | None:
    """Why ``other`` is related to ``appeal`` and how strongly, or None."""
    phone = phone_digits(appeal.applicant_phone)
    if (phone and phone_digits(other.applicant_phone) == phone) or (
        appeal.applicant_passport and other.applicant_passport == appeal.applicant_passport
    ):
        return "same_applicant", SCORES["same_applicant"]
    if other.mahalla_id != appeal.mahalla_id:
        return None
    address = normalise_address(appeal.address)
    if address and normalise_address(other.address) == address:
        return "same_address", SCORES["same_address"]
    score = jaccard(tokens(appeal.text), tokens(other.text))
    if score > TEXT_THRESHOLD:
        return "similar_text", round(score, 2)
    return None


def _candidates(appeal: Appeal) -> list[Appeal]:
    """Earlier appeals of the window that can match: same mahalla, or the same phone or passport."""
    same = [Appeal.mahalla_id == appeal.mahalla_id]
    phone = phone_digits(appeal.applicant_phone)
    if phone:
        same.append(_phone_column().like(f"%{phone}"))
    if appeal.applicant_passport:
        same.append(Appeal.applicant_passport == appeal.applicant_passport)
    query = (
        select(Appeal)
        .where(
            Appeal.id != appeal.id,
            Appeal.received_at <= appeal.received_at,
            Appeal.received_at >= appeal.received_at - WINDOW,
            or_(*same),
        )
        .order_by(Appeal.received_at.desc())
        .limit(MAX_CANDIDATES)
    )
    return list(db.session.scalars(query))


def related_appeals(appeal: Appeal) -> list[Related]:
    """Up to ten earlier related appeals, the strongest first (linked ones flagged)."""
    linked = set(db.session.scalars(select(AppealLink.related_appeal_id).where(AppealLink.appeal_id == appeal.id)))
    found = []
    for other in _candidates(appeal):
        matched = match(appeal, other)
        if matched is not None:
            found.append(Related(other, matched[0], matched[1], other.id in linked))
    found.sort(key=lambda r: -r.score)  # stable: the newest first among equal scores (SQL order)
    return found[:LIMIT]


@dataclass(frozen=True)
class Link:
    appeal: Appeal
    reason: str
    score: float


def linked_appeals(appeal: Appeal) -> list[Link]:
    rows = db.session.execute(
        select(Appeal, AppealLink.reason, AppealLink.score)
        .join(AppealLink, AppealLink.related_appeal_id == Appeal.id)
        .where(AppealLink.appeal_id == appeal.id)
        .order_by(AppealLink.score.desc(), Appeal.received_at.desc())
    )
    return [Link(row[0], row[1], row[2]) for row in rows]


RELATED_APPEAL_MESSAGE = "related_appeal_arrived"


class NotRelated(ValueError):
    """The appeal to link is not an earlier related appeal the user may see."""


def link_appeal(actor: User, appeal: Appeal, related_id: int) -> AppealLink:
    """Link an earlier related appeal (one transaction); a shared applicant or address flags a repeat."""
    other = db.session.scalar(
        select(Appeal).where(Appeal.id == related_id, Appeal.received_at <= appeal.received_at, appeal_scope(actor))
    )
    matched = match(appeal, other) if other is not None else None
    if other is None or other.id == appeal.id or matched is None:
        raise NotRelated(related_id)
    existing = db.session.scalar(
        select(AppealLink).where(AppealLink.appeal_id == appeal.id, AppealLink.related_appeal_id == other.id)
    )
    if existing is not None:
        return existing
    with transaction():
        link = AppealLink(
            appeal_id=appeal.id, related_appeal_id=other.id, reason=matched[0], score=matched[1], linked_by_id=actor.id
        )
        db.session.add(link)
        if matched[0] in REPEAT_REASONS:
            appeal.is_repeated = True
        db.session.flush()
        log_event(
            appeal,
            "appeal_linked",
            actor,
            data={"related": other.number, "reason": matched[0], "score": matched[1]},
        )
    _notify_running_case(other, appeal, matched[0], actor)
    return link


def _notify_running_case(earlier: Appeal, new: Appeal, reason: str, actor: User) -> None:
    """The earlier appeal's running case hears of the new one: a non-interrupting event sub-process
    of the lifecycle gives its inspector a task. A case that does not wait for it (closed, or an
    older diagram) is left alone; a failing case keeps the link and the failure is logged."""
    if not earlier.is_open:
        return
    payload = {"number": new.number, "reason": reason}
    try:
        deliver_case_message(earlier, RELATED_APPEAL_MESSAGE, payload, actor, reopens=False)
    except (Conflict, StepFailed) as exc:
        current_app.logger.warning("appeal %s: related appeal notice not delivered: %s", earlier.number, exc)


def unlink_appeal(actor: User, appeal: Appeal, related_id: int) -> bool:
    """Remove a link (one transaction); the repeat flag follows the remaining links."""
    other_number = db.session.scalar(select(Appeal.number).where(Appeal.id == related_id))
    with transaction() as tx:
        result: Any = db.session.execute(
            delete(AppealLink).where(AppealLink.appeal_id == appeal.id, AppealLink.related_appeal_id == related_id)
        )
        removed = result.rowcount
        if not removed:
            tx.rollback()
            return False
        still = db.session.scalar(
            select(func.count())
            .select_from(AppealLink)
            .where(AppealLink.appeal_id == appeal.id, AppealLink.reason.in_(REPEAT_REASONS))
        )
        appeal.is_repeated = bool(still)
        log_event(appeal, "appeal_unlinked", actor, data={"related": other_number})
    return True
