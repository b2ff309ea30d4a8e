"""Keep the current staffing (``user_mahallas``, a supervisor's district or region) and its dated
history (``staff_assignments``) in step. The caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.staffing.models import StaffAssignment, UnitKind
from webapp.platform.territory.models import District, Mahalla, Region


def _open_rows(user: User, kind: str) -> list[StaffAssignment]:
    query = select(StaffAssignment).where(
        StaffAssignment.user_id == user.id, StaffAssignment.unit_kind == kind, StaffAssignment.ends_on.is_(None)
    )
    return list(db.session.scalars(query))


def _close(row: StaffAssignment, day: dt.date) -> None:
    # Served until the day before the change (a one-day assignment ends on its start day).
    row.ends_on = max(row.starts_on, day - dt.timedelta(days=1))


def set_mahallas(user: User, mahallas: Iterable[Mahalla], *, on: dt.date, actor_id: int | None) -> None:
    """The mahallas the user serves from ``on``: ends the dropped ones, opens the new ones."""
    wanted = {m.id: m for m in mahallas}
    rows = _open_rows(user, UnitKind.MAHALLA)
    for row in rows:
        if row.unit_id not in wanted:
            _close(row, on)
    held = {row.unit_id for row in rows}
    for mahalla_id in wanted.keys() - held:
        db.session.add(
            StaffAssignment(
                user_id=user.id, unit_kind=UnitKind.MAHALLA, unit_id=mahalla_id, starts_on=on, created_by_id=actor_id
            )
        )
    user.mahallas = sorted(wanted.values(), key=lambda m: m.name)


def set_headed_unit(
    user: User, *, district_id: int | None, region_id: int | None, on: dt.date, actor_id: int | None
) -> None:
    """The district (or, without one, the region) a supervisor heads from ``on``."""
    kind, unit = (UnitKind.DISTRICT, district_id) if district_id else (UnitKind.REGION, region_id)
    for row_kind in (UnitKind.DISTRICT, UnitKind.REGION):
        for row in _open_rows(user, row_kind):
            if (row_kind, row.unit_id) != (kind, unit):
                _close(row, on)
    if unit is not None and not any(row.unit_id == unit for row in _open_rows(user, kind)):
        db.session.add(
            StaffAssignment(user_id=user.id, unit_kind=kind, unit_id=unit, starts_on=on, created_by_id=actor_id)
        )
    user.district_id = district_id
    user.region_id = region_id


def end_all(user: User, *, on: dt.date) -> None:
    """A deactivated user serves nothing from ``on`` (history stays)."""
    for kind in UnitKind.ALL:
        for row in _open_rows(user, kind):
            _close(row, on)
    user.mahallas = []


def served_on(unit_kind: str, unit_id: int, day: dt.date) -> list[User]:
    """Who served (or headed) the unit on the day."""
    query = (
        select(User)
        .join(StaffAssignment, StaffAssignment.user_id == User.id)
        .where(
            StaffAssignment.unit_kind == unit_kind,
            StaffAssignment.unit_id == unit_id,
            StaffAssignment.starts_on <= day,
            (StaffAssignment.ends_on.is_(None)) | (StaffAssignment.ends_on >= day),
        )
        .order_by(User.full_name)
        .distinct()
    )
    return list(db.session.scalars(query))


def history_of(user: User) -> list[StaffAssignment]:
    query = select(StaffAssignment).where(StaffAssignment.user_id == user.id)
    return list(db.session.scalars(query.order_by(StaffAssignment.starts_on.desc(), StaffAssignment.id.desc())))


@dataclass(frozen=True)
class HistoryRow:
    unit_kind: str
    unit_name: str
    unit_code: str
    starts_on: dt.date
    ends_on: dt.date | None


def history_rows(user: User) -> list[HistoryRow]:
    """The user's staffing history with the units' names, newest first."""
    rows = history_of(user)
    models: dict[str, Any] = {UnitKind.MAHALLA: Mahalla, UnitKind.DISTRICT: District, UnitKind.REGION: Region}
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for kind, model in models.items():
        ids = [r.unit_id for r in rows if r.unit_kind == kind]
        if ids:
            for unit in db.session.scalars(select(model).where(model.id.in_(ids))):
                names[(kind, unit.id)] = (unit.name, unit.code)
    return [
        HistoryRow(r.unit_kind, *names.get((r.unit_kind, r.unit_id), ("?", "?")), r.starts_on, r.ends_on) for r in rows
    ]
