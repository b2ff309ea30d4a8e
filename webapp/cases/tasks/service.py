"""Inboxes and access to pending tasks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from webapp.cases.assignment.inbox import inbox_filter, inbox_order
from webapp.cases.models import APPEAL, PendingTask, ProcessVersion
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.pagination import Page, paginate
from webapp.platform.statements import built_for_user
from webapp.platform.territory.models import Mahalla
from webapp.platform.territory.service import task_scope
from webapp.platform.timeutil import local_today

# A busy inspector's inbox shows this many tasks a page, nearest deadline first.
INBOX_PAGE_SIZE = 25


# What the inbox loads with its tasks besides their mahalla and assignee (an appeal's own row and
# its mahalla), registered by the subject kinds: factories of loader options on PendingTask; and
# what an API listing of tasks needs of them (the columns its case reference reads).
_LOADS: list[Callable[[], Any]] = []
_LISTING_LOADS: list[Callable[[], Any]] = []


def inbox_loads(option: Callable[[], Any], *, listed: Callable[[], Any] | None = None) -> None:
    """Register a loader option the inbox adds to its query (e.g. a subject's row, eagerly) and the
    narrower one of an API listing (``listed``: only the columns the listing shows)."""
    if option not in _LOADS:
        _LOADS.append(option)
    if listed is not None and listed not in _LISTING_LOADS:
        _LISTING_LOADS.append(listed)


def _listing_loads() -> list[Any]:
    """What the API shows of a task's mahalla, assignee and subject (presenters.task): a case's task
    list is asked after every completion, so it reads those columns, not the whole rows."""
    return [
        *(load() for load in _LISTING_LOADS),
        joinedload(PendingTask.mahalla).load_only(Mahalla.code),
        joinedload(PendingTask.assignee).load_only(User.username, User.full_name),
        joinedload(PendingTask.version).load_only(ProcessVersion.content_hash),  # the tasks' forms
    ]


def inbox_query(
    user: User,
    show: str,
    sort: str,
    kinds: tuple[str, ...] | None,
    *,
    resolved: bool = True,
    listing: bool = False,
) -> Any:
    """``resolved``: the territory as ids (a list over the territory); False for a case's few tasks,
    found by the case's index (the territory a subquery: no extra round trip). ``listing``: the
    related rows only as far as an API listing shows them."""
    loads = (
        _listing_loads()
        if listing
        else [
            *(load() for load in _LOADS),
            joinedload(PendingTask.mahalla),
            joinedload(PendingTask.assignee),
            joinedload(PendingTask.version).load_only(ProcessVersion.content_hash),  # the tasks' names
        ]
    )
    query = (
        select(PendingTask)
        .where(task_scope(user, resolved=resolved), inbox_filter(user, show))
        .options(*loads)
        .order_by(*inbox_order(sort), PendingTask.due_date, PendingTask.created_at, PendingTask.id)
    )
    return query.where(PendingTask.subject_kind.in_(kinds)) if kinds is not None else query


def inbox(
    user: User, *, limit: int = 200, show: str = "all", sort: str = "due", kinds: tuple[str, ...] | None = None
) -> list[PendingTask]:
    """Tasks of the user's role in the user's territory, nearest deadline first, of every kind of
    case (appeals, prevention plans, …) or of ``kinds`` only.

    ``show``: all | mine | unassigned; ``sort``: due | follow_up (tasks without one last).
    """
    return list(db.session.scalars(inbox_query(user, show, sort, kinds).limit(limit)))


def inbox_page(user: User, *, page: int = 1, show: str = "all", sort: str = "due") -> Page:
    """One page of the inbox's appeal tasks (INBOX_PAGE_SIZE tasks) and the number of all of them
    (the tasks of other subjects have their own panels below)."""
    return paginate(inbox_query(user, show, sort, (APPEAL,)), page, INBOX_PAGE_SIZE)


# Roles whose task scope is made of the user's own columns and today's date only (their territory
# and covers are subqueries, read when the statement runs): statements holding it are built once
# per user and day for them. The scopes of other roles read the database while they are built.
_SCOPE_FROM_USER = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


def scoped_statement(user: User, name: str, build: Callable[[], Any]) -> Any:
    """The statement ``build`` makes with the user's task scope in it (its values as bind
    parameters), built once per user, day and ``name`` where the scope allows it: the hot paths of
    an API client (a completion's lookup, a case's next tasks) send the same statement every time."""
    if user.role not in _SCOPE_FROM_USER:
        return build()
    return built_for_user((name, user.id, user.role, user.district_id, user.region_id, local_today()), build)


def case_inbox(
    user: User, kind: str, lookup: str, narrow: Callable[[Any], Any], values: Mapping[str, Any]
) -> list[PendingTask]:
    """The user's waiting tasks on one case, nearest deadline first, as the API lists them:
    ``narrow`` adds the case's condition (written with bind parameters, ``lookup`` names it),
    ``values`` are their values."""

    def build() -> Any:
        return narrow(inbox_query(user, "all", "due", (kind,), resolved=False, listing=True))

    return list(db.session.scalars(scoped_statement(user, f"case inbox: {kind}, {lookup}", build), dict(values)))


def inbox_of_case(user: User, kind: str, subject_id: int) -> list[PendingTask]:
    """The user's waiting tasks on one case (its subject kind and id), nearest deadline first."""
    return case_inbox(
        user,
        kind,
        "subject id",
        lambda query: query.where(PendingTask.subject_id == bindparam("case_subject_id")),
        {"case_subject_id": subject_id},
    )


def task_for(user: User, task_id: str) -> PendingTask | None:
    """The pending task if the user may work on it; None otherwise (callers answer 404)."""
    if len(task_id) > 36:
        return None
    return db.session.scalar(select(PendingTask).where(PendingTask.id == task_id, task_scope(user)))


def tasks_of_appeal(appeal_id: int) -> list[PendingTask]:
    return list(db.session.scalars(select(PendingTask).where(PendingTask.appeal_id == appeal_id)))
