"""A referral's norms in working days, and the timer moments the referral diagram reads.

The partner acknowledges within 5 working days of the day the referral was sent and answers
within 15; two working days after the answer was due, the inspector's supervisor gets the
escalation. Days are counted on the project's working calendar (weekends, public holidays).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from webapp.cases.timer_data import overdue_at
from webapp.casework.appeals.deadlines import WorkingCalendar

ACKNOWLEDGE_WORKING_DAYS = 5
ANSWER_WORKING_DAYS = 15
ESCALATE_AFTER_WORKING_DAYS = 2
MOMENTS = ("referral_acknowledge_at", "referral_answer_at", "referral_escalate_at")


@dataclass(frozen=True)
class ReferralDues:
    acknowledge: dt.date
    answer: dt.date
    escalate: dt.date


def referral_dues(sent_on: dt.date, calendar: WorkingCalendar) -> ReferralDues:
    answer = calendar.add_working_days(sent_on, ANSWER_WORKING_DAYS)
    return ReferralDues(
        acknowledge=calendar.add_working_days(sent_on, ACKNOWLEDGE_WORKING_DAYS),
        answer=answer,
        escalate=calendar.add_working_days(answer, ESCALATE_AFTER_WORKING_DAYS),
    )


def referral_moments(sent_on: dt.date, calendar: WorkingCalendar) -> dict[str, str]:
    """The variables of processes/partner_referral.bpmn's timers: the first moment past each due day."""
    dues = referral_dues(sent_on, calendar)
    return {
        "referral_acknowledge_at": overdue_at(dues.acknowledge).isoformat(),
        "referral_answer_at": overdue_at(dues.answer).isoformat(),
        "referral_escalate_at": overdue_at(dues.escalate).isoformat(),
    }
