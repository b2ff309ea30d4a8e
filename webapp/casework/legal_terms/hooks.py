"""Notices due when tasks complete (run inside the completing transaction).

* analyse_appeal on a proposal with ``extra_study_needed``: tell the applicant the answer comes
  within one month (the law wants this within 10 days of registration).
* forward_appeal: tell the applicant which competent body the appeal went to.
"""

from __future__ import annotations

from webapp.cases.events import log_event
from webapp.cases.hooks import TaskCompletion, after_task
from webapp.cases.models import APPEAL
from webapp.casework.appeals.deadlines import proposal_notice_due
from webapp.casework.appeals.models import AppealKind
from webapp.casework.legal_terms import notices
from webapp.platform.notifications.service import notify_applicant


@after_task(APPEAL, "analyse_appeal")
def proposal_needs_study(done: TaskCompletion) -> None:
    appeal = done.record
    if appeal.kind != AppealKind.TAKLIF.value or not done.data.get("extra_study_needed"):
        return
    subject, body = notices.proposal_study(appeal)
    sent = notify_applicant(appeal, subject, body)
    log_event(
        appeal,
        "proposal_study_notice",
        done.actor,
        data={
            "deadline": appeal.deadline.isoformat(),
            "notice_due": proposal_notice_due(appeal.registered_on).isoformat(),
            "notified": sorted(m.channel for m in sent),
        },
    )


@after_task(APPEAL, "forward_appeal")
def forwarded(done: TaskCompletion) -> None:
    appeal = done.record
    competent_body = str(done.data.get("competent_body") or "").strip()
    subject, body = notices.forwarding(appeal, competent_body)
    sent = notify_applicant(appeal, subject, body)
    log_event(
        appeal,
        "forwarding_notice",
        done.actor,
        data={"competent_body": competent_body, "notified": sorted(m.channel for m in sent)},
    )
