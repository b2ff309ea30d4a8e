"""Who may see what: territory scopes as SQL conditions, and territory look-ups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, false, select, true

from webapp.cases.cover.scope import covered_user_ids
from webapp.cases.models import APPEAL, PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import PARTNER_LANE, Role, User, user_mahallas
from webapp.platform.territory.models import District, Mahalla, UnitStatus
from webapp.platform.timeutil import local_today


def served_mahalla_ids(user: User, *, resolved: bool = False) -> Any:
    """The mahallas the user serves, their own and those of colleagues they cover today: a
    subquery (no extra round trip), or with ``resolved`` the ids themselves (one small query)."""
    serving = (user_mahallas.c.user_id == user.id) | user_mahallas.c.user_id.in_(
        covered_user_ids(user.id, local_today())
    )
    query = select(user_mahallas.c.mahalla_id).where(serving)
    return list(db.session.scalars(query)) if resolved else query.scalar_subquery()


def held_appeal_ids(user: User, *, resolved: bool = False) -> Any:
    """Appeals with an open task assigned to the user (a task given to them outside their
    mahallas: a supervisor's reassignment within the district, or a supervisor taking it)."""
    query = select(PendingTask.appeal_id).where(PendingTask.assignee_id == user.id, PendingTask.appeal_id.is_not(None))
    return list(db.session.scalars(query.distinct())) if resolved else query.scalar_subquery()


# Lists (an inbox, the appeals of a territory) ask with ``resolved=True``: the few ids come first, so
# that the planner knows how few rows they select. A subquery inside an OR is estimated at about
# half the table: at a million appeals it read every appeal (and every waiting task) for an
# inspector's 25-row inbox page (295 ms) and appeals list (481 ms). A lookup by key keeps the subquery.


def _district_ids_of_region(region_id: int) -> Any:
    return select(District.id).where(District.region_id == region_id).scalar_subquery()


def appeal_scope(user: User, *, resolved: bool = False) -> ColumnElement[bool]:
    """Condition on Appeal selecting the cases the user may see (``resolved``: for lists, above)."""
    if user.role == Role.INSPECTOR:
        served = served_mahalla_ids(user, resolved=resolved)
        return Appeal.mahalla_id.in_(served) | Appeal.id.in_(held_appeal_ids(user, resolved=resolved))
    return district_scope(user, Appeal.district_id)


def district_scope(
    user: User, district_column: Any, nationwide: tuple[str, ...] = (Role.ADMIN.value,)
) -> ColumnElement[bool]:
    """Condition on any district column (appeals, tasks, figures): a supervisor's district or the
    districts of their region; everything for the ``nationwide`` roles; nothing for the others."""
    if user.role in nationwide:
        return true()
    if user.role == Role.SUPERVISOR:
        if user.district_id is not None:
            return district_column == user.district_id  # type: ignore[no-any-return]
        if user.region_id is not None:
            return district_column.in_(_district_ids_of_region(user.region_id))  # type: ignore[no-any-return]
    return false()


# Roles of other areas (a partner organisation's staff) say which tasks are theirs.
_TASK_SCOPES: dict[str, Callable[[User], ColumnElement[bool]]] = {}


def register_task_scope(role: str, scope: Callable[[User], ColumnElement[bool]]) -> None:
    _TASK_SCOPES[role] = scope


def task_scope(user: User, *, resolved: bool = False) -> ColumnElement[bool]:
    """Condition on PendingTask selecting the tasks the user may work on: their role and territory,
    and any task assigned to them (a supervisor gave it to them, or they took it); ``resolved``: for
    lists (above)."""
    if user.role in _TASK_SCOPES:
        return _TASK_SCOPES[user.role](user)
    mine = (PendingTask.assignee_id == user.id) if user.role in (Role.INSPECTOR, Role.SUPERVISOR) else false()
    in_role: ColumnElement[bool]
    if user.role == Role.INSPECTOR:
        # An inspector's tasks of other subjects (a prevention plan) are assigned to them by name.
        # A referral to a partner that has nobody in the system (no organisation of that kind in the
        # district): the mahalla's inspector records the partner's answer.
        unrouted = (PendingTask.role == PARTNER_LANE) & PendingTask.organisation_id.is_(None)
        in_role = ((PendingTask.role == Role.INSPECTOR.value) | unrouted) & (PendingTask.subject_kind == APPEAL)
        return (in_role & PendingTask.mahalla_id.in_(served_mahalla_ids(user, resolved=resolved))) | mine
    if user.role == Role.SUPERVISOR:
        in_role = PendingTask.role == Role.SUPERVISOR.value
        if user.district_id is not None:
            return (in_role & (PendingTask.district_id == user.district_id)) | mine
        if user.region_id is not None:
            return (in_role & PendingTask.district_id.in_(_district_ids_of_region(user.region_id))) | mine
    return false()


def mahalla_by_code(code: str) -> Mahalla | None:
    return db.session.scalar(select(Mahalla).where(Mahalla.code == code))


def district_by_code(code: str) -> District | None:
    return db.session.scalar(select(District).where(District.code == code))


def mahallas_for_registration(user: User, *, include_retired: bool = False) -> list[Mahalla]:
    """Active mahallas in which the user may register an appeal: a merged, renamed or abolished
    mahalla keeps its cases but takes no new ones (``include_retired``: every one, for filters)."""
    query = select(Mahalla).order_by(Mahalla.name)
    if not include_retired:
        query = query.where(Mahalla.status == UnitStatus.ACTIVE)
    if user.role == Role.INSPECTOR:
        return [m for m in user.mahallas if include_retired or m.status == UnitStatus.ACTIVE]
    if user.role == Role.SUPERVISOR and user.district_id is not None:
        query = query.where(Mahalla.district_id == user.district_id)
    elif user.role == Role.SUPERVISOR and user.region_id is not None:
        query = query.join(District).where(District.region_id == user.region_id)
    elif user.role != Role.ADMIN:
        return []
    return list(db.session.scalars(query))
