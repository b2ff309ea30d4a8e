"""Dashboards: /dashboards/district/<code> and /dashboards/region/<code>, with CSV/XLSX exports.

Supervisors see their district (a regional supervisor their region and its districts);
admins and methodologists see every territory. Anything else is 403; unknown codes are 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp.analytics.dashboards import service
from webapp.analytics.dashboards.presenters import chart_data, fmt, kpis
from webapp.analytics.stats import service as stats
from webapp.analytics.stats.params import (
    CHANNELS,
    DASHBOARD_PRESET,
    KINDS,
    Period,
    parse_attributes,
    parse_period,
)
from webapp.casework.appeals.models import CATEGORIES
from webapp.cooperation.referrals.figures import cooperation
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import BadParameter
from webapp.platform.tabular import FORMATS, export_response
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today

blueprint = Blueprint("dashboards", __name__, url_prefix="/dashboards")

VIEWERS = (Role.SUPERVISOR.value, Role.ADMIN.value, Role.METHODOLOGIST.value)
FILTER_ARGS = ("period", "from", "to", "category", "kind", "channel", "mahalla", "district", "step")


@blueprint.route("")
@roles_required(*VIEWERS)
def home() -> Any:
    """The user's own dashboard: their district, their region, or (admins) the first region."""
    user = current_user
    if user.role == Role.SUPERVISOR.value:
        if user.district is not None:
            return redirect(url_for("dashboards.district", code=user.district.code))
        if user.region is not None:
            return redirect(url_for("dashboards.region", code=user.region.code))
        abort(403)
    region = stats.first_region()
    if region is None:
        flash(_("No territories are set up yet."), "info")
        return redirect(url_for("tasks.home"))
    return redirect(url_for("dashboards.region", code=region.code))


def _scope(level: str, code: str) -> service.Scope:
    """The territory of the URL, checked against the user's (404 unknown, 403 outside)."""
    if level == "district":
        district = stats.district_by_code(code)
        if district is None:
            abort(404)
        if not stats.may_view(current_user, district=district):
            abort(403)
        return service.Scope("district", district.region, district=district)
    region = stats.region_by_code(code)
    if region is None:
        abort(404)
    if not stats.may_view(current_user, region=region):
        abort(403)
    return service.Scope("region", region)


def _narrowed(scope: service.Scope, warn: bool) -> service.Scope:
    """The territory filter: a mahalla of the district, or a district of the region."""
    if scope.level == "district":
        code = (request.args.get("mahalla") or "").strip()
        if code:
            mahalla = next((m for m in scope.places() if isinstance(m, Mahalla) and m.code == code), None)
            if mahalla is not None:
                return service.Scope(scope.level, scope.region, scope.district, mahalla=mahalla)
            if warn:
                flash(_("That mahalla is not in this district; the whole district is shown."), "warning")
        return scope
    code = (request.args.get("district") or "").strip()
    if code:
        district = next((d for d in scope.places() if isinstance(d, District) and d.code == code), None)
        if district is not None:
            return service.Scope(scope.level, scope.region, sub_district=district)
        if warn:
            flash(_("That district is not in this region; the whole region is shown."), "warning")
    return scope


def _filters(warn: bool) -> tuple[Period, dict[str, str | None]]:
    """Period and category/kind/channel from the query; a bad value is flashed and left out."""
    args: MultiDict[str, str] = MultiDict(request.args)
    for _attempt in range(4):
        try:
            return parse_period(args, default=DASHBOARD_PRESET), parse_attributes(args)
        except BadParameter as bad:
            if warn:
                flash(_field_message(bad), "warning")
            for name in (bad.field, "from", "to") if bad.field in ("from", "to") else (bad.field,):
                args.pop(name, None)
    return parse_period({}, default=DASHBOARD_PRESET), {}


def _field_message(bad: BadParameter) -> str:
    messages = {
        "invalid_date": _("Dates are written YYYY-MM-DD; the default period is shown."),
        "from_after_to": _("The start of the period is after its end; the default period is shown."),
        "period_too_long": _("The period may be at most three years long; the default period is shown."),
        "invalid_choice": _("An unknown filter value was ignored."),
    }
    return messages.get(bad.code, _("An unknown filter value was ignored."))


def _step(period: Period) -> str:
    step = request.args.get("step", "")
    return step if step in service.STEPS else service.default_step(period)


def _page(level: str, code: str) -> Any:
    scope = _narrowed(_scope(level, code), warn=True)
    period, attributes = _filters(warn=True)
    flt = scope.filter(period, attributes)
    step = _step(period)
    board = service.build(scope, period, flt, step)
    query: dict[str, Any] = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    drill_query = {name: value for name, value in query.items() if name not in ("district", "mahalla")}
    charts = chart_data(board)
    # A bar of the places chart opens that mahalla (district view) or district's dashboard (region view).
    charts["places"]["links"] = [
        url_for(f"dashboards.{level}", code=code, **dict(query, mahalla=key))
        if level == "district"
        else url_for("dashboards.district", code=key, **drill_query)
        for key in charts["places"]["keys"]
    ]
    partners = cooperation(
        period.date_from,
        period.date_to,
        local_today(),
        district_id=scope.district.id if level == "district" and scope.district is not None else None,
        region_id=scope.region.id,
    )
    return render_template(
        "dashboards/dashboard.html",
        coop=partners.as_dict(),
        board=board,
        scope=scope,
        charts=charts,
        kpis=kpis(board),
        columns=service.COLUMNS,
        direction=service.DIRECTION,
        query=query,
        drill_query=drill_query,
        attributes=attributes,
        presets=stats.PRESETS,
        categories=CATEGORIES,
        kinds=KINDS,
        channels=CHANNELS,
        regions=stats.all_regions() if current_user.role != Role.SUPERVISOR.value else [],
        districts=scope.region.districts if stats.may_view(current_user, region=scope.region) else [],
        formats=FORMATS,
    )


@blueprint.route("/district/<code>")
@roles_required(*VIEWERS)
def district(code: str) -> Any:
    return _page("district", code)


@blueprint.route("/region/<code>")
@roles_required(*VIEWERS)
def region(code: str) -> Any:
    return _page("region", code)


@blueprint.route("/<level>/<code>/export/<table>.<fmt>")
@roles_required(*VIEWERS)
def export(level: str, code: str, table: str, fmt: str) -> Any:
    if level not in service.LEVELS or table not in service.TABLES or fmt not in FORMATS:
        abort(404)
    scope = _narrowed(_scope(level, code), warn=False)
    period, attributes = _filters(warn=False)
    flt = scope.filter(period, attributes)
    headers, rows = service.table(table, scope, flt, _step(period))
    name = table if table != "places" else scope.places_by
    filename = f"{scope.code}-{name}-{period.date_from.isoformat()}-{period.date_to.isoformat()}"
    return export_response(fmt, filename, headers, rows)


def may_see_dashboards(user: Any) -> bool:
    return bool(user.is_authenticated and stats.may_use_dashboards(user))


@blueprint.app_template_filter("stat")
def stat_filter(value: Any, kind: str = "int") -> str:
    return fmt(value, kind)


@blueprint.app_context_processor
def dashboard_nav() -> dict[str, Any]:
    return {"may_see_dashboards": may_see_dashboards}
