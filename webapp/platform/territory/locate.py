"""Import mahalla boundaries (GeoJSON) and an address register (CSV), and find the mahalla of a
point (point in polygon, in Python after a bounding-box query) or of an address (normalised, the
longest registered address the given one starts with)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, literal, or_, select

from webapp.casework.appeals.normalise import normalise
from webapp.extensions import db
from webapp.platform.territory.areas import MahallaArea
from webapp.platform.territory.models import Mahalla
from webapp.platform.transaction import transaction

MAX_FEATURES = 20_000
MAX_POINTS = 100_000


class ImportRefused(ValueError):
    """The file cannot be imported (the message says where)."""


def _mahallas() -> dict[str, int]:
    return {code: mahalla_id for code, mahalla_id in db.session.execute(select(Mahalla.code, Mahalla.id))}


def _polygons(geometry: dict[str, Any]) -> list[list[Any]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ImportRefused(f"geometry type {kind!r}: only Polygon and MultiPolygon")


def import_boundaries(text: str) -> int:
    """Replace the boundaries of the mahallas named in a GeoJSON FeatureCollection (property
    ``code``); returns the number of polygons stored. Commits, or nothing on a refusal."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportRefused(f"not JSON: {exc}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or len(features) > MAX_FEATURES:
        raise ImportRefused("expected a FeatureCollection (at most 20000 features)")
    codes = _mahallas()
    rows, seen, points = [], set(), 0
    for number, feature in enumerate(features, 1):
        code = str(((feature or {}).get("properties") or {}).get("code") or "")
        if code not in codes:
            raise ImportRefused(f"feature {number}: unknown mahalla code {code!r}")
        for polygon in _polygons((feature or {}).get("geometry") or {}):
            outer = polygon[0]
            points += sum(len(ring) for ring in polygon)
            if points > MAX_POINTS or len(outer) < 4:
                raise ImportRefused(f"feature {number}: a ring needs 4+ points; at most {MAX_POINTS} points in all")
            lons = [float(p[0]) for p in outer]
            lats = [float(p[1]) for p in outer]
            rows.append(
                MahallaArea(
                    mahalla_id=codes[code], kind="boundary", rings=polygon,
                    min_lat=min(lats), max_lat=max(lats), min_lon=min(lons), max_lon=max(lons),
                )
            )  # fmt: skip
        seen.add(codes[code])
    with transaction():
        db.session.execute(delete(MahallaArea).where(MahallaArea.kind == "boundary", MahallaArea.mahalla_id.in_(seen)))
        db.session.add_all(rows)
    return len(rows)


def import_addresses(text: str) -> int:
    """Add an address register from CSV with the columns ``address`` and ``mahalla`` (the code)."""
    codes = _mahallas()
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"address", "mahalla"} <= set(reader.fieldnames):
        raise ImportRefused("the CSV needs the columns address and mahalla")
    rows = []
    for number, line in enumerate(reader, 2):
        code, key = (line.get("mahalla") or "").strip(), normalise(line.get("address") or "")[:300]
        if code not in codes:
            raise ImportRefused(f"line {number}: unknown mahalla code {code!r}")
        if key:
            rows.append(MahallaArea(mahalla_id=codes[code], kind="address", address_key=key))
    with transaction():
        db.session.add_all(rows)
    return len(rows)


def _inside(lon: float, lat: float, ring: Iterable[Any]) -> bool:
    """Ray casting: is the point inside the ring?"""
    points = [(float(p[0]), float(p[1])) for p in ring]
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _at_point(lat: float, lon: float) -> int | None:
    candidates = db.session.scalars(
        select(MahallaArea).where(
            MahallaArea.kind == "boundary",
            MahallaArea.min_lat <= lat, MahallaArea.max_lat >= lat,
            MahallaArea.min_lon <= lon, MahallaArea.max_lon >= lon,
        )
    )  # fmt: skip
    for area in candidates:
        rings = area.rings or []
        if rings and _inside(lon, lat, rings[0]) and not any(_inside(lon, lat, hole) for hole in rings[1:]):
            return area.mahalla_id
    return None


def _at_address(address: str) -> int | None:
    key = normalise(address)
    if not key:
        return None
    given = literal(key)
    length = func.length(MahallaArea.address_key)
    whole_words = or_(func.length(given) == length, func.substr(given, length + 1, 1) == " ")
    found = db.session.execute(
        select(MahallaArea.mahalla_id)
        .where(MahallaArea.kind == "address", func.substr(given, 1, length) == MahallaArea.address_key, whole_words)
        .order_by(length.desc())
        .limit(1)
    ).scalar()
    return int(found) if found is not None else None


def locate(lat: float | None, lon: float | None, address: str) -> Mahalla | None:
    """The mahalla at the point, else the one of the address; None when nothing loaded matches."""
    mahalla_id = _at_point(lat, lon) if lat is not None and lon is not None else None
    if mahalla_id is None and address:
        mahalla_id = _at_address(address)
    return db.session.get(Mahalla, mahalla_id) if mahalla_id is not None else None
