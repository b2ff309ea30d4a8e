"""Download a document of a case (the reply letter PDF)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort
from flask_login import current_user

from webapp.casework.appeals.routes import CASE_ROLES
from webapp.casework.replies.service import document_file, letter_preview
from webapp.platform.auth.access import roles_required

blueprint = Blueprint("replies", __name__, url_prefix="/appeals")


@blueprint.route("/<number>/documents/<int:document_id>.pdf")
@roles_required(*CASE_ROLES)
def download(number: str, document_id: int) -> Any:
    found = document_file(current_user, number, document_id)
    if found is None:
        abort(404)
    response = Response(found.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.route("/<number>/letter-preview.pdf")
@roles_required(*CASE_ROLES)
def preview(number: str) -> Any:
    """The drafted reply letter as a PDF, shown inline beside the approval."""
    found = letter_preview(current_user, number)
    if found is None:
        abort(404)
    response = Response(found.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
