"""The inbox's assignment filters (mine / unassigned / all) and orders (deadline / follow-up)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, true

from webapp.cases.models import PendingTask
from webapp.platform.auth.models import User

SHOW = ("mine", "unassigned", "all")
SORT = ("due", "follow_up")


def inbox_choice(args: Mapping[str, str]) -> tuple[str, str]:
    """The inbox's filter and order from the query string (unknown values: the defaults)."""
    show = args.get("show", "all")
    sort = args.get("sort", "due")
    return (show if show in SHOW else "all", sort if sort in SORT else "due")


def inbox_filter(user: User, show: str) -> ColumnElement[bool]:
    if show == "mine":
        return PendingTask.assignee_id == user.id
    if show == "unassigned":
        return PendingTask.assignee_id.is_(None)
    return true()


def inbox_order(sort: str) -> list[Any]:
    if sort == "follow_up":
        return [PendingTask.follow_up_date.is_(None), PendingTask.follow_up_date]
    return []
