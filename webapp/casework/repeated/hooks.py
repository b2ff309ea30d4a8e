"""When the supervisor approves the conclusion, the applicant is told why: the conclusion becomes
the reply letter (stored as a PDF, sent by e-mail and SMS like any answer)."""

from __future__ import annotations

from webapp.cases.events import log_event
from webapp.cases.hooks import TaskCompletion, after_task
from webapp.cases.models import APPEAL
from webapp.casework.replies.service import store_reply_letter


@after_task(APPEAL, "approve_repeated_conclusion")
def tell_the_applicant(completion: TaskCompletion) -> None:
    if completion.data.get("repeated_approved") is not True:
        return
    conclusion = str(completion.case_data.get("repeated_conclusion") or "").strip()
    earlier = str(completion.case_data.get("earlier_appeal") or "").strip()
    if conclusion:
        store_reply_letter(completion.record, conclusion, completion.actor)
    log_event(
        completion.record,
        "left_unconsidered_as_repeated",
        completion.actor,
        data={"earlier_appeal": earlier, "applicant_told": bool(conclusion)},
    )
