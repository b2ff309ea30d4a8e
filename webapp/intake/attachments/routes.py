"""Attachment upload on the case page and download for those who work the case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.casework.appeals.service import appeal_for
from webapp.intake.attachments.download import attachment_response
from webapp.intake.attachments.files import Upload, UploadRefused, read_uploads
from webapp.intake.attachments.service import add_attachments, attachment_of
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role

blueprint = Blueprint("attachments", __name__, url_prefix="/appeals")

CASE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
UPLOAD_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


def checked_uploads(form: Any) -> list[Upload] | None:
    """The files of the form's ``attachments`` field, or None after adding the reason to its errors."""
    try:
        return read_uploads(request.files.getlist(form.attachments.name))
    except UploadRefused as refused:
        form.attachments.errors = [*form.attachments.errors, str(refused)]
        return None


@blueprint.route("/<number>/attachments", methods=["POST"])  # CSRF: the app-wide CSRFProtect
@roles_required(*UPLOAD_ROLES)
def upload(number: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    try:
        uploads = read_uploads(request.files.getlist("attachments"))
        if not uploads:
            raise UploadRefused(_("Choose at least one file."))
        rows = add_attachments(appeal, uploads, current_user)
    except UploadRefused as refused:
        flash(str(refused), "danger")
    else:
        flash(_("%(count)d file(s) attached.", count=len(rows)), "success")
    return redirect(url_for("appeals.case", number=number, _anchor="attachments"))


@blueprint.route("/<number>/attachments/<int:attachment_id>")
@roles_required(*CASE_ROLES)
def download(number: str, attachment_id: int) -> Any:
    appeal = appeal_for(current_user, number)
    attachment = attachment_of(appeal, attachment_id) if appeal is not None else None
    if attachment is None:
        abort(404)
    return attachment_response(attachment)
