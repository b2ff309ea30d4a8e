"""Prevention work pages (/prevention/...): the blueprint and what its views share.

Each register has its own module of views (youth, patrols, events, joint plans, monitoring);
webapp.prevention.work.routes imports them all, so registering the blueprint from there
registers every view (the views import this module, never the other way round). Every view
states its roles; every record is looked up within the user's territory: outside it answers
exactly like a missing record (404), so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Blueprint, abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.platform.auth.models import Role
from webapp.platform.labels import label
from webapp.platform.query_params import Id, QueryModel, query
from webapp.platform.tabular import export_response, requested_format
from webapp.platform.territory.models import Mahalla
from webapp.prevention.work import labels
from webapp.prevention.work.forms import MahallaForm
from webapp.prevention.work.scope import (
    ListFilters,
    WorkListArgs,
    districts_in_scope,
    mahallas_in_scope,
    regions_in_scope,
)

# Its endpoints are named after this package ("prevention_work.youth_list", ...); its URLs share the
# /prevention prefix with the registry's blueprint ("prevention.index", ...), whose names differ.
blueprint = Blueprint("prevention_work", __name__, url_prefix="/prevention")

# Who works on the registers: inspectors and youth advisers in their mahallas, supervisors in
# their district or region, administrators everywhere.
WORK_ROLES = (Role.YOUTH_ADVISER.value, Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
# Opening an appeal or touching the prevention registry is for the appeal workers only.
CASE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
MONITORING_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)


LABELS = {
    "youth_status": labels.YOUTH_STATUS,
    "referral_kind": labels.REFERRAL_KIND,
    "outcome": labels.REFERRAL_OUTCOME,
    "activity": labels.ACTIVITY_KIND,
    "audience": labels.AUDIENCE,
    "event_status": labels.EVENT_STATUS,
    "plan_kind": labels.PLAN_KIND,
    "item_status": labels.ITEM_STATUS,
    "risk_colour": labels.RISK_COLOUR,
    "risk_reason": labels.RISK_REASON,
}


@blueprint.app_template_filter("pw_label")
def pw_label(code: str, kind: str) -> str:
    """``{{ code|pw_label("youth_status") }}``: the label of a prevention-work code."""
    return label(LABELS[kind], code)


def found_or_abort(found: Any, model: type, record_id: int) -> Any:
    """The record found in the user's territory; 404 otherwise, whether it exists elsewhere or not."""
    if found is None:
        abort(404)
    return found


def list_filters(statuses: Sequence[str] = ()) -> ListFilters:
    """The list's filters from the query string; a bad one answers 400 naming it."""
    return query(WorkListArgs).filters(statuses)


def territory_choices() -> dict[str, Any]:
    """The region → district → mahalla choices of the user's scope, for the filter bar."""
    return {
        "regions": regions_in_scope(current_user),
        "districts": districts_in_scope(current_user),
        "mahallas": mahallas_in_scope(current_user),
    }


def export(filename: str, headers: Iterable[Any], rows: Iterable[Sequence[Any]]) -> Any:
    return export_response(requested_format(), filename, [str(h) for h in headers], rows)


class MahallaPreset(QueryModel):
    """``mahalla``: the mahalla a new record's form starts with (a link from a filtered list)."""

    mahalla: Id | None = None


def checked_mahalla(form: MahallaForm, mahallas: Sequence[Mahalla]) -> None:
    """Offer the user's mahallas; a submitted mahalla outside them is refused with 403."""
    form.set_mahallas(mahallas)
    if form.is_submitted():
        raw = request.form.get("mahalla", "")
        if raw.isdecimal() and int(raw) not in {m.id for m in mahallas}:
            abort(403)
    elif form.mahalla.data is None:
        form.mahalla.data = query(MahallaPreset).mahalla


def form_failed() -> None:
    flash(_("Please correct the highlighted fields."), "danger")
