"""The process library (/processes): lineages, versions, drafts, the modeler, validation, publishing.

Methodologists change procedures here; administrators may look (read-only). Territory plays no
part: procedures are the same everywhere. Saving from the modeler is a fetch POST of the XML with
the CSRF token in the ``X-CSRFToken`` header; every other action is a CSRF-protected form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import FileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engine import ValidationReport
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import problem_dicts
from webapp.studio.library import service
from webapp.studio.library.messages import refusal_message
from webapp.studio.library.modeler_strings import modeler_translations

blueprint = Blueprint("process_library", __name__, url_prefix="/processes")

EDITORS = (Role.METHODOLOGIST.value,)
READERS = (Role.METHODOLOGIST.value, Role.ADMIN.value)


class ActionForm(FlaskForm):
    """A button that changes something (start, discard, delete, validate): CSRF only."""


class NewFileForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=90)])
    upload = FileField()


class PublishForm(FlaskForm):
    note = TextAreaField(validators=[DataRequired(), Length(max=2000)])


def _too_large() -> Any:
    message = _("The file is larger than %(size)s MB.", size=service.MAX_UPLOAD_BYTES // (1024 * 1024))
    if _wants_json():
        return jsonify({"saved": False, "valid": False, "errors": [{"element_id": None, "message": message}]}), 413
    return render_template("error.html", status=413, message=message), 413


@blueprint.before_request
def limit_upload_size() -> Any:
    """Diagrams are small: refuse a large body before reading it, with a clear message (413)."""
    length = request.content_length
    if request.method == "POST" and length is not None and length > service.MAX_UPLOAD_BYTES:
        return _too_large()
    request.max_content_length = service.MAX_UPLOAD_BYTES + 64 * 1024
    return None


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Any:
    """Also when the app's own limit or the CSRF check stopped the body first."""
    return _too_large()


def _wants_json() -> bool:
    return request.is_json or request.headers.get("X-Requested-With") == "fetch" or request.path.endswith("/xml")


def _lineage_or_404(process_id: str) -> service.LineageView:
    entry = service.lineage(process_id)
    if entry is None:
        abort(404)
    return entry


def _report_json(report: ValidationReport) -> dict[str, Any]:
    return {
        "valid": report.valid,
        "errors": problem_dicts(report.errors),
        "warnings": problem_dicts(report.warnings),
    }


@blueprint.app_context_processor
def lineage_names_in_templates() -> dict[str, Any]:
    return {"lineage_label": service.lineage_label}


@blueprint.route("")
@roles_required(*READERS)
def library() -> Any:
    return render_template(
        "process_library/library.html", lineages=service.library(), form=ActionForm(), may_edit=_may_edit()
    )


def _may_edit() -> bool:
    return bool(current_user.has_role(*EDITORS))


def _process_page(process_id: str, report: ValidationReport | None = None, status: int = 200, **forms: Any) -> Any:
    entry = _lineage_or_404(process_id)
    versions = [
        {"id": v.id, "number": v.number, "note": v.note, "published_at": v.published_at, "short_hash": v.short_hash}
        for v in entry.versions
    ]
    return (
        render_template(
            "process_library/process.html",
            lineage=entry,
            process_id=process_id,
            versions=versions,
            report=_report_json(report) if report is not None else None,
            form=ActionForm(),
            new_file_form=forms.get("new_file_form") or NewFileForm(formdata=None),
            publish_form=forms.get("publish_form") or PublishForm(formdata=None),
            may_edit=_may_edit(),
        ),
        status,
    )


@blueprint.route("/<process_id>", endpoint="process")
@roles_required(*READERS)
def process_page(process_id: str) -> Any:
    return _process_page(process_id)


