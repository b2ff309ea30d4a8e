"""Need-to-know for mahalla chairs.

A chair reads an appeal only when all hold: it is of the chair's own mahalla; its category is one
an admin shares with chairs (``chair_sharing``; never crime prevention); its analysis was completed
and never marked it crime-related (an appeal not yet analysed is not shown: nobody has judged it).
Anything else is "not found", exactly like a missing number. Every list and every appeal a chair
reads is written to the audit log (who, when, which appeals).

A chair sees only ``SHARED_FIELDS``: what the matter is and where it stands — no applicant's name,
phone, e-mail, passport, address, co-applicants or attachments (the analysis diagram's referral form
shares none of them either).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, and_, exists, not_, select

from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import CATEGORIES, Appeal
from webapp.cooperation.chairs.models import DEFAULT_CATEGORIES, ChairSharing
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.transaction import transaction

# Crime prevention is never shared: its appeals go to the police, not to the citizens' assembly.
SHAREABLE = tuple(c for c in CATEGORIES if c != "crime_prevention")
SHARED_FIELDS = ("number", "category", "registered_on", "deadline", "status", "stage", "is_open", "text", "mahalla")
PAGE_SIZE = 50


class SharingRefused(Exception):
    pass


@dataclass(frozen=True)
class ChairAppeal:
    """An appeal as a chair sees it (``SHARED_FIELDS`` and nothing more)."""

    number: str
    category: str
    registered_on: dt.date
    deadline: dt.date
    status: str
    stage: int
    is_open: bool
    text: str
    mahalla: str

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "category": self.category,
            "registered_on": self.registered_on.isoformat(),
            "deadline": self.deadline.isoformat(),
            "status": self.status,
            "stage": self.stage,
            "is_open": self.is_open,
            "text": self.text,
            "mahalla": self.mahalla,
        }


def shared_categories() -> list[str]:
    row = db.session.scalar(select(ChairSharing).order_by(ChairSharing.id).limit(1))
    if row is None:
        return list(DEFAULT_CATEGORIES)
    return [c for c in row.categories.split(",") if c in SHAREABLE]


def save_shared_categories(actor: User, categories: list[str]) -> None:
    """Change what chairs may read, with an audit entry; one transaction."""
    if any(c not in SHAREABLE for c in categories):
        raise SharingRefused("bad_category")
    chosen = [c for c in SHAREABLE if c in categories]
    before = shared_categories()
    with transaction():
        row = db.session.scalar(select(ChairSharing).order_by(ChairSharing.id).limit(1))
        if row is None:
            row = ChairSharing()
            db.session.add(row)
        row.categories = ",".join(chosen)
        db.session.flush()
        record(
            "chair_sharing_updated",
            "chair_sharing",
            row.id,
            actor_id=actor.id,
            before={"categories": before},
            after={"categories": chosen},
        )


def _analysis(*, crime: bool | None = None) -> Exists:
    condition: ColumnElement[bool] = and_(
        CaseEvent.appeal_id == Appeal.id, CaseEvent.kind == "task_completed", CaseEvent.task_name == "analyse_appeal"
    )
    if crime is not None:
        condition = and_(condition, CaseEvent.data["crime_related"].as_boolean().is_(True))
    return exists().where(condition)


def _visible(user: User) -> Select[Any] | None:
    if user.role != MAHALLA_CHAIR or not user.mahallas:
        return None
    return select(Appeal).where(
        Appeal.mahalla_id == user.mahallas[0].id,
        Appeal.category.in_(shared_categories()),
        _analysis(),
        not_(_analysis(crime=True)),
    )


def _shown(appeal: Appeal) -> ChairAppeal:
    return ChairAppeal(
        number=appeal.number,
        category=appeal.category,
        registered_on=appeal.registered_on,
        deadline=appeal.extended_until or appeal.deadline,
        status=appeal.status,
        stage=appeal.stage,
        is_open=appeal.is_open,
        text=appeal.text,
        mahalla=appeal.mahalla.name,
    )


def chair_appeals(user: User, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[ChairAppeal]:
    """One page of the chair's appeals, newest first; the numbers shown are logged."""
    query = _visible(user)
    if query is None:
        return []
    rows = list(db.session.scalars(query.order_by(Appeal.id.desc()).offset(offset).limit(limit)))
    if rows:
        record("chair_listed_appeals", "appeal", "", actor_id=user.id, after={"numbers": [a.number for a in rows]})
        db.session.commit()
    return [_shown(a) for a in rows]


def chair_appeal(user: User, number: str) -> ChairAppeal | None:
    """One appeal for the chair, or None (unknown, or not theirs to read); a view is logged."""
    query = _visible(user)
    appeal = db.session.scalar(query.where(Appeal.number == number[:20])) if query is not None else None
    if appeal is None:
        return None
    record("chair_viewed_appeal", "appeal", appeal.number, actor_id=user.id, after={"fields": list(SHARED_FIELDS)})
    db.session.commit()
    return _shown(appeal)
