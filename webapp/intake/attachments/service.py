"""Attachment rows and their files, written in the caller's transaction.

A file is written before its row; if the transaction does not commit, the file is removed
again (session events below), so neither orphan files nor rows without a file remain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from webapp.cases.events import log_event
from webapp.casework.appeals.models import Appeal, Attachment
from webapp.extensions import db
from webapp.intake.attachments.files import Upload, check_batch, new_storage_key, stored_path, write_file
from webapp.platform.auth.models import User
from webapp.platform.transaction import transaction

_STAGED = "attachment_files_written"


def attachments_root() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def stage_file(upload: Upload) -> str:
    """Write a checked file under a new storage key, removed again unless the transaction commits."""
    key = new_storage_key()
    path = write_file(attachments_root(), key, upload.data)
    db.session.info.setdefault(_STAGED, []).append(path)
    return key


def stored_file(storage_key: str) -> Path:
    return stored_path(attachments_root(), storage_key)


def store_uploads(appeal: Appeal, uploads: list[Upload] | tuple[Upload, ...], actor: User | None) -> list[Attachment]:
    """Write the files and add their rows (within the caller's transaction; the caller commits)."""
    rows: list[Attachment] = []
    for upload in uploads:
        key = stage_file(upload)
        row = Attachment(
            appeal_id=appeal.id,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            storage_key=key,
            uploaded_by_id=actor.id if actor else None,
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
    return rows


def add_attachments(appeal: Appeal, uploads: list[Upload], actor: User) -> list[Attachment]:
    """Attach more files to a registered appeal (one transaction; the limits count earlier files,
    not those given in task forms)."""
    count, total = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.appeal_id == appeal.id, Attachment.form_field.is_(None)
        )
    ).one()
    check_batch(uploads, existing_count=int(count), existing_bytes=int(total))
    with transaction():
        rows = store_uploads(appeal, uploads, actor)
        log_event(appeal, "attachments_added", actor, data={"files": [r.filename for r in rows]})
    return rows


def attachments_of(appeal: Appeal) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.appeal_id == appeal.id).order_by(Attachment.id)))


def attachment_of(appeal: Appeal, attachment_id: int) -> Attachment | None:
    return db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.appeal_id == appeal.id)
    )


def file_of(attachment: Attachment) -> Path:
    return stored_file(attachment.storage_key)


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    session.info.pop(_STAGED, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    paths: Any = session.info.pop(_STAGED, None)
    for path in paths or ():
        Path(path).unlink(missing_ok=True)
