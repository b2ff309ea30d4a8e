"""The case diagram's data: the BPMN documents of a case's own version and what the case completed.

The case page (templates/appeals/_diagram.html, static/js/case-diagram.js) fetches both.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.cases.element_names import viewer_document
from webapp.casework.appeals.routes import CASE_ROLES
from webapp.casework.appeals.service import appeal_for
from webapp.platform.auth.access import roles_required
from webapp.studio.diagrams.service import case_diagrams, diagram_xml

blueprint = Blueprint("diagrams", __name__, url_prefix="/appeals")


def _translated(text: str) -> str:
    """A diagram's own text (the process name) in the user's language; its msgid comes from the BPMN."""
    return _(text) if text else ""


@blueprint.route("/<number>/diagrams.json")
@roles_required(*CASE_ROLES)
def diagrams(number: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    entries = [
        {
            **entry,
            "title": _translated(entry["name"]),
            "xml_url": url_for("diagrams.xml", number=appeal.number, process_id=entry["process_id"]),
        }
        for entry in case_diagrams(appeal)
    ]
    response = jsonify({"appeal": appeal.number, "diagrams": entries})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/<number>/diagrams/<process_id>.bpmn")
@roles_required(*CASE_ROLES)
def xml(number: str, process_id: str) -> Any:
    appeal = appeal_for(current_user, number)
    if appeal is None:
        abort(404)
    document = diagram_xml(appeal, process_id)
    if document is None:
        abort(404)
    response = Response(viewer_document(document), mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Diagrams are data for the viewer: opened directly, nothing in them may run or load.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
