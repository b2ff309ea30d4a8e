"""One stored attachment as a download: always ``Content-Disposition: attachment`` with its safe
name, never sniffed or cached by the browser."""

from __future__ import annotations

import io

from flask import Response, abort, send_file

from webapp.casework.appeals.models import Attachment
from webapp.intake.attachments.service import file_of


def attachment_response(attachment: Attachment) -> Response:
    path = file_of(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        io.BytesIO(path.read_bytes()),  # at most a few MB; no file handle left to the WSGI server
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
