"""The dry run: what each row of an import would create, change or why it is refused.

Rows may come in any order (a mahalla before its district): references are checked against the
file and the database together. Nothing is written here; ``apply.apply_plan`` writes a plan with no
refused rows, all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from webapp.admin.imports.parsing import Record
from webapp.extensions import db
from webapp.platform.auth import roles
from webapp.platform.auth.models import User, user_mahallas
from webapp.platform.territory.models import District, Mahalla, Region, UnitStatus

UNIT_KINDS = ("region", "district", "mahalla")
STAFF = "staff"
PARENT_KIND = {"district": "region", "mahalla": "district"}
CODE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
USERNAME = re.compile(r"^[a-z0-9._-]{1,80}$")
SEPARATOR = re.compile(r"[;|]")


@dataclass
class RowResult:
    line: int
    kind: str
    key: str
    action: str  # create | update | unchanged | refused
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Existing:
    """The database's units and staff, read once (a few queries, whatever the file's size)."""

    units: dict[str, dict[str, dict[str, Any]]]  # kind → code → values (with "id")
    users: dict[str, dict[str, Any]]  # username → values (with "id", "serves")

    @classmethod
    def load(cls) -> Existing:
        region_codes: dict[int, str] = dict(db.session.execute(select(Region.id, Region.code)).all())
        district_codes: dict[int, str] = dict(db.session.execute(select(District.id, District.code)).all())
        units = {
            "region": _unit_rows(Region, None, None),
            "district": _unit_rows(District, region_codes, "region_id"),
            "mahalla": _unit_rows(Mahalla, district_codes, "district_id"),
        }
        mahalla_codes = {values["id"]: code for code, values in units["mahalla"].items()}
        served: dict[int, list[str]] = {}
        for user_id, mahalla_id in db.session.execute(select(user_mahallas.c.user_id, user_mahallas.c.mahalla_id)):
            served.setdefault(user_id, []).append(mahalla_codes[mahalla_id])
        users: dict[str, dict[str, Any]] = {}
        query = select(User.id, User.username, User.full_name, User.role, User.email, User.district_id, User.region_id)
        for user_id, username, full_name, role, email, district_id, region_id in db.session.execute(query):
            head = district_codes.get(district_id or 0) or region_codes.get(region_id or 0) or ""
            serves = ";".join(sorted(served.get(user_id, []))) if roles.serves_mahallas(role) else head
            users[username] = {
                "id": user_id,
                "full_name": full_name,
                "role": role,
                "email": email or "",
                "serves": serves,
            }
        return cls(units, users)


def _unit_rows(model: Any, parent_codes: dict[int, str] | None, parent_column: str | None) -> dict[str, dict[str, Any]]:
    columns = [model.id, model.code, model.name, model.name_cyrl, model.name_ru, model.status]
    if parent_column:
        columns.append(getattr(model, parent_column))
    rows: dict[str, dict[str, Any]] = {}
    for row in db.session.execute(select(*columns)):
        values = {"id": row[0], "name": row[2], "name_cyrl": row[3], "name_ru": row[4], "status": row[5]}
        values["parent"] = parent_codes[row[6]] if parent_codes is not None else ""
        rows[row[1]] = values
    return rows


@dataclass
class Plan:
    rows: list[RowResult]
    units: dict[str, dict[str, dict[str, Any]]]  # kind → code → wanted values (file rows only)
    staff: dict[str, dict[str, Any]]  # username → wanted values
    existing: Existing

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "refused"]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.refused


def _refuse(record: Record, kind: str, key: str, reason: str, **params: Any) -> RowResult:
    return RowResult(record.line, kind, key, "refused", reason=reason, params=params)


def _diff(old: dict[str, Any] | None, new: dict[str, Any]) -> tuple[str, dict[str, tuple[Any, Any]]]:
    if old is None:
        return "create", {}
    changes = {k: (old.get(k), v) for k, v in new.items() if (old.get(k) or "") != (v or "")}
    return ("update" if changes else "unchanged"), changes


def _unit_values(record: Record, kind: str) -> dict[str, Any]:
    return {
        "name": record.get("name"),
        "name_cyrl": record.get("name_cyrl"),
        "name_ru": record.get("name_ru"),
        "status": record.get("status") or UnitStatus.ACTIVE,
        "parent": record.get("parent") if kind in PARENT_KIND else "",
    }


def _check_unit(record: Record, kind: str, values: dict[str, Any], known: dict[str, set[str]]) -> str:
    """The refusal code for a unit row, or ""."""
    if not values["name"]:
        return "name_required"
    if max(len(values[k]) for k in ("name", "name_cyrl", "name_ru")) > 200:
        return "name_too_long"
    if values["status"] not in UnitStatus.ALL:
        return "bad_status"
    if kind in PARENT_KIND and values["parent"] not in known[PARENT_KIND[kind]]:
        return "unknown_parent"
    return ""


def _staff_values(record: Record) -> dict[str, Any]:
    serves = ";".join(sorted({c.strip() for c in SEPARATOR.split(record.get("serves")) if c.strip()}))
    return {
        "full_name": record.get("full_name"),
        "role": record.get("role"),
        "email": record.get("email"),
        "serves": serves,
    }


def _check_staff(values: dict[str, Any], known: dict[str, set[str]]) -> tuple[str, dict[str, Any]]:
    if not values["full_name"] or len(values["full_name"]) > 200:
        return "full_name_required", {}
    if roles.role(values["role"]) is None:
        return "unknown_role", {"role": values["role"]}
    if values["email"] and ("@" not in values["email"] or len(values["email"]) > 200):
        return "bad_email", {}
    codes = [c for c in values["serves"].split(";") if c]
    if roles.works_for_organisation(values["role"]):
        return "role_not_importable", {"role": values["role"]}
    limit = roles.role(values["role"]).max_mahallas  # type: ignore[union-attr]
    if limit is not None and len(codes) > limit:
        return "too_many_mahallas", {}
    if roles.serves_mahallas(values["role"]):
        missing = [c for c in codes if c not in known["mahalla"]]
        if not codes or missing:
            return "unknown_mahalla", {"codes": ", ".join(missing[:5])}
    elif roles.heads_territory(values["role"]):
        if len(codes) != 1 or not (codes[0] in known["district"] or codes[0] in known["region"]):
            return "unknown_district", {"codes": values["serves"]}
    elif codes:
        return "serves_not_allowed", {}
    return "", {}


def make_plan(records: list[Record], existing: Existing | None = None) -> Plan:
    existing = existing or Existing.load()
    file_units: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in UNIT_KINDS}
    for record in records:
        kind, code = record.get("kind").lower(), record.get("code")
        if kind in UNIT_KINDS and CODE.match(code) and code not in file_units[kind]:
            file_units[kind][code] = _unit_values(record, kind)
    known = {kind: set(existing.units[kind]) | set(file_units[kind]) for kind in UNIT_KINDS}
    rows: list[RowResult] = []
    seen: dict[tuple[str, str], int] = {}
    staff: dict[str, dict[str, Any]] = {}
    for record in records:
        kind = record.get("kind").lower()
        if kind in UNIT_KINDS:
            rows.append(_unit_row(record, kind, existing, known, seen))
        elif kind == STAFF:
            rows.append(_staff_row(record, existing, known, seen, staff))
        else:
            rows.append(_refuse(record, kind or "?", "", "unknown_kind", value=kind))
    wanted = {kind: {code: v for code, v in file_units[kind].items()} for kind in UNIT_KINDS}
    return Plan(rows, wanted, staff, existing)


def _unit_row(
    record: Record, kind: str, existing: Existing, known: dict[str, set[str]], seen: dict[tuple[str, str], int]
) -> RowResult:
    code = record.get("code")
    if not CODE.match(code):
        return _refuse(record, kind, code, "bad_code")
    if (kind, code) in seen:
        return _refuse(record, kind, code, "duplicate", line=seen[(kind, code)])
    seen[(kind, code)] = record.line
    values = _unit_values(record, kind)
    problem = _check_unit(record, kind, values, known)
    if problem:
        return _refuse(record, kind, code, problem, parent=values["parent"])
    action, changes = _diff(existing.units[kind].get(code), values)
    return RowResult(record.line, kind, code, action, changes)


def _staff_row(
    record: Record,
    existing: Existing,
    known: dict[str, set[str]],
    seen: dict[tuple[str, str], int],
    staff: dict[str, dict[str, Any]],
) -> RowResult:
    username = record.get("username").lower()
    if not USERNAME.match(username):
        return _refuse(record, STAFF, username, "bad_username")
    if (STAFF, username) in seen:
        return _refuse(record, STAFF, username, "duplicate", line=seen[(STAFF, username)])
    seen[(STAFF, username)] = record.line
    values = _staff_values(record)
    problem, params = _check_staff(values, known)
    if problem:
        return _refuse(record, STAFF, username, problem, **params)
    action, changes = _diff(existing.users.get(username), values)
    if action != "unchanged":
        staff[username] = values
    return RowResult(record.line, STAFF, username, action, changes)
