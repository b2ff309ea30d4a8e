"""Reference data: list, add, edit, retire (never delete); holidays feed the working calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from webapp.admin.reference.models import ReferenceItem, ReferenceKind
from webapp.casework.appeals.deadlines import HOLIDAY_SOURCES
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.territory.models import District
from webapp.platform.transaction import transaction


class ReferenceRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass
class ItemData:
    kind: str
    name: str
    name_ru: str = ""
    contact: str = ""
    district_id: int | None = None
    day: dt.date | None = None
    active: bool = True


def items(kind: str, *, district_id: int | None = None, active_only: bool = False) -> list[ReferenceItem]:
    """Items of a kind; with ``district_id``, that district's and the nationwide ones."""
    query = select(ReferenceItem).where(ReferenceItem.kind == kind)
    if district_id is not None:
        query = query.where(ReferenceItem.district_id.is_(None) | (ReferenceItem.district_id == district_id))
    if active_only:
        query = query.where(ReferenceItem.active.is_(True))
    return list(db.session.scalars(query.order_by(ReferenceItem.day, ReferenceItem.name, ReferenceItem.id)))


def item(item_id: int) -> ReferenceItem | None:
    return db.session.get(ReferenceItem, item_id)


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def _view(row: ReferenceItem) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "name": row.name,
        "name_ru": row.name_ru,
        "contact": row.contact,
        "district_id": row.district_id,
        "day": row.day,
        "active": row.active,
    }


def save(actor: User, data: ItemData, current: ReferenceItem | None = None) -> ReferenceItem:
    if data.kind not in ReferenceKind.ALL:
        raise ReferenceRefused("bad_kind", "kind")
    if not data.name.strip() or len(data.name) > 300 or len(data.name_ru) > 300 or len(data.contact) > 300:
        raise ReferenceRefused("bad_name", "name")
    if data.kind == ReferenceKind.HOLIDAY and data.day is None:
        raise ReferenceRefused("day_required", "day")
    if data.district_id is not None and db.session.get(District, data.district_id) is None:
        raise ReferenceRefused("bad_district", "district")
    before = _view(current) if current is not None else None
    row = current or ReferenceItem(kind=data.kind)
    row.name = data.name.strip()
    row.name_ru = data.name_ru.strip()
    row.contact = data.contact.strip()
    row.district_id = data.district_id
    row.day = data.day if data.kind == ReferenceKind.HOLIDAY else None
    row.active = data.active
    with transaction():
        db.session.add(row)
        db.session.flush()
        record("reference_saved", "reference_item", row.id, actor_id=actor.id, before=before, after=_view(row))
    return row


def holiday_dates() -> list[dt.date]:
    query = select(ReferenceItem.day).where(
        ReferenceItem.kind == ReferenceKind.HOLIDAY, ReferenceItem.active.is_(True), ReferenceItem.day.is_not(None)
    )
    return [day for day in db.session.scalars(query) if day is not None]


HOLIDAY_SOURCES.append(holiday_dates)
