"""Who may see what: territory scopes as SQL conditions, and territory look-ups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true

from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.territory.models import District, Mahalla


def served_mahalla_ids(user: User) -> Any:
    """The mahallas the user serves, as a subquery (no extra round trip)."""
    return select(user_mahallas.c.mahalla_id).where(user_mahallas.c.user_id == user.id).scalar_subquery()


def _district_ids_of_region(region_id: int) -> Any:
    return select(District.id).where(District.region_id == region_id).scalar_subquery()


def appeal_scope(user: User) -> ColumnElement[bool]:
    """Condition on Appeal selecting the cases the user may see."""
    if user.role == Role.INSPECTOR:
        return Appeal.mahalla_id.in_(served_mahalla_ids(user))
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


def task_scope(user: User) -> ColumnElement[bool]:
    """Condition on PendingTask selecting the tasks the user may work on: their role, their territory."""
    if user.role == Role.INSPECTOR:
        return (PendingTask.role == Role.INSPECTOR.value) & PendingTask.mahalla_id.in_(served_mahalla_ids(user))
    if user.role == Role.SUPERVISOR:
        in_role = PendingTask.role == Role.SUPERVISOR.value
        if user.district_id is not None:
            return in_role & (PendingTask.district_id == user.district_id)
        if user.region_id is not None:
            return in_role & PendingTask.district_id.in_(_district_ids_of_region(user.region_id))
    return false()


def mahalla_by_code(code: str) -> Mahalla | None:
    return db.session.scalar(select(Mahalla).where(Mahalla.code == code))


def mahallas_for_registration(user: User) -> list[Mahalla]:
    """Mahallas in which the user may register an appeal."""
    query = select(Mahalla).order_by(Mahalla.name)
    if user.role == Role.INSPECTOR:
        return list(user.mahallas)
    if user.role == Role.SUPERVISOR and user.district_id is not None:
        query = query.where(Mahalla.district_id == user.district_id)
    elif user.role == Role.SUPERVISOR and user.region_id is not None:
        query = query.join(District).where(District.region_id == user.region_id)
    elif user.role != Role.ADMIN:
        return []
    return list(db.session.scalars(query))
