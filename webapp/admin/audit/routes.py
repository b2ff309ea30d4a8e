"""The audit log for admins: filter, read, export (CSV or XLSX, streamed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from webapp.admin.audit import labels
from webapp.platform.audit.models import AuditEntry
from webapp.platform.audit.service import AuditFilter, entries, stream
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.tabular import export_response

blueprint = Blueprint("audit", __name__)


def _filter() -> AuditFilter:
    actor = request.args.get("actor", "")
    return AuditFilter(
        action=request.args.get("action", "")[:40],
        object_type=request.args.get("object_type", "")[:40],
        object_id=request.args.get("object_id", "")[:80],
        actor_id=int(actor) if actor.isdigit() else None,
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


@blueprint.route("/admin/audit")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() else 1
    rows = entries(_filter(), page=number)
    query = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/audit.html",
        rows=rows,
        filters=_filter(),
        page=number,
        query=query,
        as_json=_json,
        action_label=labels.action_label,
        object_label=labels.object_label,
    )


def _rows(items: Iterator[AuditEntry]) -> Iterator[list[Any]]:
    for entry in items:
        actor = entry.actor.username if entry.actor else ""
        yield [
            entry.occurred_at,
            actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            _json(entry.before),
            _json(entry.after),
            entry.address,
        ]


@blueprint.route("/admin/audit/export.<fmt>")
@roles_required(Role.ADMIN.value)
def export(fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    headers = [_("When"), _("Who"), _("Action"), _("Object"), _("Object id"), _("Before"), _("After"), _("Address")]
    return export_response(fmt, "audit-log", headers, _rows(stream(_filter())))
