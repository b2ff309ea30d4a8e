"""A citizen withdraws their appeal ("murojaatni qaytarib olish") at any stage.

The appeal's case takes the BPMN message ``appeal_withdrawn``: the interrupting event sub-process
``citizen_withdrawal`` of the appeal lifecycle cancels whatever is pending, marks the appeal
withdrawn and closes the case. The reason is kept in the case's log as its notice.
"""

from __future__ import annotations

from webapp.cases.events import log_event
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import deliver_case_message

WITHDRAWAL_MESSAGE = "appeal_withdrawn"
MAX_REASON_LENGTH = 1000


def withdraw_appeal(appeal: Appeal, reason: str) -> bool:
    """Close the appeal's case as withdrawn and commit; False (nothing changed) when it is already closed.

    Raises Conflict or StepFailed from the case (rolled back).
    """
    if not appeal.is_open:
        return False
    text = reason.strip()[:MAX_REASON_LENGTH]
    return deliver_case_message(
        appeal,
        WITHDRAWAL_MESSAGE,
        {"reason": text},
        also=lambda a: log_event(a, "appeal_withdrawn", None, data={"reason": text}),
        reopens=False,
    )
