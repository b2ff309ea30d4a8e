"""When the result is recorded, the reply letter is final: store it as a PDF and send it."""

from __future__ import annotations

from webapp.cases.hooks import TaskCompletion, after_task
from webapp.cases.models import APPEAL
from webapp.casework.replies.service import store_reply_letter


@after_task(APPEAL, "record_result")
def reply_letter_on_result(completion: TaskCompletion) -> None:
    text = str(completion.case_data.get("reply_text") or "").strip()
    if text:
        store_reply_letter(completion.record, text, completion.actor)
