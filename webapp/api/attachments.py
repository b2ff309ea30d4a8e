"""Attaching files to an appeal through the API (multipart/form-data)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask_babel import gettext as _

from webapp.api.openapi import operation
from webapp.api.routes import blueprint, error
from webapp.api.schemas import AttachmentList, ErrorOut
from webapp.casework.appeals.service import appeal_for
from webapp.errors import NotFoundError
from webapp.intake.attachments.files import UploadRefused, read_uploads
from webapp.intake.attachments.service import add_attachments
from webapp.platform.auth.models import Role

UPLOADING_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)


@blueprint.route("/appeals/<number>/attachments", methods=["POST"])
@operation(
    summary="Attach photos or documents to an appeal",
    tag="appeals",
    multipart_files="files",
    request_description=(
        "multipart/form-data with one or more 'files': JPEG, PNG, WebP, PDF or DOCX (recognised by content), "
        "at most 5 MB each, 10 files and 25 MB per appeal."
    ),
    responses={
        201: ("Attached", AttachmentList),
        403: ("The caller may not attach files", ErrorOut),
        404: ("Unknown, or outside your territory", ErrorOut),
        413: ("The request is too large", ErrorOut),
        422: ("A file of a wrong type or size", ErrorOut),
    },
)
def upload_attachments(number: str) -> Any:
    user = g.api_user
    if not user.has_role(*UPLOADING_ROLES):
        return error(403, _("Your account may not attach files."))
    appeal = appeal_for(user, number)
    if appeal is None:
        raise NotFoundError()
    try:
        uploads = read_uploads(request.files.getlist("files"))
        if not uploads:
            raise UploadRefused(_("Send at least one file in the 'files' field of a multipart/form-data body."))
        rows = add_attachments(appeal, uploads, user)
    except UploadRefused as refused:
        return error(
            422, _("The files were not attached."), [{"field": "files", "code": "refused", "message": str(refused)}]
        )
    body = {
        "attachments": [
            {"id": r.id, "filename": r.filename, "content_type": r.content_type, "size": r.size, "sha256": r.sha256}
            for r in rows
        ]
    }
    return jsonify(body), 201
