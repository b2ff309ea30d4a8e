"""Reply letters on a case: the draft for the inspector, the final document and its delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.files import document_filename
from webapp.casework.replies.letters import LetterData, case_fields, detect_language, render_letter, render_notice
from webapp.casework.replies.pdf import render_pdf
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.service import notify_applicant
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.territory.service import appeal_scope
from webapp.platform.timeutil import as_utc, local_today

REPLY_LETTER = "reply_letter"


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    kind: str
    language: str
    filename: str
    created_at: dt.datetime


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
    )


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


def store_reply_letter(appeal: Appeal, text: str, actor: User) -> Document | None:
    """Keep the final letter (text and PDF) on the case and queue it to the applicant.

    Runs inside the caller's transaction. Idempotent: the same text as the latest letter is not
    stored or sent again (None then).
    """
    latest = db.session.scalar(
        select(Document.text)
        .where(Document.appeal_id == appeal.id, Document.kind == REPLY_LETTER)
        .order_by(Document.id.desc())
        .limit(1)
    )
    if latest is not None and latest.strip() == text.strip():
        return None
    language = detect_language(text)
    pdf = render_pdf(
        text,
        title=document_filename(appeal.number, REPLY_LETTER),
        font_path=current_app.config["PDF_FONT_PATH"],
    )
    document = Document(
        appeal_id=appeal.id, kind=REPLY_LETTER, language=language, text=text, pdf=pdf, created_by_id=actor.id
    )
    db.session.add(document)
    db.session.flush()
    subject, body = render_notice(appeal.number, language, attached=bool(appeal.applicant_email))
    notify_applicant(appeal, subject, body, document_id=document.id)
    return document


def documents_of(appeal: Appeal) -> list[DocumentSummary]:
    rows = db.session.execute(
        select(Document.id, Document.kind, Document.language, Document.created_at)
        .where(Document.appeal_id == appeal.id)
        .order_by(Document.created_at, Document.id)
    )
    number = appeal.number
    return [
        DocumentSummary(row.id, row.kind, row.language, document_filename(number, row.kind), as_utc(row.created_at))
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
    if row is None:
        return None
    return DocumentFile(document_filename(number, row.kind), bytes(row.pdf))
