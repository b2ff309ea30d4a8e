"""Stage 5 on one case: the facts the supervisor weighs when evaluating effectiveness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal, AppealLink, AppealRating
from webapp.extensions import db
from webapp.platform.timeutil import TASHKENT


@dataclass(frozen=True)
class CaseOutcome:
    answered_on: dt.date | None
    answered_on_time: bool | None
    is_repeated: bool
    linked_appeals: int
    ratings: list[tuple[int, bool, str]]
    categorisation_overridden: bool
    reopened_count: int
    extended: bool


def case_outcome(appeal: Appeal) -> CaseOutcome:
    """Timeliness, repetition, the citizen's ratings and overrides of one case."""
    answered_at = db.session.scalar(
        select(func.max(CaseEvent.occurred_at)).where(
            CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed", CaseEvent.task_name == "record_result"
        )
    )
    answered_on = answered_at.astimezone(TASHKENT).date() if answered_at is not None else None
    links = db.session.scalar(select(func.count()).select_from(AppealLink).where(AppealLink.appeal_id == appeal.id))
    ratings = [
        (r.score, r.resolved, r.comment)
        for r in db.session.scalars(
            select(AppealRating).where(AppealRating.appeal_id == appeal.id).order_by(AppealRating.id)
        )
    ]
    return CaseOutcome(
        answered_on=answered_on,
        answered_on_time=None if answered_on is None else answered_on <= appeal.deadline,
        is_repeated=appeal.is_repeated,
        linked_appeals=int(links or 0),
        ratings=ratings,
        categorisation_overridden=appeal.categorisation_overridden,
        reopened_count=appeal.reopened_count,
        extended=appeal.extended_until is not None,
    )
