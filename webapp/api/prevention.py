"""Read endpoints of prevention work: the registry (persons and their prevention plans, under the
registry's special-data rules, every record shown logged in its access log), youth, patrol groups,
legal-culture events and joint plans; the same list conventions as the appeals (limit, cursor)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from webapp.api.listing import (
    LIST_PARAMETERS,
    bad_cursor,
    cursor_arg,
    limit_arg,
    page_body,
)
from webapp.api.openapi import operation
from webapp.api.routes import blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.errors import NotFoundError
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.pagination import BadCursor, decode_cursor, encode_cursor
from webapp.platform.query_params import query
from webapp.prevention.events.service import event_for, events_query
from webapp.prevention.joint_plans.service import PLAN_STATUSES, plan_for, plans_query
from webapp.prevention.patrols.service import GROUP_STATUSES, group_for, groups_query
from webapp.prevention.registry.access import REGISTRY_ROLES, person_view
from webapp.prevention.registry.service import Denied, Filters, plan_record, plans_page, record_for, registry_page
from webapp.prevention.work.models import EVENT_STATUSES, YOUTH_STATUSES
from webapp.prevention.work.scope import ListFilters, WorkListArgs
from webapp.prevention.youth.service import people_query, person_for

WORK_ROLES = (Role.YOUTH_ADVISER.value, Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
MAX_OFFSET = 100_000
HIDDEN = {"state", "password_hash", "process_version_id", "version"}


class PreventionList(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def columns(item: Any) -> dict[str, Any]:
    """A row's own columns as JSON (internal workflow state left out)."""
    return {c.key: _value(getattr(item, c.key)) for c in item.__table__.columns if c.key not in HIDDEN}


def _offset() -> int:
    cursor = cursor_arg()
    if not cursor:
        return 0
    try:
        offset = int(decode_cursor(cursor, length=1)[0])
    except (BadCursor, TypeError, ValueError):
        raise bad_cursor() from None
    if not 0 <= offset <= MAX_OFFSET:
        raise bad_cursor()
    return offset


def work_filters(statuses: tuple[str, ...]) -> ListFilters:
    """The filters of a prevention-work list from the query string; BadParameter names a bad one."""
    return query(WorkListArgs).filters(statuses)


def _paged(read: Callable[[int, int], list[dict[str, Any]]]) -> Any:
    """Run ``read(offset, limit + 1)`` and answer one page in the list conventions."""
    limit, offset = limit_arg(), _offset()
    rows = read(offset, limit + 1)
    more = len(rows) > limit
    return jsonify(page_body("items", rows[:limit], encode_cursor([offset + limit]) if more else None))


def _refused(roles: tuple[str, ...]) -> Any:
    if not g.api_user.has_role(*roles):
        return error(403, _("Your account does not work with prevention records."))
    return None


def _not_found() -> Any:
    raise NotFoundError()


def _query_rows(query: Any, offset: int, limit: int) -> list[Any]:
    return [row[0] for row in db.session.execute(query.offset(offset).limit(limit))]


LIST = {
    "query": LIST_PARAMETERS,
    "responses": {200: ("One page", PreventionList), 400: ("A bad limit or cursor", ErrorOut), 403: ("Role", ErrorOut)},
}
WORK_PARAMETERS = {
    "region": ("region id", False),
    "district": ("district id", False),
    "mahalla": ("mahalla id", False),
    "from": ("from this date (YYYY-MM-DD): event date, report period, plan period", False),
    "to": ("until this date (YYYY-MM-DD)", False),
    "status": ("the register's status (one of the values named in a 400 answer)", False),
    "q": ("words in the name, topic, partner or venue", False),
}
WORK_LIST = {**LIST, "query": {**LIST_PARAMETERS, **WORK_PARAMETERS}}
ONE = {"responses": {200: ("The record", None), 404: ("Unknown, or outside your reach", ErrorOut)}}


@blueprint.route("/prevention/persons")
@operation(summary="Registry records: full where entitled, masked otherwise; each logged", tag="prevention", **LIST)
def prevention_persons() -> Any:
    if (refused := _refused(REGISTRY_ROLES)) is not None:
        return refused
    user: User = g.api_user
    return _paged(
        lambda o, n: [_value_dict(dataclasses.asdict(v)) for v in registry_page(user, Filters(), offset=o, limit=n)]
    )


