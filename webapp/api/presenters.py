"""Turn models into the API's JSON shapes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from webapp.cases.models import PendingTask
from webapp.cases.service import task_form
from webapp.casework.appeals.deadlines import days_left
from webapp.casework.appeals.models import Appeal
from webapp.intake.public.service import TrackingView
from webapp.platform.timeutil import local_today


def appeal(item: Appeal) -> dict[str, Any]:
    return {
        "number": item.number,
        "status": item.status,
        "stage": item.stage,
        "kind": item.kind,
        "category": item.category,
        "urgency": item.urgency,
        "mahalla": item.mahalla.code,
        "received_at": item.received_at.isoformat(),
        "deadline": item.deadline.isoformat(),
        "days_left": days_left(item.deadline, local_today()),
        "is_open": item.is_open,
        "extended_until": item.extended_until.isoformat() if item.extended_until else None,
    }


def task(item: PendingTask) -> dict[str, Any]:
    form = task_form(item)
    fields = []
    for field in form.fields:
        data = field.as_dict()
        data["label"] = _(field.label)
        data["options"] = [{"id": o.id, "label": _(o.label)} for o in field.options]
        fields.append(data)
    return {
        "id": item.id,
        "appeal_number": item.appeal.number,
        "name": item.name,
        "title": _(item.title),
        "role": item.role,
        "mahalla": item.appeal.mahalla.code,
        "due": item.due_date.isoformat(),
        "days_left": days_left(item.due_date, local_today()),
        "form": {"fields": fields},
        "assignee": {"username": item.assignee.username, "full_name": item.assignee.full_name}
        if item.assignee is not None
        else None,
    }


def public_appeal(view: TrackingView, reply_letter_url: str | None) -> dict[str, Any]:
    """A citizen's view of their appeal: no name, phone, address or text."""
    return {
        "number": view.number,
        "status": view.status,
        "stage": view.stage,
        "deadline": view.deadline.isoformat(),
        "days_left": view.days_left,
        "is_open": view.is_open,
        "reply_letter_url": reply_letter_url,
    }
