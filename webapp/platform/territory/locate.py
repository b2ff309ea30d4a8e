"""Find the mahalla of a point (point in polygon, in Python after a bounding-box query) or of an
address (normalised, the longest registered address the given one starts with) in the boundaries
and the address register loaded by ``area_import``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, literal, or_, select

from webapp.casework.appeals.normalise import normalise
from webapp.extensions import db
from webapp.platform.territory.areas import MahallaArea
from webapp.platform.territory.models import Mahalla


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
