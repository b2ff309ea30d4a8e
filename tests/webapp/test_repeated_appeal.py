"""The repeated-appeal rule: the analysis task shows the applicant's earlier answered appeal and
offers to leave the new one unconsidered; the inspector's written conclusion goes to the
supervisor; approved, the case closes and the applicant is told why; refused or not chosen, the
appeal is considered as usual. Never automatic."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.webapp.cases import appeal_by_number, complete, drive_to, event_kinds, pending_names, register, the_task
from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.preparation import prepare_documents
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage

PHONE = "+998 93 111 22 33"
CONCLUSION = "Murojaatingiz 2026-000001 raqamli murojaat bilan bir xil masalada, yangi dalillar keltirilmagan."


def sms_count(appeal: Appeal) -> int:
    query = select(OutboxMessage).where(
        OutboxMessage.appeal_id == appeal.id, OutboxMessage.channel == "sms", OutboxMessage.recipient == PHONE
    )
    return len(db.session.scalars(query).all())


def repeated_case(world: World) -> tuple[str, str]:
    earlier = register(world, applicant_phone=PHONE, text="Ko'chadagi chiroqlar yonmayapti, iltimos tuzating.")
    drive_to(world, earlier, "evaluate_effectiveness")  # answered
    new = register(world, applicant_phone=PHONE, text="Yana chiroqlar haqida: ko'chada chiroqlar yonmayapti.")
    drive_to(world, new, "analyse_appeal")
    return earlier.number, new.number


def test_the_analysis_task_shows_the_earlier_answer_beside(
    world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    earlier, new = repeated_case(world)
    pending = the_task(appeal_by_number(new), "analyse_appeal")
    html = as_user(world.inspector).get(f"/tasks/{pending.id}").get_data(as_text=True)
    assert 'id="earlier-answers"' in html and f'data-number="{earlier}"' in html
    assert 'name="leave_as_repeated"' in html


def test_approved_conclusion_closes_the_case_and_tells_the_applicant_why(world: World) -> None:
    earlier, new = repeated_case(world)
    appeal = appeal_by_number(new)
    complete(world, appeal, "analyse_appeal", leave_as_repeated=True, earlier_appeal=earlier)
    assert pending_names(appeal_by_number(new)) == ["write_repeated_conclusion"]
    complete(world, appeal_by_number(new), "write_repeated_conclusion", repeated_conclusion=CONCLUSION)
    assert pending_names(appeal_by_number(new)) == ["approve_repeated_conclusion"]
    before = sms_count(appeal)
    complete(world, appeal_by_number(new), "approve_repeated_conclusion", repeated_approved=True)
    after = appeal_by_number(new)
    assert (after.status, after.is_open, pending_names(after)) == ("rejected", False, [])
    letter = db.session.scalar(select(Document).where(Document.appeal_id == after.id))
    assert letter is not None and letter.text == CONCLUSION
    assert sms_count(after) == before  # the PDF and the message follow in the background job
    assert prepare_documents().ready == 2  # this letter and the earlier appeal's reply
    assert sms_count(after) == before + 1  # the applicant is told (the letter, by SMS to the phone given)
    assert ("left_unconsidered_as_repeated", None) in event_kinds(after)


def test_refused_conclusion_means_the_appeal_is_considered(world: World) -> None:
    earlier, new = repeated_case(world)
    complete(world, appeal_by_number(new), "analyse_appeal", leave_as_repeated=True, earlier_appeal=earlier)
    complete(world, appeal_by_number(new), "write_repeated_conclusion", repeated_conclusion=CONCLUSION)
    complete(
        world,
        appeal_by_number(new),
        "approve_repeated_conclusion",
        repeated_approved=False,
        repeated_supervisor_comment="Yangi dalillar bor: odatdagidek koʻrib chiqilsin.",
    )
    after = appeal_by_number(new)
    assert after.is_open and after.status != "rejected"
    assert pending_names(after) == ["take_measures"]


def test_never_automatic(world: World) -> None:
    _earlier, new = repeated_case(world)
    complete(world, appeal_by_number(new), "analyse_appeal")  # the path is not chosen
    after = appeal_by_number(new)
    assert pending_names(after) == ["take_measures"] and after.is_open
