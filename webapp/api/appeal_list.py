"""The appeals list (search, filters, cursor pages) and a case's timeline in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field, field_validator, model_validator

from webapp.api import presenters
from webapp.api.listing import (
    LIST_PARAMETERS,
    ListParams,
    bad_cursor,
    page_body,
)
from webapp.api.openapi import operation
from webapp.api.routes import blueprint, error
from webapp.api.schemas import AppealOut, ErrorOut
from webapp.casework.appeals.listing import appeal_page
from webapp.casework.appeals.models import CATEGORIES, AppealKind, AppealStatus
from webapp.casework.appeals.runtime import case_events
from webapp.casework.appeals.search import MAX_QUERY
from webapp.casework.appeals.service import AppealFilters, appeal_for
from webapp.casework.supervision.service import Filters
from webapp.errors import NotFoundError
from webapp.platform.auth.models import Role
from webapp.platform.pagination import BadCursor
from webapp.platform.query_params import BadParameter, IsoDate, check_period, one_of, query
from webapp.platform.territory.service import district_by_code, mahalla_by_code

CASE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
MAX_EVENTS = 5000
APPEAL_FILTERS = {
    "q": ("search: number, applicant, phone, address, text or reply (either Uzbek script, Russian)", False),
    "status": ("registered, under_review, forwarded, resolved, answered or rejected", False),
    "stage": ("1–5", False),
    "category": ("category code", False),
    "kind": ("ariza, taklif or shikoyat", False),
    "mahalla": ("mahalla code", False),
    "district": ("district code", False),
    "from": ("received on or after, YYYY-MM-DD (Tashkent)", False),
    "to": ("received on or before, YYYY-MM-DD (Tashkent)", False),
    "overdue": ("true: open and past the deadline", False),
    **LIST_PARAMETERS,
}


class AppealListOut(BaseModel):
    appeals: list[AppealOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


class ActorOut(BaseModel):
    username: str
    full_name: str


class CaseEventOut(BaseModel):
    type: str
    time: dt.datetime
    actor: ActorOut | None
    task: str | None
    stage: int | None
    data: dict[str, Any]


class TimelineOut(BaseModel):
    number: str
    events: list[CaseEventOut]


class AppealListParams(ListParams):
    """The list's query string (see APPEAL_FILTERS); parse() raises BadParameter naming a bad one."""

    q: str = Field("", max_length=MAX_QUERY)
    status: AppealStatus | None = None
    stage: int | None = Field(None, ge=1, le=5)
    category: str = ""
    kind: AppealKind | None = None
    mahalla: str = ""
    district: str = ""
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    overdue: bool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        return one_of("category", value, CATEGORIES)

    @model_validator(mode="after")
    def _ordered(self) -> AppealListParams:
        check_period(self.date_from, self.date_to)
        return self


def _filters(params: AppealListParams) -> AppealFilters:
    """The list's filters; unknown territory codes are a BadParameter naming the field."""
    district_id = mahalla_id = None
    if params.district:
        district = district_by_code(params.district)
        if district is None:
            raise BadParameter("district", "unknown", _("Unknown district code."))
        district_id = district.id
    if params.mahalla:
        mahalla = mahalla_by_code(params.mahalla)
        if mahalla is None:
            raise BadParameter("mahalla", "unknown", _("Unknown mahalla code."))
        mahalla_id = mahalla.id
    return AppealFilters(
        base=Filters(
            district=district_id,
            mahalla=mahalla_id,
            category=params.category,
            stage=params.stage,
            kind=params.kind.value if params.kind else "",
        ),
        status=params.status.value if params.status else "",
        date_from=params.date_from,
        date_to=params.date_to,
        q=params.q,
        overdue=params.overdue,
    )


@blueprint.route("/appeals", methods=["GET"])
@operation(
    summary="Appeals in the caller's territory: search, filters and cursor pages",
    tag="appeals",
    query=APPEAL_FILTERS,
    responses={
        200: ("Newest received first; by relevance then number when q is given", AppealListOut),
        400: ("A malformed parameter, named in fields", ErrorOut),
        403: ("The caller's role does not work with appeals", ErrorOut),
    },
)
def list_appeals() -> Any:
    user = g.api_user
    if not user.has_role(*CASE_ROLES):
        return error(403, _("Your account does not work with appeals."))
    params = query(AppealListParams)
    try:
        page = appeal_page(user, _filters(params), limit=params.limit, cursor=params.cursor)
    except BadCursor:
        raise bad_cursor() from None
    return jsonify(page_body("appeals", [presenters.appeal(a) for a in page.appeals], page.next_cursor))


@blueprint.route("/appeals/<number>/events")
@operation(
    summary="The case's timeline, oldest first (newest last)",
    tag="appeals",
    responses={200: ("The events", TimelineOut), 404: ("Unknown, or outside your territory", ErrorOut)},
)
def appeal_events(number: str) -> Any:
    user = g.api_user
    appeal = appeal_for(user, number) if user.has_role(*CASE_ROLES) else None
    if appeal is None:
        raise NotFoundError()
    events = case_events(appeal)[-MAX_EVENTS:]
    return jsonify({"number": appeal.number, "events": [presenters.case_event(e) for e in events]})
