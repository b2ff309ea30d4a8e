"""Exports of lists (/exports): a direct download, or a background job with a progress page.

GET  /exports/<list>?format=csv|xlsx&<filters>  the file, or (a long list) a page offering a job
POST /exports/<list>                            queue the background export, go to its page
GET  /exports/jobs/<id>                         the job's page: progress, then the download
GET  /exports/jobs/<id>.json                    the job's status, polled by that page
GET  /exports/jobs/<id>/download                the file (its owner only)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from webapp.analytics.exports import service
from webapp.analytics.exports.models import ExportJob, ExportStatus
from webapp.platform.query_params import given
from webapp.platform.tabular import XLSX_MIMETYPE, export_response, requested_format

blueprint = Blueprint("exports", __name__, url_prefix="/exports")

MIMETYPES = {"csv": "text/csv", "xlsx": XLSX_MIMETYPE}


class StartExportForm(FlaskForm):
    """Only the CSRF token: the list and its filters travel in the URL."""


def _export_of(list_name: str) -> service.ListExport:
    export = service.KINDS.get(list_name)
    if export is None:
        abort(404)
    if not current_user.has_role(*export.roles):
        abort(403)
    return export


def _problem(message: str) -> Any:
    return render_template("error.html", status=400, message=message), 400


@blueprint.route("/<list_name>", methods=["GET"])
@login_required
def download(list_name: str) -> Any:
    export = _export_of(list_name)
    fmt = requested_format()
    params = export.params(given(export.keys))
    total = export.count(current_user, params)
    if total <= service.threshold():
        table = export.table(current_user, params)
        return export_response(fmt, service.file_name(list_name), table.headers, table.rows)
    return render_template(
        "exports/confirm.html",
        export=export,
        fmt=fmt,
        total=total,
        params=params,
        form=StartExportForm(),
        threshold=service.threshold(),
    )


@blueprint.route("/<list_name>", methods=["POST"])
@login_required
def start(list_name: str) -> Any:
    export = _export_of(list_name)
    fmt = requested_format()
    form = StartExportForm()
    if not form.validate_on_submit():
        return _problem(_("The form has expired or was not sent from this site. Please try again."))
    params = export.params(given(export.keys))
    total = export.count(current_user, params)
    job = service.create_job(current_user, list_name, fmt, params, str(get_locale() or "uz"), total)
    return redirect(url_for("exports.job", job_id=job.id))


def _own_job(job_id: int) -> ExportJob:
    job = service.job_of(current_user, job_id)
    if job is None:
        abort(404)  # someone else's job answers exactly like a missing one
    return job


def _status(job: ExportJob) -> dict[str, Any]:
    total = max(job.rows_total, job.rows_done)
    return {
        "id": job.id,
        "status": job.status,
        "rows_total": total,
        "rows_done": job.rows_done,
        "percent": 100 if job.status == ExportStatus.DONE else (round(100 * job.rows_done / total) if total else 0),
        "download_url": url_for("exports.job_download", job_id=job.id) if job.status == ExportStatus.DONE else None,
        "error": job.error if job.status == ExportStatus.FAILED else "",
    }


@blueprint.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> Any:
    found = _own_job(job_id)
    export = service.KINDS.get(found.kind)
    return render_template(
        "exports/job.html",
        job=found,
        status=_status(found),
        title=export.title() if export else found.kind,
        recent=service.recent_jobs(current_user),
        titles={name: e.title() for name, e in service.KINDS.items()},
    )


@blueprint.route("/jobs/<int:job_id>.json")
@login_required
def job_status(job_id: int) -> Any:
    response = jsonify(_status(_own_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/jobs/<int:job_id>/download")
@login_required
def job_download(job_id: int) -> Any:
    found = _own_job(job_id)
    path = service.job_file(found)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=MIMETYPES[found.format],
        as_attachment=True,
        download_name=f"{found.kind}-{found.id}.{found.format}",
        max_age=0,
    )
