"""Turn models into the API's JSON shapes."""

from __future__ import annotations

from typing import Any

from engine import FormDefinition
from webapp.cases.models import CaseEvent, PendingTask
from webapp.cases.subjects import task_case
from webapp.casework.appeals.deadlines import days_left
from webapp.casework.appeals.models import Appeal
from webapp.intake.public.service import TrackingView
from webapp.platform.timeutil import as_utc, local_today
from webapp.templating import request_translations


def appeal(item: Appeal) -> dict[str, Any]:
    return {
        "number": item.number,
        "status": item.status,
        "stage": item.stage,
        "kind": item.kind,
        "category": item.category,
        "category_confidence": item.suggested_confidence if item.category == item.suggested_category else None,
        "category_review": item.suggestion_review if item.category == item.suggested_category else "",
        "urgency": item.urgency,
        "mahalla": item.mahalla.code,
        "received_at": as_utc(item.received_at).isoformat(),
        "deadline": item.deadline.isoformat(),
        "days_left": days_left(item.deadline, local_today()),
        "is_open": item.is_open,
        "extended_until": item.extended_until.isoformat() if item.extended_until else None,
    }


def case_event(item: CaseEvent) -> dict[str, Any]:
    """One timeline entry for staff systems (the same the case page shows)."""
    actor = item.actor
    return {
        "type": item.kind,
        "time": as_utc(item.occurred_at).isoformat(),
        "actor": {"username": actor.username, "full_name": actor.full_name} if actor is not None else None,
        "task": item.task_name,
        "stage": item.stage,
        "data": dict(item.data or {}),
    }


def task(item: PendingTask, form: FormDefinition) -> dict[str, Any]:
    """A waiting task as the API shows it, with its form (``task_forms`` reads them for a list)."""
    translate = request_translations().ugettext  # the request's catalogue, once for the whole form
    fields = []
    for field in form.fields:
        data = field.as_dict()
        data["label"] = translate(field.label)
        data["options"] = [{"id": o.id, "label": translate(o.label)} for o in field.options]
        fields.append(data)
    return {
        "id": item.id,
        "case": task_case(item),
        "appeal_number": item.appeal.number if item.appeal is not None else None,
        "name": item.name,
        "title": translate(item.title),
        "role": item.role,
        "mahalla": item.mahalla.code,
        "due": item.due_date.isoformat(),
        "days_left": days_left(item.due_date, local_today()),
        "form": {"fields": fields},
        "assignee": {"username": item.assignee.username, "full_name": item.assignee.full_name}
        if item.assignee is not None
        else None,
    }


def _next_step(view: TrackingView) -> dict[str, Any] | None:
    if view.next_step is None:
        return None
    date = view.next_step.date
    return {"text": view.next_step.text, "date": date.isoformat() if date else None}


def public_appeal(view: TrackingView, reply_letter_url: str | None) -> dict[str, Any]:
    """A citizen's view of their appeal: what they wrote, the public history and the next step;
    no name, phone or address, no staff names or internal notes."""
    return {
        "number": view.number,
        "status": view.status,
        "stage": view.stage,
        "kind": view.kind,
        "mahalla": view.mahalla,
        "text": view.text,
        "received_on": view.received_on.isoformat(),
        "registered_on": view.registered_on.isoformat(),
        "registration_note": view.registration_note,
        "deadline": view.deadline.isoformat(),
        "days_left": view.days_left,
        "is_open": view.is_open,
        "history": [{"type": e.type, "at": e.at.isoformat(), "text": e.text, "data": e.data} for e in view.history],
        "next_step": {
            "text": view.next_step.text,
            "date": view.next_step.date.isoformat() if view.next_step.date else None,
        }
        if view.next_step
        else None,
        "answered_on": view.answered_on.isoformat() if view.answered_on else None,
        "reply_text": view.reply_text or None,
        "rating": {"score": view.rating.score, "resolved": view.rating.resolved} if view.rating else None,
        "reply_letter_url": reply_letter_url,
    }