@blueprint.route("/<process_id>/draft", methods=["POST"])
@roles_required(*EDITORS)
def start_draft(process_id: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.start_draft(process_id, current_user)
    except service.LibraryRefused as exc:
        flash(refusal_message(exc), "danger")
        return redirect(url_for("process_library.library"))
    flash(_("The draft is ready: open a file to change it."), "success")
    return redirect(url_for("process_library.process", process_id=process_id))


@blueprint.route("/<process_id>/draft/discard", methods=["POST"])
@roles_required(*EDITORS)
def discard_draft(process_id: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.discard_draft(process_id)
    except service.LibraryRefused as exc:
        flash(refusal_message(exc), "danger")
    else:
        flash(_("The draft was discarded."), "success")
    return redirect(url_for("process_library.process", process_id=process_id))


@blueprint.route("/<process_id>/draft/files", methods=["POST"])
@roles_required(*EDITORS)
def add_file(process_id: str) -> Any:
    """A new blank file, or an imported one (Camunda Modeler or another bpmn-js tool)."""
    form = NewFileForm()
    if not form.validate_on_submit():
        flash(_("Give the file a name ending in .bpmn or .dmn."), "danger")
        return _process_page(process_id, status=422, new_file_form=form)
    upload = request.files.get("upload")
    try:
        name = service.check_file_name(form.name.data or "")
        if upload is not None and upload.filename:
            content = service.decode_upload(upload.read(service.MAX_UPLOAD_BYTES + 1))
        else:
            content = service.blank_document(name)
        result = service.save_file(process_id, name, content, current_user, new=True)
    except service.LibraryRefused as exc:
        flash(refusal_message(exc), "danger")
        return _process_page(process_id, status=422, new_file_form=form)
    if not result.saved:
        flash(_("The file was not added: it cannot be read."), "danger")
        return _process_page(process_id, result.report, status=422, new_file_form=form)
    if result.normalised:
        flash(_("The file was imported and normalised for our engine; see the warnings."), "info")
    else:
        flash(_("The file %(name)s was added to the draft.", name=name), "success")
    return redirect(url_for("process_library.edit_file", process_id=process_id, name=name))


@blueprint.route("/<process_id>/draft/files/<name>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_file(process_id: str, name: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.delete_file(process_id, name, current_user)
    except service.LibraryRefused as exc:
        flash(refusal_message(exc), "danger")
    else:
        flash(_("The file %(name)s was removed from the draft.", name=name), "success")
    return redirect(url_for("process_library.process", process_id=process_id))


@blueprint.route("/<process_id>/draft/files/<name>")
@roles_required(*READERS)
def edit_file(process_id: str, name: str) -> Any:
    """The modeler: bpmn-js with the properties panel for BPMN, dmn-js for DMN."""
    draft = service.draft_for(process_id)
    if draft is None or name not in (draft.files or {}):
        abort(404)
    report = service.validate_draft(process_id)
    return render_template(
        "process_library/modeler.html",
        process_id=process_id,
        name=name,
        kind="dmn" if name.endswith(".dmn") else "bpmn",
        files=service.file_entries(draft.files or {}),
        report=_report_json(report),
        may_edit=_may_edit(),
        form=ActionForm(),
        translations=modeler_translations(),
    )


@blueprint.route("/<process_id>/draft/files/<name>/xml", methods=["GET"])
@roles_required(*READERS)
def draft_xml(process_id: str, name: str) -> Any:
    draft = service.draft_for(process_id)
    if draft is None or name not in (draft.files or {}):
        abort(404)
    return _xml_response(draft.files[name])


@blueprint.route("/<process_id>/versions/<int:version_id>/files/<name>")
@roles_required(*READERS)
def version_xml(process_id: str, version_id: int, name: str) -> Any:
    files = service.version_files(process_id, version_id)
    if files is None or name not in files:
        abort(404)
    response = _xml_response(files[name])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xml_response(document: str) -> Response:
    response = Response(document, mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.route("/<process_id>/draft/files/<name>/xml", methods=["POST"])
@roles_required(*EDITORS)
def save_file(process_id: str, name: str) -> Any:
    """Save one document of the draft (the XML is the body) and answer with the validation report."""
    data = request.get_data(cache=False)
    try:
        content = service.decode_upload(data)
        result = service.save_file(process_id, name, content, current_user)
    except service.LibraryRefused as exc:
        message = refusal_message(exc)
        return jsonify({"saved": False, "valid": False, "errors": [{"element_id": None, "message": message}]}), 422
    body = {"saved": result.saved, **_report_json(result.report)}
    if result.normalised:
        body["xml"] = result.content
    return jsonify(body), 200 if result.saved else 422


@blueprint.route("/<process_id>/draft/validate", methods=["POST"])
@roles_required(*EDITORS)
def validate_draft(process_id: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        report = service.validate_draft(process_id)
    except service.LibraryRefused as exc:
        if _wants_json():
            return jsonify({"valid": False, "errors": [{"element_id": None, "message": refusal_message(exc)}]}), 404
        flash(refusal_message(exc), "danger")
        return redirect(url_for("process_library.process", process_id=process_id))
    if _wants_json():
        return jsonify(_report_json(report)), 200 if report.valid else 422
    if report.valid:
        flash(_("The draft is valid: it can be published."), "success")
    return _process_page(process_id, report, status=200 if report.valid else 422)


@blueprint.route("/<process_id>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish(process_id: str) -> Any:
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("Write a change note: what changed and why."), "danger")
        return _process_page(process_id, status=422, publish_form=form)
    try:
        version, report = service.publish_draft(process_id, form.note.data or "", current_user)
    except service.LibraryRefused as exc:
        flash(refusal_message(exc), "danger")
        return _process_page(process_id, status=422, publish_form=form)
    if version is None:
        flash(_("The draft has errors and was not published."), "danger")
        return _process_page(process_id, report, status=422, publish_form=form)
    restored = service.restored_number(version)
    if restored is not None:
        message = _(
            "Published as v%(number)s with the content of v%(restored)s (a rollback). New cases start on it; "
            "running cases stay on their version.",
            number=version.number,
            restored=restored,
        )
    else:
        message = _(
            "Published as v%(number)s. New cases start on it; running cases stay on their version.",
            number=version.number,
        )
    flash(message, "success")
    return redirect(url_for("process_library.process", process_id=process_id))
