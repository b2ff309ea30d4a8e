"""/admin/import: upload a CSV or XLSX of territories and staff, see the dry run row by row (and
download it whole), then import it all or nothing."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.admin.imports.apply import apply_plan
from webapp.admin.imports.messages import ACTIONS, file_message, row_message
from webapp.admin.imports.parsing import FileRefused, read_file
from webapp.admin.imports.plan import Plan, RowResult, make_plan
from webapp.admin.imports.sample import SAMPLE_CSV
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.tabular import export_response

blueprint = Blueprint("imports", __name__)
SHOWN_ROWS = 300  # the page lists every refused row and this many of the others; the report has all


def _folder() -> Path:
    folder = Path(current_app.config["IMPORTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> tuple[str, bytes]:
    """The uploaded file kept between the dry run and the import (404 for an unknown token)."""
    if not token.isalnum() or len(token) > 64:
        abort(404)
    matches = list(_folder().glob(f"{token}.*"))
    if not matches:
        abort(404)
    return matches[0].name, matches[0].read_bytes()


def _plan_of(filename: str, data: bytes) -> Plan | str:
    try:
        return make_plan(read_file(filename, data))
    except FileRefused as refused:
        return file_message(refused.code, refused.params)


def _shown(plan: Plan) -> list[RowResult]:
    others = [row for row in plan.rows if row.action not in ("refused", "unchanged")][:SHOWN_ROWS]
    return sorted(plan.refused + others, key=lambda row: row.line)


def _page(**context: Any) -> Any:
    return render_template("admin/import.html", actions=ACTIONS, row_message=row_message, sample=SAMPLE_CSV, **context)


@blueprint.route("/admin/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN.value)
def page() -> Any:
    """GET: the form and the documentation; POST: a dry run of the uploaded file."""
    if request.method == "GET":
        return _page()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(error=_("Choose a file.")), 422
    suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
    data = upload.read()
    plan = _plan_of(upload.filename, data)
    if isinstance(plan, str):
        return _page(error=plan), 422
    token = secrets.token_hex(16)
    (_folder() / f"{token}{suffix}").write_bytes(data)
    return _page(plan=plan, shown=_shown(plan), token=token, filename=upload.filename)


@blueprint.route("/admin/import/<token>/report.<fmt>")
@roles_required(Role.ADMIN.value)
def report(token: str, fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    plan = _plan_of(*_stored(token))
    if isinstance(plan, str):
        abort(404)
    headers = [_("Line"), _("Kind"), _("Code or username"), _("Result"), _("Changes"), _("Why refused")]
    rows = (
        [
            row.line,
            row.kind,
            row.key,
            str(ACTIONS[row.action]),
            "; ".join(f"{k}: {old or ''} → {new or ''}" for k, (old, new) in row.changes.items()),
            row_message(row.reason, row.params) if row.reason else "",
        ]
        for row in plan.rows
    )
    return export_response(fmt, "import-dry-run", headers, rows)


@blueprint.route("/admin/import/<token>", methods=["POST"])
@roles_required(Role.ADMIN.value)
def run(token: str) -> Any:
    """Import the file of a dry run: all rows, or (any refused) none."""
    filename, data = _stored(token)
    plan = _plan_of(filename, data)
    if isinstance(plan, str):
        return _page(error=plan), 422
    if not plan.ok:
        flash(_("Nothing was imported: correct the refused rows and upload the file again."), "danger")
        return _page(plan=plan, shown=_shown(plan), token=token, filename=filename), 422
    applied = apply_plan(plan, current_user)
    for path in _folder().glob(f"{token}.*"):
        path.unlink(missing_ok=True)
    flash(
        _(
            "Imported: %(created)d created, %(updated)d changed; %(links)d set-password links sent.",
            created=applied.created,
            updated=applied.updated,
            links=applied.links_sent,
        ),
        "success",
    )
    return redirect(url_for("imports.page"))
