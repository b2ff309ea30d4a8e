"""Completing record_result stores the reply letter (text + PDF) once and queues it to the applicant."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tests.conftest import World
from tests.replies.conftest import RUSSIAN_REPLY, RUSSIAN_TEXT, UZBEK_REPLY, finish_case
from tests.webapp.cases import drive_to, is_access_code_notice, register
from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.service import store_reply_letter
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage


def documents(appeal: Appeal) -> list[Document]:
    db.session.expire_all()
    return list(db.session.scalars(select(Document).where(Document.appeal_id == appeal.id).order_by(Document.id)))


def outbox(appeal: Appeal) -> list[OutboxMessage]:
    """The appeal's notices besides the registration's access code."""
    query = select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id).order_by(OutboxMessage.channel)
    return [m for m in db.session.scalars(query) if not is_access_code_notice(m)]


def test_record_result_stores_one_letter_and_queues_email_and_sms(world: World, answered: Appeal) -> None:
    [document] = documents(answered)
    assert (document.kind, document.language, document.text) == ("reply_letter", "uz", UZBEK_REPLY)
    assert document.created_by_id == world.inspector.id
    assert document.pdf.startswith(b"%PDF-")
    email, sms = outbox(answered)
    assert (email.channel, email.recipient, email.document_id, email.status) == (
        "email",
        "vali@example.uz",
        document.id,
        "pending",
    )
    assert email.subject == f"Murojaatingiz (№ {answered.number}) boʻyicha javob"
    assert "javob xati tayyorlandi va ilova qilindi" in email.body
    assert (sms.channel, sms.recipient, sms.document_id) == ("sms", "+998901234567", None)
    assert sms.body.startswith(f"Murojaatingiz (№ {answered.number}) boʻyicha javob: ")
    assert "kirish kodi" in sms.body
    assert len(sms.body) <= 480


def test_the_letter_is_not_stored_or_sent_twice(world: World, answered: Appeal) -> None:
    assert store_reply_letter(answered, UZBEK_REPLY, world.inspector) is False
    db.session.commit()
    assert len(documents(answered)) == 1
    assert len(outbox(answered)) == 2


def test_russian_reply_is_a_russian_document(world: World) -> None:
    appeal = register(world, text=RUSSIAN_TEXT, applicant_name="Петрова Анна", applicant_phone="+998907654321")
    finish_case(world, appeal, RUSSIAN_REPLY)
    [document] = documents(appeal)
    assert document.language == "ru"
    [sms] = outbox(appeal)
    assert sms.body.startswith(f"Ответ на Ваше обращение № {appeal.number}: ")


def test_no_contact_details_means_a_document_but_no_messages(world: World) -> None:
    appeal = finish_case(world, register(world), UZBEK_REPLY)
    assert len(documents(appeal)) == 1
    assert outbox(appeal) == []


def test_nothing_is_stored_before_record_result(world: World) -> None:
    appeal = register(world, applicant_email="vali@example.uz")
    drive_to(world, appeal, "record_result")
    assert documents(appeal) == []
    assert outbox(appeal) == []


def test_pdf_text_keeps_uzbek_latin_cyrillic_and_russian(world: World, pdf_text: Callable[[bytes], str]) -> None:
    reply = (
        "Hurmatli fuqaro! Murojaatingiz boʻyicha koʻcha toʻgʻrilandi, Mas'ullar ogohlantirildi.\n"
        "Ҳурматли фуқаро! Мурожаатингиз бўйича чоралар кўрилди, ғамхўрлик қилинди.\n"
        "По Вашему обращению проведена профилактическая беседа."
    )
    appeal = finish_case(world, register(world), reply)
    [document] = documents(appeal)
    text = pdf_text(document.pdf)
    for expected in ("oʻ", "gʻ", "ў", "қ", "Ҳ", "ғ", "Mas'ullar", "boʻyicha", "toʻgʻrilandi", "Мурожаатингиз бўйича"):
        assert expected in text, expected
    assert "По Вашему обращению проведена профилактическая беседа." in text
