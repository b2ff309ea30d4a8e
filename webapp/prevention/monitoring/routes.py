"""The monitoring page of prevention work: figures and risk colours per mahalla and district."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.labels import label
from webapp.platform.tabular import export_requested
from webapp.prevention.monitoring.service import export_rows, monitoring
from webapp.prevention.work import labels
from webapp.prevention.work.blueprint import MONITORING_ROLES, blueprint, export, list_filters, territory_choices

COLOURS = ("red", "yellow", "green", "unknown")


@blueprint.route("/monitoring")
@roles_required(*MONITORING_ROLES)
def monitoring_page() -> Any:
    filters = list_filters(COLOURS)
    result = monitoring(current_user, filters)
    if export_requested():
        headers = [
            _("District"),
            _("Mahalla"),
            _("Risk colour"),
            _("Reason"),
            _("On the registry"),
            _("By risk group"),
            _("Plans on time"),
            _("Plans overdue"),
            _("Repeated offences"),
            _("Open crime-prevention appeals"),
            _("Patrol incidents"),
            _("Youth placed in work or study"),
            _("Patrols held"),
            _("Events held"),
        ]
        rows = export_rows(
            result, lambda code: label(labels.RISK_COLOUR, code), lambda code: label(labels.RISK_REASON, code)
        )
        return export("prevention-monitoring", headers, rows)
    return render_template(
        "prevention/monitoring/index.html",
        filters=filters,
        result=result,
        statuses=labels.RISK_COLOUR,
        reasons=labels.RISK_REASON,
        may_edit_rules=current_user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value),
        **territory_choices(),
    )
