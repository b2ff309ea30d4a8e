"""Pages of the appeals a user may see, for the API: keyset pages newest first, or by relevance.

Without a query the order is received time then id (both descending) and the cursor carries the
last row's pair, so pages stay stable while appeals arrive. With a query the order is relevance
then number, and the cursor carries the position (relevance is not a stable key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import AppealFilters, appeal_list_query
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.pagination import BadCursor, decode_cursor, encode_cursor
from webapp.platform.territory.service import appeal_scope
from webapp.platform.timeutil import as_utc

MAX_OFFSET = 2_000  # ranked results come from the newest SEARCH_CANDIDATES matches


@dataclass(frozen=True)
class AppealPage:
    appeals: list[Appeal]
    next_cursor: str | None


def appeal_page(user: User, filters: AppealFilters, *, limit: int, cursor: str = "") -> AppealPage:
    """One page of matching appeals in the user's scope; BadCursor for a cursor not made here."""
    query = select(Appeal).where(appeal_scope(user, resolved=True), filters.condition())
    if filters.q:
        offset = int(decode_cursor(cursor, length=1)[0]) if cursor else 0
        if not 0 <= offset <= MAX_OFFSET:
            raise BadCursor("out of range")
        ranked = appeal_list_query(user, filters).with_only_columns(Appeal)
        rows = list(db.session.scalars(ranked.offset(offset).limit(limit + 1)))
        more = len(rows) > limit and offset + limit <= MAX_OFFSET
        return AppealPage(rows[:limit], encode_cursor([offset + limit]) if more else None)
    if cursor:
        raw_time, last_id = decode_cursor(cursor, length=2)
        try:
            received = as_utc(dt.datetime.fromisoformat(str(raw_time)))
            last = int(last_id)
        except (TypeError, ValueError):
            raise BadCursor("not a cursor") from None
        query = query.where(or_(Appeal.received_at < received, and_(Appeal.received_at == received, Appeal.id < last)))
    rows = list(db.session.scalars(query.order_by(Appeal.received_at.desc(), Appeal.id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return AppealPage(rows, None)
    tail = rows[limit - 1]
    return AppealPage(rows[:limit], encode_cursor([as_utc(tail.received_at).isoformat(), tail.id]))