@blueprint.route("/prevention/persons/<int:person_id>")
@operation(summary="One registry record for an entitled user (logged; a refusal too)", tag="prevention", **ONE)
def prevention_person(person_id: int) -> Any:
    if (refused := _refused(REGISTRY_ROLES)) is not None:
        return refused
    try:
        person = record_for(g.api_user, person_id, action="api_view")
    except Denied:
        return _not_found()
    if person is None:
        return _not_found()
    return jsonify(_value_dict(dataclasses.asdict(person_view(person, True))))


@blueprint.route("/prevention/plans")
@operation(summary="Prevention plans of the records you are entitled to (logged)", tag="prevention", **LIST)
def prevention_plans() -> Any:
    if (refused := _refused(REGISTRY_ROLES)) is not None:
        return refused
    user: User = g.api_user
    return _paged(lambda o, n: [columns(p) for p in plans_page(user, offset=o, limit=n)])


@blueprint.route("/prevention/plans/<int:plan_id>")
@operation(summary="One individual prevention plan (entitled users; logged)", tag="prevention", **ONE)
def prevention_plan(plan_id: int) -> Any:
    if (refused := _refused(REGISTRY_ROLES)) is not None:
        return refused
    plan = plan_record(g.api_user, plan_id)
    return jsonify(columns(plan)) if plan is not None else _not_found()


def _simple_list(query_for: Callable[[User, ListFilters], Any], statuses: tuple[str, ...]) -> Any:
    if (refused := _refused(WORK_ROLES)) is not None:
        return refused
    user: User = g.api_user
    filters = work_filters(statuses)
    return _paged(lambda o, n: [columns(item) for item in _query_rows(query_for(user, filters), o, n)])


def _simple_one(found: Any) -> Any:
    if (refused := _refused(WORK_ROLES)) is not None:
        return refused
    return jsonify(columns(found)) if found is not None else _not_found()


@blueprint.route("/prevention/youth")
@operation(summary="Young people in the youth register of your territory", tag="prevention", **WORK_LIST)
def prevention_youth() -> Any:
    return _simple_list(people_query, YOUTH_STATUSES)


@blueprint.route("/prevention/youth/<int:item_id>")
@operation(summary="One young person of the youth register", tag="prevention", **ONE)
def prevention_young_person(item_id: int) -> Any:
    return _simple_one(person_for(g.api_user, item_id))


@blueprint.route("/prevention/patrols")
@operation(summary="Fidokor Yoshlar patrol groups of your territory", tag="prevention", **WORK_LIST)
def prevention_patrols() -> Any:
    return _simple_list(groups_query, GROUP_STATUSES)


@blueprint.route("/prevention/patrols/<int:item_id>")
@operation(summary="One patrol group", tag="prevention", **ONE)
def prevention_patrol(item_id: int) -> Any:
    return _simple_one(group_for(g.api_user, item_id))


@blueprint.route("/prevention/events")
@operation(summary="Legal-culture events of your territory", tag="prevention", **WORK_LIST)
def prevention_events() -> Any:
    return _simple_list(events_query, EVENT_STATUSES)


@blueprint.route("/prevention/events/<int:item_id>")
@operation(summary="One legal-culture event", tag="prevention", **ONE)
def prevention_event(item_id: int) -> Any:
    return _simple_one(event_for(g.api_user, item_id))


@blueprint.route("/prevention/joint-plans")
@operation(summary="Joint plans with other bodies in your territory", tag="prevention", **WORK_LIST)
def prevention_joint_plans() -> Any:
    return _simple_list(plans_query, PLAN_STATUSES)


@blueprint.route("/prevention/joint-plans/<int:item_id>")
@operation(summary="One joint plan", tag="prevention", **ONE)
def prevention_joint_plan(item_id: int) -> Any:
    return _simple_one(plan_for(g.api_user, item_id))


def _value_dict(data: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in data.items()}
