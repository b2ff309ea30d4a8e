"""Dashboards: /dashboards/district/<code> and /dashboards/region/<code>, with CSV/XLSX exports.

Supervisors see their district (a regional supervisor their region and its districts);
admins and methodologists see every territory. Anything else is 403; unknown codes are 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, field_validator

from webapp.analytics.dashboards import service
from webapp.analytics.dashboards.presenters import chart_data, fmt, kpis
from webapp.analytics.stats import service as stats
from webapp.analytics.stats.params import (
    CHANNELS,
    DASHBOARD_PRESET,
    KINDS,
    Period,
    StatsArgs,
)
from webapp.casework.appeals.models import CATEGORIES
from webapp.cooperation.referrals.figures import cooperation
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import BadParameter, one_of, query
from webapp.platform.tabular import FORMATS, export_response
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today

blueprint = Blueprint("dashboards", __name__, url_prefix="/dashboards")

VIEWERS = (Role.SUPERVISOR.value, Role.ADMIN.value, Role.METHODOLOGIST.value)


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


class DashboardArgs(StatsArgs):
    """A dashboard's query string: the statistics filter, a mahalla (district view) or district
    (region view) by code, and the step of the time series."""

    mahalla: str = Field("", max_length=40)
    district: str = Field("", max_length=40)
    step: str = ""

    @field_validator("step")
    @classmethod
    def _known_step(cls, value: str) -> str:
        return one_of("step", value, service.STEPS)

    def step_of(self, period: Period) -> str:
        return self.step or service.default_step(period)


def _narrowed(scope: service.Scope, args: DashboardArgs) -> service.Scope:
    """The territory filter: a mahalla of the district, or a district of the region (another code
    is a BadParameter naming it)."""
    if scope.level == "district":
        if args.mahalla:
            mahalla = next((m for m in scope.places() if isinstance(m, Mahalla) and m.code == args.mahalla), None)
            if mahalla is None:
                raise BadParameter("mahalla", "outside_district", _("This mahalla is not in the district given."))
            return service.Scope(scope.level, scope.region, scope.district, mahalla=mahalla)
        return scope
    if args.district:
        district = next((d for d in scope.places() if isinstance(d, District) and d.code == args.district), None)
        if district is None:
            raise BadParameter("district", "outside_region", _("This district is not in the region given."))
        return service.Scope(scope.level, scope.region, sub_district=district)
    return scope


def _page(level: str, code: str) -> Any:
    args = query(DashboardArgs)
    scope = _narrowed(_scope(level, code), args)
    period, attributes = args.period_of(default=DASHBOARD_PRESET), args.attributes()
    flt = scope.filter(period, attributes)
    step = args.step_of(period)
    board = service.build(scope, period, flt, step)
    query_args: dict[str, Any] = args.link_args()
    drill_query: dict[str, Any] = {k: v for k, v in query_args.items() if k not in ("district", "mahalla")}
    charts = chart_data(board)
    # A bar of the places chart opens that mahalla (district view) or district's dashboard (region view).
    charts["places"]["links"] = [
        url_for(f"dashboards.{level}", code=code, **dict(query_args, mahalla=key))
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
        query=query_args,
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
    args = query(DashboardArgs)
    scope = _narrowed(_scope(level, code), args)
    period, attributes = args.period_of(default=DASHBOARD_PRESET), args.attributes()
    flt = scope.filter(period, attributes)
    headers, rows = service.table(table, scope, flt, args.step_of(period))
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
