"""Territory units (regions, districts, mahallas): list, create, edit; every change audited.
Units are never deleted: a reorganised mahalla is marked merged, renamed or abolished, and the
cases filed in it keep pointing at it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.pagination import Page, paginate
from webapp.platform.territory.models import District, Mahalla, Region, UnitStatus
from webapp.platform.transaction import transaction

LEVELS: dict[str, Any] = {"region": Region, "district": District, "mahalla": Mahalla}
PARENT = {"district": ("region_id", Region), "mahalla": ("district_id", District)}
CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class UnitRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass
class UnitData:
    code: str
    name: str
    name_cyrl: str = ""
    name_ru: str = ""
    status: str = UnitStatus.ACTIVE
    parent_id: int | None = None


def unit(level: str, unit_id: int) -> Any:
    model = LEVELS.get(level)
    return db.session.get(model, unit_id) if model is not None else None


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def districts(region_id: int | None = None) -> list[District]:
    query = select(District).order_by(District.name)
    if region_id is not None:
        query = query.where(District.region_id == region_id)
    return list(db.session.scalars(query))


def mahalla_page(*, q: str = "", district_id: int | None = None, page: int = 1) -> Page:
    query = select(Mahalla).order_by(Mahalla.name, Mahalla.id)
    if district_id is not None:
        query = query.where(Mahalla.district_id == district_id)
    text = q.strip().lower()[:80]
    if text:
        pattern = "%" + text.replace("%", "").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Mahalla.name).like(pattern, escape="\\"),
                func.lower(Mahalla.code).like(pattern, escape="\\"),
                func.lower(Mahalla.name_ru).like(pattern, escape="\\"),
                func.lower(Mahalla.name_cyrl).like(pattern, escape="\\"),
            )
        )
    return paginate(query, page, 50)


def view(item: Any) -> dict[str, Any]:
    values = {
        "code": item.code,
        "name": item.name,
        "name_cyrl": item.name_cyrl,
        "name_ru": item.name_ru,
        "status": item.status,
    }
    for level, (column, _model) in PARENT.items():
        if isinstance(item, LEVELS[level]):
            values[column] = getattr(item, column)
    return values


def _check(level: str, data: UnitData, current: Any) -> None:
    model = LEVELS[level]
    code = data.code.strip()
    if not code or len(code) > 20 or not set(code) <= CODE_CHARS:
        raise UnitRefused("bad_code", "code")
    taken = db.session.scalar(select(model.id).where(model.code == code))
    if taken is not None and (current is None or taken != current.id):
        raise UnitRefused("code_taken", "code")
    if not data.name.strip() or len(data.name) > 200 or len(data.name_cyrl) > 200 or len(data.name_ru) > 200:
        raise UnitRefused("bad_name", "name")
    if data.status not in UnitStatus.ALL:
        raise UnitRefused("bad_status", "status")
    if level in PARENT and (data.parent_id is None or db.session.get(PARENT[level][1], data.parent_id) is None):
        raise UnitRefused("parent_required", "parent")


def save(actor: User, level: str, data: UnitData, current: Any = None) -> Any:
    """Create (``current`` None) or change a unit, with its audit entry; one transaction."""
    if level not in LEVELS:
        raise UnitRefused("bad_level")
    _check(level, data, current)
    before = view(current) if current is not None else None
    item = current if current is not None else LEVELS[level]()
    item.code = data.code.strip()
    item.name = data.name.strip()
    item.name_cyrl = data.name_cyrl.strip()
    item.name_ru = data.name_ru.strip()
    item.status = data.status
    if level in PARENT:
        setattr(item, PARENT[level][0], data.parent_id)
    with transaction():
        db.session.add(item)
        db.session.flush()
        action = f"{level}_updated" if current is not None else f"{level}_created"
        record(action, level, item.id, actor_id=actor.id, before=before, after=view(item))
    return item
