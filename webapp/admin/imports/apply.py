"""Write a dry-run plan with no refused rows: all or nothing, in one transaction, in bulk
statements (a national file is ~20,000 rows). Every created or changed unit and person gets an
audit entry; new staff get no password and, when they have an e-mail address, a one-time
set-password link through the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, insert, select, update

from webapp.admin.imports.plan import PARENT_KIND, UNIT_KINDS, Plan
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth import roles
from webapp.platform.auth.models import User, user_mahallas
from webapp.platform.auth.password_service import bulk_set_password_links
from webapp.platform.staffing.models import StaffAssignment, UnitKind
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction

MODELS: dict[str, Any] = {"region": Region, "district": District, "mahalla": Mahalla}
PARENT_COLUMN = {"district": "region_id", "mahalla": "district_id"}
BATCH = 2000


class PlanNotApplicable(Exception):
    pass


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    links_sent: int


def _batches(rows: list[dict[str, Any]]) -> Any:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _execute_many(statement: Any, rows: list[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        db.session.execute(statement, batch)


def _codes(model: Any) -> dict[str, int]:
    return {code: unit_id for unit_id, code in db.session.execute(select(model.id, model.code))}


class _Audit:
    def __init__(self, actor_id: int) -> None:
        self.actor_id = actor_id
        self.rows: list[dict[str, Any]] = []
        self.now = utcnow()

    def add(self, action: str, object_type: str, object_id: Any, before: Any, after: Any) -> None:
        self.rows.append(
            {
                "occurred_at": self.now,
                "actor_id": self.actor_id,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "before": before,
                "after": after,
                "address": "",
            }
        )

    def write(self) -> None:
        _execute_many(insert(AuditEntry.__table__), self.rows)


def _apply_units(plan: Plan, audit: _Audit) -> tuple[int, int]:
    created = updated = 0
    for kind in UNIT_KINDS:
        model, wanted, old = MODELS[kind], plan.units[kind], plan.existing.units[kind]
        parents = _codes(MODELS[PARENT_KIND[kind]]) if kind in PARENT_KIND else {}
        new_rows, changed_rows = [], []
        for code, values in wanted.items():
            row = {k: values[k] for k in ("name", "name_cyrl", "name_ru", "status")}
            if kind in PARENT_KIND:
                row[PARENT_COLUMN[kind]] = parents[values["parent"]]
            before = old.get(code)
            if before is None:
                new_rows.append({"code": code, **row})
                audit.add(f"{kind}_created", kind, code, None, values)
            elif any((before.get(k) or "") != (values.get(k) or "") for k in values):
                changed_rows.append({"id": before["id"], **row})
                audit.add(f"{kind}_updated", kind, code, {k: before.get(k) for k in values}, values)
        _execute_many(insert(model.__table__), new_rows)
        if changed_rows:
            db.session.execute(update(model), changed_rows)
        created += len(new_rows)
        updated += len(changed_rows)
    return created, updated


def _apply_staff(plan: Plan, audit: _Audit, actor_id: int) -> tuple[int, int, list[int]]:
    today = local_today()
    districts, regions_, mahallas = _codes(District), _codes(Region), _codes(Mahalla)
    new_users = [
        {
            "username": name,
            "full_name": v["full_name"],
            "role": v["role"],
            "email": v["email"] or None,
            "password_hash": "",
            "active": True,
            "created_at": audit.now,
            "must_change_password": False,
            "district_id": districts.get(v["serves"]) if roles.heads_territory(v["role"]) else None,
            "region_id": regions_.get(v["serves"]) if roles.heads_territory(v["role"]) else None,
        }
        for name, v in plan.staff.items()
        if name not in plan.existing.users
    ]
    _execute_many(insert(User.__table__), new_users)
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    changed = []
    for name, values in plan.staff.items():
        before = plan.existing.users.get(name)
        if before is None:
            audit.add("user_created", "user", ids[name], None, values)
            continue
        heads = roles.heads_territory(values["role"])
        changed.append(
            {
                "id": before["id"],
                "full_name": values["full_name"],
                "role": values["role"],
                "email": values["email"] or None,
                "district_id": districts.get(values["serves"]) if heads else None,
                "region_id": regions_.get(values["serves"]) if heads else None,
            }
        )
        audit.add("user_updated", "user", before["id"], {k: before.get(k) for k in values}, values)
    if changed:
        db.session.execute(update(User), changed)
    _restaff(plan, ids, mahallas, districts, regions_, today, actor_id)
    new_ids = [ids[row["username"]] for row in new_users]
    return len(new_users), len(changed), new_ids


def _restaff(
    plan: Plan,
    ids: dict[str, int],
    mahallas: dict[str, int],
    districts: dict[str, int],
    regions_: dict[str, int],
    today: dt.date,
    actor_id: int,
) -> None:
    """Current staffing and its history for every person whose ``serves`` changed."""
    moved = [n for n, v in plan.staff.items() if (plan.existing.users.get(n) or {}).get("serves") != v["serves"]]
    moved_ids = [ids[n] for n in moved]
    yesterday = today - dt.timedelta(days=1)  # a row started today ends today (never before it starts)
    for batch in range(0, len(moved_ids), BATCH):
        chunk = moved_ids[batch : batch + BATCH]
        db.session.execute(delete(user_mahallas).where(user_mahallas.c.user_id.in_(chunk)))
        db.session.execute(
            update(StaffAssignment)
            .where(StaffAssignment.user_id.in_(chunk), StaffAssignment.ends_on.is_(None))
            .values(ends_on=case((StaffAssignment.starts_on >= today, StaffAssignment.starts_on), else_=yesterday))
            .execution_options(synchronize_session=False)
        )
    links, history = [], []
    for name in moved:
        values, user_id = plan.staff[name], ids[name]
        codes = [c for c in values["serves"].split(";") if c]
        if roles.serves_mahallas(values["role"]):
            for code in codes:
                links.append({"user_id": user_id, "mahalla_id": mahallas[code]})
                history.append((user_id, UnitKind.MAHALLA, mahallas[code]))
        elif codes:
            kind, unit = (
                (UnitKind.DISTRICT, districts[codes[0]])
                if codes[0] in districts
                else (UnitKind.REGION, regions_[codes[0]])
            )
            history.append((user_id, kind, unit))
    _execute_many(insert(user_mahallas), links)
    now = utcnow()
    rows = [
        {"user_id": u, "unit_kind": k, "unit_id": i, "starts_on": today, "created_by_id": actor_id, "created_at": now}
        for u, k, i in history
    ]
    _execute_many(insert(StaffAssignment.__table__), rows)


def apply_plan(plan: Plan, actor: User) -> Applied:
    if not plan.ok:
        raise PlanNotApplicable("the plan has refused rows")
    audit = _Audit(actor.id)
    with transaction():
        units_created, units_updated = _apply_units(plan, audit)
        staff_created, staff_updated, new_ids = _apply_staff(plan, audit, actor.id)
        audit.add(
            "import_applied",
            "import",
            "",
            None,
            {
                "created": units_created + staff_created,
                "updated": units_updated + staff_updated,
                "rows": len(plan.rows),
            },
        )
        audit.write()
        links = bulk_set_password_links(new_ids, actor.id)
    return Applied(units_created + staff_created, units_updated + staff_updated, links)
