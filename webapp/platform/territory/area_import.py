"""Import mahalla boundaries (a GeoJSON FeatureCollection) and an address register (CSV): the one
implementation behind the admin page (/admin/territories/areas) and the CLI commands.

A file is checked whole before anything is written; a refusal (``ImportRefused``: a code and its
parameters, the message in the reader's language is ``area_messages.refusal_message``) writes
nothing. Boundaries replace those of the mahallas the file names; addresses are added to the
register (an address already registered is kept, or moved to the mahalla the file gives it).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, distinct, func, select, update

from webapp.casework.appeals.normalise import normalise
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.territory.areas import MahallaArea
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.transaction import transaction

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 20_000
MAX_POINTS = 200_000
MAX_ADDRESSES = 200_000
ADDRESS_COLUMNS = ("address", "mahalla")
_CHUNK = 500  # address keys per lookup statement (well under every database's parameter limit)


class ImportRefused(ValueError):
    """The file cannot be imported: ``code`` says why, ``params`` where (feature, line, code…)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class MahallaCount:
    code: str
    name: str
    district: str
    count: int


@dataclass(frozen=True)
class Imported:
    """What one file changed: ``count`` polygons or addresses written, per mahalla; for addresses,
    ``moved`` (registered to another mahalla before) and ``unchanged`` (already registered)."""

    kind: str
    count: int
    mahallas: list[MahallaCount]
    moved: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Loaded:
    """What the register holds now."""

    boundary_mahallas: int
    polygons: int
    address_mahallas: int
    addresses: int


def decode(data: bytes) -> str:
    """The text of an uploaded or read file: at most MAX_FILE_BYTES, UTF-8 (a BOM is dropped)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused("too_large", limit=MAX_FILE_BYTES // (1024 * 1024))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("not_utf8") from None


def _mahallas() -> dict[str, int]:
    return {code: mahalla_id for code, mahalla_id in db.session.execute(select(Mahalla.code, Mahalla.id))}


def _per_mahalla(counts: Counter[int]) -> list[MahallaCount]:
    if not counts:
        return []
    rows = db.session.execute(
        select(Mahalla.id, Mahalla.code, Mahalla.name, District.name)
        .join(District, District.id == Mahalla.district_id)
        .where(Mahalla.id.in_(list(counts)))
        .order_by(District.name, Mahalla.name)
    )
    return [MahallaCount(code, name, district, counts[mahalla_id]) for mahalla_id, code, name, district in rows]


# --- boundaries -------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _ring(value: Any, feature: int) -> list[list[float]]:
    """One ring as [[lon, lat], ...] (a third coordinate dropped); refused unless well formed."""
    if not isinstance(value, list):
        raise ImportRefused("bad_coordinates", feature=feature)
    ring = []
    for point in value:
        if not isinstance(point, list) or len(point) < 2:
            raise ImportRefused("bad_coordinates", feature=feature)
        lon, lat = _number(point[0]), _number(point[1])
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ImportRefused("bad_coordinates", feature=feature)
        ring.append([lon, lat])
    if len(ring) < 4:
        raise ImportRefused("short_ring", feature=feature)
    return ring


def _polygons(geometry: Any, feature: int) -> list[list[list[list[float]]]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise ImportRefused("wrong_geometry", feature=feature, kind=str(kind or "—")[:40])
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ImportRefused("bad_coordinates", feature=feature)
    found = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ImportRefused("bad_coordinates", feature=feature)
        found.append([_ring(ring, feature) for ring in polygon])
    return found


def _features(text: str) -> list[Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportRefused("not_json", line=getattr(exc, "lineno", 1)) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type", "FeatureCollection") != "FeatureCollection":
        raise ImportRefused("not_feature_collection")
    if not isinstance(features, list):
        raise ImportRefused("not_feature_collection")
    if not features:
        raise ImportRefused("no_features")
    if len(features) > MAX_FEATURES:
        raise ImportRefused("too_many_features", limit=MAX_FEATURES)
    return features


def _audit(imported: Imported, actor: User | None) -> None:
    after = {"count": imported.count, "mahallas": [m.code for m in imported.mahallas][:200]}
    if imported.kind == "addresses":
        after |= {"moved": imported.moved, "unchanged": imported.unchanged}
    record(f"mahalla_{imported.kind}_imported", "mahalla_areas", actor_id=actor.id if actor else None, after=after)


def import_boundaries(text: str, actor: User | None = None) -> Imported:
    """Replace the boundaries of the mahallas named in a GeoJSON FeatureCollection (property
    ``code``: the mahalla code; Polygon or MultiPolygon geometries), audited as the actor's (none:
    the command line). Commits, or nothing on a refusal."""
    codes = _mahallas()
    rows: list[MahallaArea] = []
    counts: Counter[int] = Counter()
    points = 0
    for number, feature in enumerate(_features(text), 1):
        if not isinstance(feature, dict):
            raise ImportRefused("not_a_feature", feature=number)
        properties = feature.get("properties")
        code = str((properties.get("code") if isinstance(properties, dict) else "") or "").strip()
        if code not in codes:
            raise ImportRefused("unknown_mahalla", feature=number, code=code[:40])
        for polygon in _polygons(feature.get("geometry"), number):
            points += sum(len(ring) for ring in polygon)
            if points > MAX_POINTS:
                raise ImportRefused("too_many_points", limit=MAX_POINTS)
            lons = [p[0] for p in polygon[0]]
            lats = [p[1] for p in polygon[0]]
            rows.append(
                MahallaArea(
                    mahalla_id=codes[code], kind="boundary", rings=polygon,
                    min_lat=min(lats), max_lat=max(lats), min_lon=min(lons), max_lon=max(lons),
                )
            )  # fmt: skip
            counts[codes[code]] += 1
    with transaction():
        db.session.execute(
            delete(MahallaArea).where(MahallaArea.kind == "boundary", MahallaArea.mahalla_id.in_(list(counts)))
        )
        db.session.add_all(rows)
        imported = Imported("boundaries", len(rows), _per_mahalla(counts))
        _audit(imported, actor)
    return imported


# --- the address register ---------------------------------------------------------------------


def _addresses(text: str) -> dict[str, int]:
    """Normalised address → mahalla id, from the CSV (a later line wins over an earlier one)."""
    codes = _mahallas()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error:
        raise ImportRefused("no_columns") from None
    if not set(ADDRESS_COLUMNS) <= set(columns):
        raise ImportRefused("no_columns")
    reader.fieldnames = columns
    found: dict[str, int] = {}
    try:
        for number, line in enumerate(reader, 2):
            code = str(line.get("mahalla") or "").strip()
            key = normalise(str(line.get("address") or ""))[:300]
            if not code and not key:
                continue
            if code not in codes:
                raise ImportRefused("unknown_address_mahalla", line=number, code=code[:40])
            if key:
                found[key] = codes[code]
            if len(found) > MAX_ADDRESSES:
                raise ImportRefused("too_many_addresses", limit=MAX_ADDRESSES)
    except csv.Error as exc:
        raise ImportRefused("bad_csv", line=reader.line_num, reason=str(exc)[:80]) from None
    if not found:
        raise ImportRefused("no_addresses")
    return found


def _registered(keys: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Address key → (row id, mahalla id) of the keys already in the register."""
    keys = list(keys)
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = db.session.execute(
            select(MahallaArea.address_key, MahallaArea.id, MahallaArea.mahalla_id).where(
                MahallaArea.kind == "address", MahallaArea.address_key.in_(keys[start : start + _CHUNK])
            )
        )
        found.update({key: (row_id, mahalla_id) for key, row_id, mahalla_id in rows})
    return found


