"""One page of a query's rows, with what a pager needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select

from webapp.extensions import db

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _count(query: Select[*tuple[Any, ...]]) -> int:
    """The number of rows, without computing the listed columns (a list may select correlated
    subqueries); a grouped query counts one row per group. Not for DISTINCT queries."""
    counted = query.order_by(None).with_only_columns(literal(1), maintain_column_froms=True).subquery()
    return db.session.scalar(select(func.count()).select_from(counted)) or 0


def paginate(query: Select[*tuple[Any, ...]], page: int, per_page: int = PER_PAGE) -> Page:
    """One page of the query's rows (scalars when it selects one entity, rows otherwise).

    The total comes with the page (``count(*) OVER ()``): the database has found every matching
    row to sort them anyway, and a second counting query would cost as much again. Only a page
    past the end needs the count on its own, to go to the last page.
    """
    width = len(query.column_descriptions)
    page = max(page, 1)
    rows = db.session.execute(
        query.add_columns(func.count().over()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        total = int(rows[0][-1])
    else:
        total = _count(query)
        last = max(math.ceil(total / per_page), 1)
        if page > last:
            return paginate(query, last, per_page)
    items = [row[0] for row in rows] if width == 1 else [tuple(row[:-1]) for row in rows]
    return Page(items=items, page=page, pages=max(math.ceil(total / per_page), 1), total=total)


# --- cursors for the API's keyset pages ------------------------------------------------------


class BadCursor(ValueError):
    """The cursor was not made by ``encode_cursor`` (or was altered)."""


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for the position after a row: its sort key (JSON values), base64url."""
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(raw: str, *, length: int) -> list[Any]:
    """The sort key inside a cursor; BadCursor unless it is a list of ``length`` values."""
    import base64
    import binascii
    import json

    if len(raw) > 500:
        raise BadCursor("cursor too long")
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor("not a cursor") from None
    if not isinstance(values, list) or len(values) != length:
        raise BadCursor("not a cursor")
    return values
