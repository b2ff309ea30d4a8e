"""The audit log for admins: filter, read, export (CSV or XLSX, streamed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from pydantic import Field

from webapp.admin.audit import labels
from webapp.platform.audit.models import AuditEntry
from webapp.platform.audit.service import AuditFilter, entries, stream
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import Id, Page, QueryModel, query
from webapp.platform.tabular import export_response

blueprint = Blueprint("audit", __name__)


class AuditArgs(QueryModel):
    action: str = Field("", max_length=40)
    object_type: str = Field("", max_length=40)
    object_id: str = Field("", max_length=80)
    actor: Id | None = None
    page: Page = 1

    def audit_filter(self) -> AuditFilter:
        return AuditFilter(
            action=self.action, object_type=self.object_type, object_id=self.object_id, actor_id=self.actor
        )


def _filter() -> AuditFilter:
    return query(AuditArgs).audit_filter()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


@blueprint.route("/admin/audit")
@roles_required(Role.ADMIN.value)
def index() -> Any:
    args = query(AuditArgs)
    rows = entries(args.audit_filter(), page=args.page)
    return render_template(
        "admin/audit.html",
        rows=rows,
        filters=args.audit_filter(),
        page=args.page,
        query=args.link_args("page"),
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
