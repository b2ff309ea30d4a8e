"""Earlier answered appeals of the same applicant, shown beside the new one."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.casework.appeals.models import Appeal, AppealStatus
from webapp.casework.related.service import related_appeals
from webapp.intake.public.service import reply_letter

ANSWERED = (AppealStatus.ANSWERED.value, AppealStatus.RESOLVED.value)


@dataclass(frozen=True)
class EarlierAnswer:
    appeal: Appeal
    reply_text: str


def earlier_answers(appeal: Appeal) -> list[EarlierAnswer]:
    """The same applicant's earlier appeals (same phone or passport) that were answered, with the
    answer given; the newest first."""
    found = []
    for related in related_appeals(appeal):
        earlier = related.appeal
        if related.reason != "same_applicant" or earlier.status not in ANSWERED:
            continue
        letter = reply_letter(earlier)
        found.append(EarlierAnswer(earlier, letter.text if letter is not None else ""))
    return found
