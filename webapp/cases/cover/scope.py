"""Who covers whom today, as SQL subqueries the territory scopes and automatic assignment use.

A cover runs from ``starts_on`` to ``ends_on`` (inclusive) unless it was ended early. While it
runs the substitute serves the absent user's mahallas; afterwards, never again (404 as before).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select

from webapp.cases.models import UserAbsence


def running(today: dt.date | Any) -> ColumnElement[bool]:
    """Condition on UserAbsence: the absence is under way today (a date, or a statement parameter)."""
    return (UserAbsence.starts_on <= today) & (UserAbsence.ends_on >= today) & UserAbsence.ended_at.is_(None)


def covered_user_ids(substitute_id: int, today: dt.date) -> Any:
    """The users the substitute covers today (a subquery)."""
    return select(UserAbsence.user_id).where(UserAbsence.substitute_id == substitute_id, running(today))


def absent_user_ids(today: dt.date | Any) -> Any:
    return select(UserAbsence.user_id).where(running(today))


def covering_substitutes(user_ids: Any, today: dt.date | Any) -> Any:
    """The substitutes covering any of ``user_ids`` today (a subquery)."""
    return select(UserAbsence.substitute_id).where(
        UserAbsence.user_id.in_(user_ids), UserAbsence.substitute_id.is_not(None), running(today)
    )
