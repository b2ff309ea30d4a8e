"""Files given in the file fields of a task form (engine.form_files): checked against the field's
rules and the server-wide limit, stored in the attachment store as attachments of the appeal,
and handed to the engine as references (id, name, size, content type), never as bytes.

Storing happens inside the completion's transaction (``casework.appeals.runtime.complete_task(files=…)``):
when the completion fails, the rows roll back and the written files are removed with them
(``webapp.intake.attachments.service``), so a refused or lost completion leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from engine import FieldError, FormDefinition, FormInvalid, files_error
from webapp.casework.appeals.models import Appeal, Attachment
from webapp.extensions import db
from webapp.intake.attachments.files import Upload, recognise, safe_filename
from webapp.intake.attachments.service import stage_file
from webapp.platform.auth.models import User

MB = 1024 * 1024


def server_max_bytes() -> int:
    """The server-wide limit of one file in a form (``FORM_FILE_MAX_MB``)."""
    return max(int(current_app.config.get("FORM_FILE_MAX_MB", 10)), 1) * MB


def _field_uploads(form: FormDefinition, field_id: str, storages: Sequence[FileStorage]) -> list[Upload]:
    """The checked files of one field; FormInvalid naming the field when one may not be given."""
    form_field = form.field(field_id)
    rules = form_field.files if form_field is not None and not form_field.readonly else None
    if rules is None:
        raise FormInvalid([FieldError(field_id, "unknown_field")])
    if len(storages) > rules.max_files:  # before reading a byte
        raise FormInvalid([FieldError(field_id, "too_many_files", {"max": rules.max_files})])
    limit = min(rules.max_bytes, server_max_bytes())
    read = [(storage.filename or "", storage.stream.read(limit + 1)) for storage in storages]
    recognised = [recognise(data) if data else None for _name, data in read]
    error = files_error(
        field_id, rules, [(len(data), kind) for (_n, data), kind in zip(read, recognised, strict=True)], limit
    )
    if error is not None:
        raise FormInvalid([error])
    return [
        Upload(filename=safe_filename(name, str(kind)), content_type=str(kind), data=data)
        for (name, data), kind in zip(read, recognised, strict=True)
    ]


def check_form_files(form: FormDefinition, by_field: Mapping[str, Sequence[FileStorage]]) -> dict[str, list[Upload]]:
    """The files of a submission per file field, checked; FormInvalid with every field's reason."""
    checked: dict[str, list[Upload]] = {}
    errors: list[FieldError] = []
    for field_id, storages in by_field.items():
        given = [s for s in storages if isinstance(s, FileStorage) and s.filename]  # an empty input sends no file
        if not given:
            continue
        try:
            checked[field_id] = _field_uploads(form, field_id, given)
        except FormInvalid as invalid:
            errors.extend(invalid.errors)
    if errors:
        raise FormInvalid(errors)
    return checked


def reference(row: Attachment) -> dict[str, Any]:
    return {"id": row.id, "name": row.filename, "size": row.size, "content_type": row.content_type}


def store_form_files(
    appeal: Appeal, task_name: str, uploads: Mapping[str, list[Upload]], actor: User
) -> dict[str, list[dict[str, Any]]]:
    """Write the files and their rows in the caller's transaction; their references per field."""
    rows: dict[str, list[Attachment]] = {}
    for field_id, files in uploads.items():
        for upload in files:
            row = Attachment(
                appeal_id=appeal.id,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                storage_key=stage_file(upload),  # removed again unless the transaction commits
                uploaded_by_id=actor.id,
                task_name=task_name,
                form_field=field_id,
            )
            db.session.add(row)
            rows.setdefault(field_id, []).append(row)
    if rows:
        db.session.flush()
    return {field_id: [reference(r) for r in field_rows] for field_id, field_rows in rows.items()}


@dataclass(frozen=True)
class FormFiles:
    """The files a request sent, per field name, handed to ``complete_task(files=…)``: checked
    against the task's form and stored inside the completion's transaction."""

    by_field: Mapping[str, Sequence[FileStorage]]

    def __call__(self, appeal: Appeal, task_name: str, form: FormDefinition, actor: User) -> dict[str, Any]:
        return store_form_files(appeal, task_name, check_form_files(form, self.by_field), actor)


def form_files_of(user: User, limit: int = 50) -> list[Attachment]:
    """The files the user gave in task forms, newest first (a partner sees what they sent)."""
    return list(
        db.session.scalars(
            db.select(Attachment)
            .where(Attachment.uploaded_by_id == user.id, Attachment.form_field.is_not(None))
            .order_by(Attachment.id.desc())
            .limit(limit)
        )
    )


def own_form_file(user: User, attachment_id: int) -> Attachment | None:
    """A file the user gave in a task form, or None (someone else's answers like a missing one)."""
    return db.session.scalar(
        db.select(Attachment).where(
            Attachment.id == attachment_id, Attachment.uploaded_by_id == user.id, Attachment.form_field.is_not(None)
        )
    )