def import_addresses(text: str, actor: User | None = None) -> Imported:
    """Add a CSV address register (columns ``address`` and ``mahalla``: the code) to the one loaded,
    audited as the actor's. Commits, or nothing on a refusal."""
    wanted = _addresses(text)
    registered = _registered(wanted)
    added = [key for key in wanted if key not in registered]
    moved = {
        registered[key][0]: wanted[key] for key in wanted if key in registered and registered[key][1] != wanted[key]
    }
    with transaction():
        db.session.add_all(MahallaArea(mahalla_id=wanted[key], kind="address", address_key=key) for key in added)
        for row_id, mahalla_id in moved.items():
            db.session.execute(update(MahallaArea).where(MahallaArea.id == row_id).values(mahalla_id=mahalla_id))
        counts = Counter(wanted[key] for key in added) + Counter(moved.values())
        unchanged = len(wanted) - len(added) - len(moved)
        imported = Imported(
            "addresses", len(added) + len(moved), _per_mahalla(counts), moved=len(moved), unchanged=unchanged
        )
        _audit(imported, actor)
    return imported


def loaded() -> Loaded:
    """How many mahallas have boundaries and register addresses, and how many of each are loaded."""

    def counts(kind: str) -> tuple[int, int]:
        mahallas, rows = db.session.execute(
            select(func.count(distinct(MahallaArea.mahalla_id)), func.count(MahallaArea.id)).where(
                MahallaArea.kind == kind
            )
        ).one()
        return int(mahallas or 0), int(rows or 0)

    return Loaded(*counts("boundary"), *counts("address"))
