"""The citizen's rating of an answer; a low rating or "not resolved" reopens the case.

While the case still runs (stage 5, the supervisor evaluating effectiveness) the message
``citizen_dissatisfied`` sends it back to resolution; once closed, a new appeal linked to it
("reopened") is registered. Either way the district's supervisors are told by email.
All of it is one transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.cases.events import log_event
from webapp.casework.appeals.models import Appeal, AppealLink, AppealRating, Channel
from webapp.casework.appeals.runtime import deliver_case_message
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.service import queue_message
from webapp.platform.territory.models import District
from webapp.platform.transaction import transaction

DISSATISFIED_MESSAGE = "citizen_dissatisfied"
LOW_SCORE = 2
REOPEN_PREFIX = "Qayta murojaat"  # the new appeal's text is data in the office language


class Outcome(enum.StrEnum):
    RECORDED = "recorded"  # satisfied: nothing else happens
    REOPENED = "reopened"  # the running case went back to resolution
    NEW_APPEAL = "new_appeal"  # the case was closed: a linked appeal was registered
    ESCALATED = "escalated"  # dissatisfied, but the case could not be reopened: supervisors told


@dataclass(frozen=True)
class Rating:
    score: int
    resolved: bool
    comment: str = ""

    @property
    def dissatisfied(self) -> bool:
        return self.score <= LOW_SCORE or not self.resolved


@dataclass(frozen=True)
class RatingResult:
    outcome: Outcome
    new_appeal: Appeal | None = None


def district_supervisors(appeal: Appeal) -> list[User]:
    """Active supervisors of the appeal's district; those of its region when the district has none."""
    base = select(User).where(User.role == Role.SUPERVISOR.value, User.active.is_(True)).order_by(User.id)
    found = list(db.session.scalars(base.where(User.district_id == appeal.district_id)))
    if found:
        return found
    region = select(District.region_id).where(District.id == appeal.district_id).scalar_subquery()
    return list(db.session.scalars(base.where(User.district_id.is_(None), User.region_id == region)))


def _tell_supervisors(appeal: Appeal, rating: Rating, outcome: Outcome, new_appeal: Appeal | None) -> list[str]:
    """Queue an email to each supervisor (in their language); return the recipients."""
    default = current_app.config["LANGUAGES"][0]
    recipients = []
    for supervisor in district_supervisors(appeal):
        if not supervisor.email:
            continue
        with force_locale(supervisor.language or default):
            subject = _("Appeal %(number)s: the citizen is not satisfied", number=appeal.number)
            lines = [
                _(
                    "The citizen rated the answer to appeal %(number)s with %(score)d of 5.",
                    number=appeal.number,
                    score=rating.score,
                ),
                _("Problem resolved: %(answer)s.", answer=_("yes") if rating.resolved else _("no")),
            ]
            if rating.comment:
                lines.append(_("Comment: %(comment)s", comment=rating.comment))
            if new_appeal is not None:
                lines.append(_("The case was closed; new appeal %(number)s was registered.", number=new_appeal.number))
            elif outcome == Outcome.REOPENED:
                lines.append(_("The case has been reopened and is back in stage 3."))
            else:
                lines.append(_("The case could not be reopened automatically. Please review it."))
        queue_message(appeal, "email", supervisor.email, "\n".join(lines), subject=subject)
        recipients.append(supervisor.email)
    return recipients


def _record(appeal: Appeal, rating: Rating) -> None:
    db.session.add(
        AppealRating(appeal_id=appeal.id, score=rating.score, resolved=rating.resolved, comment=rating.comment)
    )
    log_event(appeal, "rated", None, data={"score": rating.score, "resolved": rating.resolved})


def _notify(appeal: Appeal, rating: Rating, outcome: Outcome, new_appeal: Appeal | None = None) -> None:
    recipients = _tell_supervisors(appeal, rating, outcome, new_appeal)
    log_event(appeal, "supervisor_notified", None, data={"reason": outcome.value, "recipients": len(recipients)})


def _register_reopened(appeal: Appeal, rating: Rating) -> Appeal:
    """A new appeal from the same applicant, linked to the closed one (one transaction)."""
    text = f"{REOPEN_PREFIX}: {appeal.number}"
    if rating.comment:
        text = f"{text}\n{rating.comment}"
    new = NewAppeal(
        mahalla=appeal.mahalla,
        kind=appeal.kind,
        text=text,
        channel=Channel.WEB.value,
        applicant_name=appeal.applicant_name,
        applicant_phone=appeal.applicant_phone,
        applicant_email=appeal.applicant_email,
        address=appeal.address,
        anonymous=appeal.anonymous,
        category=appeal.category,
        urgency=appeal.urgency,
    )

    def link(created: Appeal) -> None:
        db.session.add(AppealLink(appeal_id=created.id, related_appeal_id=appeal.id, reason="reopened"))
        log_event(created, "linked", None, data={"related": appeal.number, "reason": "reopened"})
        log_event(appeal, "reopened_as", None, data={"appeal": created.number})
        _notify(appeal, rating, Outcome.NEW_APPEAL, created)

    return register_appeal(new, None, also=link)


def rate_appeal(appeal: Appeal, rating: Rating) -> RatingResult:
    """Record the rating and act on dissatisfaction; commits. The caller has checked may_rate."""
    with transaction():
        _record(appeal, rating)
        if not rating.dissatisfied:
            return RatingResult(Outcome.RECORDED)
        if appeal.is_open:
            payload = {"score": rating.score, "resolved": rating.resolved, "comment": rating.comment}
            reopened = deliver_case_message(
                appeal, DISSATISFIED_MESSAGE, payload, also=lambda case: _notify(case, rating, Outcome.REOPENED)
            )
            if reopened:
                return RatingResult(Outcome.REOPENED)
            _notify(appeal, rating, Outcome.ESCALATED)  # the case does not wait for it: supervisors decide
            return RatingResult(Outcome.ESCALATED)
        return RatingResult(Outcome.NEW_APPEAL, _register_reopened(appeal, rating))
