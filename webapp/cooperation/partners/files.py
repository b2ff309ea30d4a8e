"""The files a partner (or a mahalla chair) gave with their answers to referrals: they see what
they sent, and download it again; every download is logged like their other reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from webapp.casework.appeals.models import Appeal, Attachment
from webapp.extensions import db
from webapp.intake.attachments.form_files import form_files_of, own_form_file
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.transaction import transaction


@dataclass(frozen=True)
class SentFile:
    attachment: Attachment
    number: str


def sent_files(user: User) -> list[SentFile]:
    """The user's own files from task forms, newest first, with the number of their appeal."""
    files = form_files_of(user)
    ids = {f.appeal_id for f in files}
    found = db.session.execute(select(Appeal.id, Appeal.number).where(Appeal.id.in_(ids)))
    numbers = {row.id: row.number for row in found}
    return [SentFile(f, numbers.get(f.appeal_id, "")) for f in files]


def sent_file_read(user: User, attachment_id: int) -> Attachment | None:
    """The user's own file, its reading logged (committed); None for anyone else's (404)."""
    attachment = own_form_file(user, attachment_id)
    if attachment is None:
        return None
    number = db.session.scalar(select(Appeal.number).where(Appeal.id == attachment.appeal_id)) or ""
    with transaction():
        record(
            "partner_downloaded_file",
            "appeal",
            number,
            actor_id=user.id,
            after={"file": attachment.id, "task": attachment.task_name or "", "via": "browser"},
        )
    return attachment
