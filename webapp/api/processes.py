"""The process API: validate a BPMN or DMN document before it goes into the library (methodologists)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from engine import defined_ids
from webapp.api.openapi import operation
from webapp.api.routes import blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.cases.versions import APPEAL_PROCESS, latest_version
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import problem_dicts
from webapp.platform.query_params import QueryModel, query
from webapp.studio.library import service
from webapp.studio.library.messages import refusal_message

VALIDATING_ROLES = (Role.METHODOLOGIST.value,)


class ProblemOut(BaseModel):
    element_id: str | None = Field(description="the BPMN/DMN element's id, when the problem has one")
    code: str = Field(description="a stable code of the problem (e.g. timer.invalid, script.syntax_error)")
    params: dict[str, Any] = Field(description="the values the message is made of (plain JSON values)")
    message: str = Field(description="the problem in the user's language (Accept-Language)")
    file: str | None = None
    line: int | None = None
    severity: str = Field(description="error or warning")


class ValidationOut(BaseModel):
    valid: bool
    errors: list[ProblemOut] = []
    warnings: list[ProblemOut]


def _context_files(process_id: str, name: str, content: str) -> dict[str, str]:
    """The lineage's newest files with the posted document in place (same name, or same process ids)."""
    version = latest_version(process_id)
    files = dict(version.files or {}) if version is not None else {}
    if name not in files:
        ids = defined_ids(content, name)
        files = {other: text for other, text in files.items() if not (ids & defined_ids(text, other))}
    files[name] = content
    return files


class ValidateArgs(QueryModel):
    process_id: str = Field("", max_length=100)  # the process the document belongs to (the appeal's by default)
    file: str = Field("", max_length=200)  # the document's file name (checked by check_file_name)


@blueprint.route("/processes/validate", methods=["POST"])
@operation(
    summary="Validate a BPMN or DMN document (the XML is the request body)",
    tag="processes",
    raw_body=("application/xml", "text/xml"),
    request_description=(
        "One BPMN or DMN document. It is checked together with the newest version of the lineage "
        "``process_id`` (default appeal_lifecycle), replacing the file ``file`` or the file that "
        "defines the same processes."
    ),
    query={
        "process_id": ("the lineage whose library the document belongs to", False),
        "file": ("the document's file name in the library (.bpmn or .dmn: the kind expected)", False),
    },
    responses={
        200: ("Valid (warnings may be listed)", ValidationOut),
        400: ("Empty or unreadable body, or a bad file name", ErrorOut),
        401: ("No valid bearer token", ErrorOut),
        403: ("Only methodologists validate procedures", ErrorOut),
        413: ("The document is too large", ErrorOut),
        422: ("Not valid: the errors name the elements", ValidationOut),
    },
)
def validate_process() -> Any:
    if not g.api_user.has_role(*VALIDATING_ROLES):
        return error(403, _("Only methodologists may validate procedures."))
    length = request.content_length
    if length is not None and length > service.MAX_UPLOAD_BYTES:
        return error(413, _("The file is larger than %(size)s MB.", size=service.MAX_UPLOAD_BYTES // (1024 * 1024)))
    request.max_content_length = service.MAX_UPLOAD_BYTES
    args = query(ValidateArgs)
    process_id = args.process_id or APPEAL_PROCESS
    try:
        content = service.decode_upload(request.get_data(cache=False))
        name = args.file or ("posted.dmn" if _looks_like_dmn(content) else "posted.bpmn")
        name = service.check_file_name(name)
    except service.LibraryRefused as exc:
        return error(400, refusal_message(exc), [{"field": "body", "code": "invalid", "message": refusal_message(exc)}])
    report = service.validate_files(_context_files(process_id, name, content), process_id)
    body = {"valid": report.valid, "warnings": problem_dicts(report.warnings)}
    if not report.valid:
        body["errors"] = problem_dicts(report.errors)
    return jsonify(body), 200 if report.valid else 422


def _looks_like_dmn(content: str) -> bool:
    head = content[:2000]
    return "omg.org/spec/DMN" in head and "omg.org/spec/BPMN/20100524/MODEL" not in head
