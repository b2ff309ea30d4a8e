"""Approvals show what is approved: the case data an approval names (``approval_shows`` in the
diagram) beside the decision, and, on the task a return sends the work back to, the approver's
comment. The rule itself (an explicit decision; returning needs a comment) is the engine's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine import Approval, FormDefinition
from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import case_forms
from webapp.casework.replies.service import submitted_data
from webapp.extensions import db
from webapp.platform.auth.models import User

LETTER_FIELD = "reply_text"  # shown with a PDF preview of the letter as it will be sent


@dataclass(frozen=True)
class ReviewItem:
    field_id: str
    label: str
    value: Any
    display: str  # the option's label for an enum, else the value as text


@dataclass(frozen=True)
class Returned:
    """The latest decision to return the work, with the approver's comment."""

    task_title: str
    comment: str
    by: str
    at: Any


def _label_of(forms: dict[str, FormDefinition], field_id: str) -> tuple[str, dict[str, str]]:
    for form in forms.values():
        found = form.field(field_id)
        if found is not None:
            return found.label, {o.id: o.label for o in found.options}
    return field_id, {}


def review_items(appeal: Appeal, approval: Approval) -> list[ReviewItem]:
    """The case data the approver reviews, labelled as in the forms that collected them."""
    data = submitted_data(appeal)
    forms = case_forms(appeal)
    items = []
    for field_id in approval.shows:
        value = data.get(field_id)
        if value in (None, ""):
            continue
        label, options = _label_of(forms, field_id)
        items.append(ReviewItem(field_id, label, value, options.get(str(value), str(value))))
    return items


def last_return(appeal: Appeal) -> Returned | None:
    """The approver's comment when the case's latest completed task was an approval that returned
    the work (so the task now waiting is the one to redo); None otherwise."""
    event = db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed")
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
        .limit(1)
    )
    if event is None or not event.task_name:
        return None
    approval = case_forms(appeal).get(event.task_name, FormDefinition(key="")).approval
    data = event.data or {}
    if approval is None or data.get(approval.field) is not False:
        return None
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    return Returned(
        event.task_title or event.task_name,
        str(data.get(approval.comment) or ""),
        actor.full_name if actor else "",
        event.occurred_at,
    )
