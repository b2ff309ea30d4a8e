"""A mahalla chair's read-only appeals through the API: the same need-to-know rules and audit
entries as the browser pages (webapp/cooperation/chairs)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask_babel import gettext as _

from webapp.api.listing import LIST_PARAMETERS
from webapp.api.openapi import operation
from webapp.api.prevention import PreventionList as ChairAppealList
from webapp.api.prevention import _paged as paged
from webapp.api.routes import blueprint, error
from webapp.api.schemas import ErrorOut
from webapp.cooperation.chairs.service import chair_appeal, chair_appeals
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.errors import NotFoundError


def _refused() -> Any:
    if not g.api_user.has_role(MAHALLA_CHAIR):
        return error(403, _("Only a mahalla chair reads these appeals."))
    return None


@blueprint.route("/chair/appeals")
@operation(
    summary="A mahalla chair's appeals: shared categories, analysed, not crime-related; logged",
    tag="cooperation",
    query=LIST_PARAMETERS,
    responses={200: ("One page", ChairAppealList), 400: ("A bad limit or cursor", ErrorOut), 403: ("Role", ErrorOut)},
)
def chair_appeal_list() -> Any:
    if (refused := _refused()) is not None:
        return refused
    user = g.api_user
    return paged(lambda o, n: [a.as_json() for a in chair_appeals(user, offset=o, limit=n)])


@blueprint.route("/chair/appeals/<number>")
@operation(
    summary="One appeal for its mahalla chair, the shared fields only (logged)",
    tag="cooperation",
    responses={200: ("The appeal", None), 403: ("Role", ErrorOut), 404: ("Unknown, or not shared", ErrorOut)},
)
def chair_appeal_one(number: str) -> Any:
    if (refused := _refused()) is not None:
        return refused
    item = chair_appeal(g.api_user, number)
    if item is None:
        raise NotFoundError()
    return jsonify(item.as_json())
