"""What the citizen is told about their appeal: a public history, the next step, the dates.

Read from the case's event log, filtered to what may be published: no staff names, no internal
notes, no task details. Every sentence is built here (in the reader's language), so the status
page and the public API say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.cases.models import CaseEvent
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal, AppealRating, AppealStatus
from webapp.casework.ratings.service import DISSATISFIED_MESSAGE
from webapp.extensions import db
from webapp.platform import labels
from webapp.platform.timeutil import TASHKENT, as_utc

PUBLIC_KINDS = (
    "registered",
    "status_changed",
    "forwarding_notice",
    "deadline_extended",
    "proposal_study_notice",
    "message_received",
    "reopened_as",
    "rated",
    "case_closed",
    "appeal_withdrawn",
)
COUNTING_STATUSES = (AppealStatus.REGISTERED.value, AppealStatus.UNDER_REVIEW.value, AppealStatus.RESOLVED.value)


@dataclass(frozen=True)
class PublicEvent:
    """One line of the public history: a type, when, the sentence, and the published data."""

    type: str
    at: dt.datetime
    text: str
    data: dict[str, Any]


def _day(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return format_date(day, "long")


def _public_event(kind: str, data: dict[str, Any], at: dt.datetime) -> PublicEvent | None:
    if kind == "registered":
        return PublicEvent("registered", at, _("The appeal was registered."), {})
    if kind == "status_changed":
        status = str(data.get("to_status") or "")
        stage = data.get("to_stage")
        if status == AppealStatus.ANSWERED.value:
            return PublicEvent("answered", at, _("The answer was given."), {"status": status})
        if status == AppealStatus.WITHDRAWN.value:
            return None  # the withdrawal's own line says it, with the citizen's reason
        if status == AppealStatus.REJECTED.value:
            return PublicEvent("left_unconsidered", at, _("The appeal was left unconsidered."), {"status": status})
        if status:
            text = _("Status: %(status)s.", status=labels.label(labels.STATUS, status))
            return PublicEvent("status", at, text, {"status": status})
        if isinstance(stage, int):
            text = _("Stage: %(stage)s.", stage=labels.label(labels.STAGE, stage))
            return PublicEvent("stage", at, text, {"stage": stage})
        return None
    if kind == "forwarding_notice":
        body = str(data.get("competent_body") or "")
        return PublicEvent("forwarded", at, _("Forwarded to %(body)s.", body=body), {"body": body})
    if kind == "deadline_extended":
        until, reason = str(data.get("until") or ""), str(data.get("reason") or "")
        text = _("The deadline was extended until %(date)s: %(reason)s", date=_day(until), reason=reason)
        return PublicEvent("extended", at, text, {"until": until, "reason": reason})
    if kind == "proposal_study_notice":
        due = str(data.get("deadline") or "")
        text = _("Your proposal needs further study; the answer is due by %(date)s.", date=_day(due))
        return PublicEvent("further_study", at, text, {"deadline": due})
    if kind == "message_received" and data.get("message") == DISSATISFIED_MESSAGE:
        return PublicEvent("reopened", at, _("You were not satisfied: the appeal was reopened."), {})
    if kind == "reopened_as":
        number = str(data.get("appeal") or "")
        text = _("You were not satisfied: a new appeal %(number)s was registered.", number=number)
        return PublicEvent("reopened", at, text, {"new_appeal": number})
    if kind == "rated":
        score = int(data.get("score") or 0)
        return PublicEvent("rated", at, _("You rated the answer %(score)d of 5.", score=score), {"score": score})
    if kind == "appeal_withdrawn":
        reason = str(data.get("reason") or "")
        text = _("You withdrew the appeal: %(reason)s", reason=reason) if reason else _("You withdrew the appeal.")
        return PublicEvent("withdrawn", at, text, {"reason": reason})
    if kind == "case_closed":
        return PublicEvent("closed", at, _("The case was closed."), {})
    return None


def public_history(appeal: Appeal) -> list[PublicEvent]:
    """The appeal's public history, oldest first."""
    rows = db.session.execute(
        select(CaseEvent.kind, CaseEvent.data, CaseEvent.occurred_at)
        .where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind.in_(PUBLIC_KINDS))
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    found = [_public_event(kind, dict(data or {}), as_utc(at)) for kind, data, at in rows]
    return [event for event in found if event is not None]


def answered_on(history: list[PublicEvent]) -> dt.date | None:
    """The day of the latest answer (Tashkent)."""
    answers = [e.at for e in history if e.type in ("answered", "left_unconsidered")]
    return answers[-1].astimezone(TASHKENT).date() if answers else None


def shows_countdown(appeal: Appeal) -> bool:
    """Days left make sense only while the inspector still owes an answer."""
    return appeal.is_open and appeal.status in COUNTING_STATUSES


@dataclass(frozen=True)
class NextStep:
    text: str
    date: dt.date | None


def next_step(appeal: Appeal, can_rate: bool) -> NextStep | None:
    """What happens next, and by when; None once nothing more is expected."""
    status = appeal.status
    if status == AppealStatus.WITHDRAWN.value:
        return NextStep(
            _("You withdrew the appeal, so it is no longer considered. You may send a new appeal at any time."), None
        )
    if status == AppealStatus.FORWARDED.value:  # closed here; the competent body answers
        return NextStep(_("The competent body considers your appeal and answers you."), None)
    if not appeal.is_open:
        if can_rate:
            return NextStep(_("Please rate the answer. If the problem is not solved, send a new appeal."), None)
        return None
    if status == AppealStatus.REGISTERED.value:
        return NextStep(
            _("The inspector checks your appeal and starts considering it; the answer is due by this date."),
            appeal.deadline,
        )
    if status == AppealStatus.ANSWERED.value:
        if can_rate:
            return NextStep(
                _("Read the answer and rate it. If the problem is not solved, say so: the supervisor reviews it."), None
            )
        return NextStep(_("The inspector checks how the measures worked before the case is closed."), None)
    if status == AppealStatus.REJECTED.value:
        return NextStep(_("The reason is given in the answer. You may appeal again with the missing details."), None)
    if appeal.stage >= 4:
        return NextStep(_("The inspector is writing the answer; it is due by this date."), appeal.deadline)
    return NextStep(_("The inspector is considering your appeal; the answer is due by this date."), appeal.deadline)


def registration_note(appeal: Appeal) -> str:
    """Why the registration date is later than the day the appeal arrived (Art. 23); empty otherwise."""
    local = as_utc(appeal.received_at).astimezone(TASHKENT)
    if local.date() == appeal.registered_on:
        return ""
    working = current_calendar()
    if working.is_working_day(local.date()):
        why = _(
            "it arrived on %(date)s at %(time)s, after working hours (until %(closes)s)",
            date=format_date(local.date(), "long"),
            time=format_time(local.time(), "HH:mm"),
            closes=working.closes.strftime("%H:%M"),
        )
    else:
        why = _("it arrived on %(date)s, a day off or holiday", date=format_date(local.date(), "long"))
    return _(
        "Registered on the next working day, %(date)s, because %(why)s (Law on appeals, Article 23).",
        date=format_date(appeal.registered_on, "long"),
        why=why,
    )


def latest_rating(appeal: Appeal) -> AppealRating | None:
    return db.session.scalar(
        select(AppealRating)
        .where(AppealRating.appeal_id == appeal.id)
        .order_by(AppealRating.created_at.desc(), AppealRating.id.desc())
        .limit(1)
    )
