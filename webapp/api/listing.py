"""The API's list conventions: ``limit`` (default 50, at most 200) and an opaque ``cursor``;
every list answers ``{"<items>": [...], "next_cursor": ... | null}``; a bad parameter is a 400
naming it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from pydantic import Field

from webapp.platform.query_params import BadParameter, QueryModel, query

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LIST_PARAMETERS = {
    "limit": (f"rows per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})", False),
    "cursor": ("the next_cursor of the previous page", False),
}


class ListParams(QueryModel):
    """``limit`` and ``cursor``, the parameters every list shares (subclass to add a list's own)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str = ""


def limit_arg() -> int:
    return query(ListParams).limit


def cursor_arg() -> str:
    return query(ListParams).cursor


def bad_cursor() -> BadParameter:
    return BadParameter("cursor", "invalid", _("cursor is not one this API gave out; start again without it."))


def page_body(key: str, items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {key: items, "next_cursor": next_cursor}
