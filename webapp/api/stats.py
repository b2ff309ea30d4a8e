"""GET /api/v1/stats/appeals: the dashboards' figures as JSON, within the caller's territory."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field, field_validator

from webapp.analytics.stats import service
from webapp.analytics.stats.params import StatsArgs
from webapp.api.openapi import operation
from webapp.api.routes import blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.platform.auth.models import Role, User
from webapp.platform.query_params import one_of, query
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.territory.service import mahalla_by_code


class FiguresOut(BaseModel):
    received: int = Field(description="appeals registered in the period")
    resolved: int = Field(description="reached a decision (resolved or answered)")
    answered: int
    answered_on_time: int = Field(description="answered no later than the deadline (Tashkent date)")
    answered_late: int
    on_time_share: float | None = Field(description="answered on time / answered (0-1)")
    open: int
    overdue_open: int = Field(description="still open with the deadline passed")
    overdue: int = Field(description="overdue_open + answered_late")
    median_days: float | None = Field(description="median days from receipt to answer")
    p90_days: float | None = Field(description="90th percentile of the days to answer")
    repeated: int
    forwarded: int
    unconsidered: int = Field(description="left unconsidered")
    categorisation_overrides: int = Field(description="the suggested category was overridden")
    ratings: int
    rating_average: float | None = Field(description="average citizen rating, 1-5")
    satisfied: int = Field(description="ratings of 4 or 5")
    satisfied_share: float | None


class ChangeOut(BaseModel):
    current: float | None
    previous: float | None
    delta: float | None
    percent: float | None = Field(description="relative change in percent; null when the previous value is 0")


class GroupOut(BaseModel):
    key: str = Field(
        description="category/kind/channel code, district or mahalla code, inspector username, "
        "week's Monday (YYYY-MM-DD) or month (YYYY-MM)"
    )
    label: str
    figures: FiguresOut


class StatsFilterOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    region: str | None
    district: str | None
    mahalla: str | None
    category: str | None
    kind: str | None
    channel: str | None
    group_by: str | None


class PeriodOut(BaseModel):
    from_: str = Field(alias="from")
    to: str


class StatsOut(BaseModel):
    filter: StatsFilterOut
    previous_period: PeriodOut = Field(description="the period of the same length just before")
    totals: FiguresOut
    previous_totals: FiguresOut
    change: dict[str, ChangeOut]
    overdue_now: int = Field(description="open appeals past their deadline today (any registration date)")
    groups: list[GroupOut] = Field(description="empty unless group_by is given")


QUERY = {
    "from": ("first day, YYYY-MM-DD (Asia/Tashkent); with to, at most three years; default: this month", False),
    "to": ("last day, YYYY-MM-DD; default: today", False),
    "period": ("instead of from/to: last_30_days, this_month, last_month, quarter or year (default this_month)", False),
    "region": ("region code (default: your territory)", False),
    "district": ("district code", False),
    "mahalla": ("mahalla code", False),
    "category": ("category code", False),
    "kind": ("ariza, taklif or shikoyat", False),
    "channel": ("walk_in, written, oral, web, api or open311", False),
    "group_by": (", ".join(service.GROUPS), False),
}


class StatsQuery(StatsArgs):
    """The period and attribute filters (webapp/analytics/stats/params.py), the territory codes
    (checked against the territory: see _territory) and the grouping asked for."""

    region: str = Field("", max_length=40)
    district: str = Field("", max_length=40)
    mahalla: str = Field("", max_length=40)
    group_by: str = ""

    @field_validator("group_by")
    @classmethod
    def _known_group(cls, value: str) -> str:
        return one_of("group_by", value, service.GROUPS)


class _Refused(Exception):
    def __init__(self, response: Any) -> None:
        super().__init__()
        self.response = response


def _field_error(status: int, field: str, code: str, message: str) -> _Refused:
    return _Refused(error(status, message, [{"field": field, "code": code, "message": message}]))


def _territory(user: User, args: StatsQuery) -> tuple[Region | None, District | None, Mahalla | None]:
    """The territory asked for (or the caller's own), checked: 404 unknown, 400 inconsistent, 403 outside."""
    region_code, district_code, mahalla_code = args.region, args.district, args.mahalla
    region = district = mahalla = None
    if region_code:
        region = service.region_by_code(region_code)
        if region is None:
            raise _field_error(404, "region", "not_found", _("No region has this code."))
    if district_code:
        district = service.district_by_code(district_code)
        if district is None:
            raise _field_error(404, "district", "not_found", _("No district has this code."))
        if region is not None and district.region_id != region.id:
            raise _field_error(400, "district", "outside_region", _("This district is not in the region given."))
    if mahalla_code:
        mahalla = mahalla_by_code(mahalla_code)
        if mahalla is None:
            raise _field_error(404, "mahalla", "not_found", _("No mahalla has this code."))
        if district is not None and mahalla.district_id != district.id:
            raise _field_error(400, "mahalla", "outside_district", _("This mahalla is not in the district given."))
        if region is not None and mahalla.district.region_id != region.id:
            raise _field_error(400, "mahalla", "outside_region", _("This mahalla is not in the region given."))
        district = mahalla.district
    if region is None and district is None:
        # Nothing asked: the caller's own territory (the whole country for admins and methodologists).
        district, region = user.district, user.region
        if user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value):
            return None, None, None
    if district is not None:
        allowed = service.may_view(user, district=district)
    else:
        allowed = service.may_view(user, region=region)
    if not allowed:
        field = "mahalla" if mahalla_code else ("district" if district_code else "region")
        raise _field_error(403, field, "outside_scope", _("This territory is outside yours."))
    return (district.region if district is not None else region), district, mahalla


