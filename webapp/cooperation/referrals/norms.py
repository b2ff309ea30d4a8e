"""A referral's norms in working days, and the timer moments the referral diagram reads.

The partner acknowledges within 5 working days of the day the referral was sent and answers
within 15; two working days after the answer was due, the inspector's supervisor gets the
escalation. Days are counted on the project's working calendar (weekends, public holidays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webapp.casework.appeals.deadlines import WorkingCalendar
from webapp.casework.appeals.timer_data import overdue_at
from webapp.cooperation.partners.models import PartnerKind

EVERY_KIND = tuple(kind.value for kind in PartnerKind)

ACKNOWLEDGE_WORKING_DAYS = 5
ANSWER_WORKING_DAYS = 15
ESCALATE_AFTER_WORKING_DAYS = 2
# The variables the referral diagram's timers read: the moments of each partner kind (this version) and
# the flat ones (the versions before several referrals at once, which running cases keep).
MOMENTS = ("referral_timers", "referral_acknowledge_at", "referral_answer_at", "referral_escalate_at")


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


def _moments(sent_on: dt.date, calendar: WorkingCalendar) -> dict[str, str]:
    """The first moment past each due day of a referral sent on ``sent_on``."""
    dues = referral_dues(sent_on, calendar)
    return {
        "acknowledge_at": overdue_at(dues.acknowledge).isoformat(),
        "answer_at": overdue_at(dues.answer).isoformat(),
        "escalate_at": overdue_at(dues.escalate).isoformat(),
    }


def referral_moments(
    sent_on: dt.date,
    calendar: WorkingCalendar,
    *,
    kinds: Mapping[str, dt.date] | None = None,
    all_kinds: tuple[str, ...] = EVERY_KIND,
    new_on: dt.date | None = None,
) -> dict[str, Any]:
    """The variables of processes/partner_referral.bpmn's timers.

    ``referral_timers[<partner kind>]`` holds each referral's own moments (a referral sent to
    several partners at once runs one instance per partner, each reading its kind's entry):
    the kinds in ``kinds`` count from their sending day, every other kind (of ``all_kinds``) from
    ``new_on`` (default ``sent_on``: a referral this action sends). The flat ``referral_*_at``
    moments, from ``sent_on``, are what the diagram's previous version reads (its running cases
    keep that version)."""
    flat = _moments(sent_on, calendar)
    fresh = flat if new_on is None or new_on == sent_on else _moments(new_on, calendar)
    per_kind = {kind: dict(fresh) for kind in all_kinds}
    for kind, day in (kinds or {}).items():
        per_kind[kind] = _moments(day, calendar)
    return {
        "referral_acknowledge_at": flat["acknowledge_at"],
        "referral_answer_at": flat["answer_at"],
        "referral_escalate_at": flat["escalate_at"],
        "referral_timers": per_kind,
    }
