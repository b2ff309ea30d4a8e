"""Reply letters on a case: the draft for the inspector, the final document and its delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal, Document, DocumentStatus
from webapp.casework.appeals.service import index_reply
from webapp.casework.replies.files import document_filename
from webapp.casework.replies.letters import (
    LetterData,
    ReferralAnswer,
    case_fields,
    detect_language,
    referral_answer,
    render_letter,
    render_notice,
)
from webapp.casework.replies.pdf import render_pdf
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.referrals.models import Referral, ReferralStatus
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.service import notify_applicant
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.territory.service import appeal_scope
from webapp.platform.timeutil import as_utc, local_today, utcnow
from webapp.platform.write_batch import insert_rows

REPLY_LETTER = "reply_letter"
PREPARING = DocumentStatus.PREPARING
READY = DocumentStatus.READY


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    kind: str
    language: str
    filename: str
    created_at: dt.datetime
    status: str = READY
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: dt.datetime | None = None

    @property
    def ready(self) -> bool:
        return self.status == READY


def letter_data(appeal: Appeal, inspector: User, case_data: Mapping[str, Any]) -> LetterData:
    mahalla, district, region = db.session.execute(
        select(Mahalla.name, District.name, Region.name)
        .join(District, District.id == Mahalla.district_id)
        .join(Region, Region.id == District.region_id)
        .where(Mahalla.id == appeal.mahalla_id)
    ).one()
    return LetterData(
        number=appeal.number,
        received=appeal.registered_on,
        applicant_name=appeal.applicant_name,
        address=appeal.address,
        mahalla=mahalla,
        district=district,
        region=region,
        inspector_name=inspector.full_name,
        today=local_today(),
        **case_fields(case_data),
        referrals=referral_answers(appeal),
    )


def referral_answers(appeal: Appeal) -> tuple[ReferralAnswer, ...]:
    """What each partner organisation the appeal was referred to answered, in the order sent
    (not a withdrawn or re-routed referral, nor an answer "not our competence")."""
    rows = db.session.execute(
        select(PartnerOrganisation.name, Referral.partner_kind, Referral.outcome, Referral.outcome_date)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == Referral.organisation_id)
        .where(
            Referral.appeal_id == appeal.id,
            Referral.status == ReferralStatus.ANSWERED,
            Referral.not_our_competence.is_(False),
        )
        .order_by(Referral.id)
    ).all()
    return tuple(referral_answer(name or "", kind, outcome, day) for name, kind, outcome, day in rows)


def submitted_data(appeal: Appeal) -> dict[str, Any]:
    """Everything entered on the case's completed tasks, later answers overriding earlier ones."""
    merged: dict[str, Any] = {}
    for data in db.session.scalars(
        select(CaseEvent.data)
        .where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed")
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    ):
        merged.update(data or {})
    return merged


def draft_reply(appeal: Appeal, inspector: User, values: Mapping[str, Any]) -> str:
    """The reply letter from the template filled with the case's data, in the applicant's language."""
    case_data = {**submitted_data(appeal), **{k: v for k, v in values.items() if v not in (None, "")}}
    return render_letter(letter_data(appeal, inspector, case_data), detect_language(appeal.text))


def store_reply_letter(appeal: Appeal, text: str, actor: User) -> bool:
    """Keep the final letter's text on the case; its PDF and the message to the applicant follow.

    Runs inside the caller's transaction and does no more than one insert: the document waits as
    ``preparing`` until the background job (``preparation.prepare_documents``) renders the PDF and
    queues it to the applicant, after the transaction has committed. Idempotent: the same text as
    the latest letter is not stored again (False then). The insert joins the completion's batch
    (webapp.platform.write_batch).
    """
    latest = db.session.scalar(
        select(Document.text)
        .where(Document.appeal_id == appeal.id, Document.kind == REPLY_LETTER)
        .order_by(Document.id.desc())
        .limit(1)
    )
    if latest is not None and latest.strip() == text.strip():
        return False
    now = utcnow()
    row = {
        "appeal_id": appeal.id,
        "kind": REPLY_LETTER,
        "language": detect_language(text),
        "text": text,
        "pdf": None,
        "created_by_id": actor.id,
        "status": PREPARING,
        "next_attempt_at": now,
    }
    insert_rows(Document.__table__, [row])
    index_reply(appeal, text)
    return True


def letter_pdf(appeal: Appeal, text: str) -> bytes:
    """The letter's PDF as the applicant gets it."""
    title = document_filename(appeal.number, REPLY_LETTER)
    return render_pdf(text, title=title, font_path=current_app.config["PDF_FONT_PATH"])


def notify_letter_ready(appeal: Appeal, document: Document) -> None:
    """Queue the ready letter to the applicant (e-mail with the PDF, SMS)."""
    subject, body = render_notice(appeal.number, document.language, attached=bool(appeal.applicant_email))
    notify_applicant(appeal, subject, body, document_id=document.id)


def documents_of(appeal: Appeal) -> list[DocumentSummary]:
    rows = db.session.execute(
        select(
            Document.id,
            Document.kind,
            Document.language,
            Document.created_at,
            Document.status,
            Document.attempts,
            Document.last_error,
            Document.next_attempt_at,
        )
        .where(Document.appeal_id == appeal.id)
        .order_by(Document.created_at, Document.id)
    )
    number = appeal.number
    return [
        DocumentSummary(
            row.id,
            row.kind,
            row.language,
            document_filename(number, row.kind),
            as_utc(row.created_at),
            row.status,
            row.attempts,
            row.last_error,
            as_utc(row.next_attempt_at) if row.next_attempt_at else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    pdf: bytes


def document_file(user: User, number: str, document_id: int) -> DocumentFile | None:
    """The PDF of a document on a case the user may see; None otherwise (callers answer 404)."""
    row = db.session.execute(
        select(Document.kind, Document.pdf)
        .join(Appeal, Appeal.id == Document.appeal_id)
        .where(Document.id == document_id, Appeal.number == number, appeal_scope(user))
    ).one_or_none()
    if row is None or row.pdf is None:
        return None  # not there, or still being prepared
    return DocumentFile(document_filename(number, row.kind), bytes(row.pdf))


def letter_preview(user: User, number: str) -> DocumentFile | None:
    """The reply letter as drafted on the case (not yet sent), as the PDF the applicant would get:
    what the supervisor approves. None when the case is not the user's to see or has no draft."""
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == number, appeal_scope(user)))
    if appeal is None:
        return None
    text = str(submitted_data(appeal).get("reply_text") or "").strip()
    if not text:
        return None
    return DocumentFile(document_filename(appeal.number, REPLY_LETTER), letter_pdf(appeal, text))
