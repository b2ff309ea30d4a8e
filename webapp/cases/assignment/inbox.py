"""The inbox's assignment filters (mine / unassigned / all) and orders (deadline / follow-up)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, true

from webapp.cases.models import PendingTask
from webapp.platform.auth.models import User
from webapp.platform.query_params import Page, QueryModel

SHOW = ("mine", "unassigned", "all")
SORT = ("due", "follow_up")


class InboxArgs(QueryModel):
    """The inbox's query string: which tasks, in which order, which page (a bad value: BadParameter)."""

    show: Literal["mine", "unassigned", "all"] = "all"
    sort: Literal["due", "follow_up"] = "due"
    page: Page = 1


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