@blueprint.route("/stats/appeals")
@operation(
    summary="Appeal statistics for a period and territory: totals, the previous period, optional groups",
    tag="stats",
    query=QUERY,
    responses={
        200: ("The figures", StatsOut),
        400: ("A parameter is wrong (dates, group_by, a filter value); the field is named", ErrorOut),
        403: ("The caller may not see statistics, or not of this territory", ErrorOut),
        404: ("No territory has this code", ErrorOut),
    },
)
def appeal_stats() -> Any:
    user = g.api_user
    if not service.may_use_dashboards(user):
        return error(403, _("Only supervisors, methodologists and administrators may see statistics."))
    args = query(StatsQuery)
    group_by = args.group_by or None
    period = args.period_of()
    attributes = args.attributes()
    try:
        region, district, mahalla = _territory(user, args)
    except _Refused as refused:
        return refused.response
    flt = service.StatsFilter(
        period.date_from,
        period.date_to,
        region_id=region.id if region is not None and district is None else None,
        district_id=district.id if district is not None and mahalla is None else None,
        mahalla_id=mahalla.id if mahalla is not None else None,
        **attributes,  # type: ignore[arg-type]
    )
    comparison = service.comparison(flt)
    groups = service.grouped(flt, group_by) if group_by else []
    return jsonify(
        {
            "filter": {
                "from": period.date_from.isoformat(),
                "to": period.date_to.isoformat(),
                "region": region.code if region is not None else None,
                "district": district.code if district is not None else None,
                "mahalla": mahalla.code if mahalla is not None else None,
                **attributes,
                "group_by": group_by,
            },
            "previous_period": {
                "from": comparison.previous_filter.date_from.isoformat(),
                "to": comparison.previous_filter.date_to.isoformat(),
            },
            "totals": comparison.current.as_dict(),
            "previous_totals": comparison.previous.as_dict(),
            "change": {name: change.as_dict() for name, change in comparison.changes.items()},
            "overdue_now": service.overdue_now(flt),
            "groups": [
                {"key": group.key, "label": group.label, "figures": group.figures.as_dict()} for group in groups
            ],
        }
    )
