"""The reception protocol: oral appeals solved on the spot, recorded without registration (Art. 23)."""

from __future__ import annotations

from sqlalchemy import select

from webapp.casework.appeals.models import ReceptionRecord
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.territory.service import served_mahalla_ids
from webapp.platform.transaction import transaction


def record_reception(
    inspector: User, mahalla: Mahalla, *, citizen_name: str, residence: str, summary: str, result: str
) -> ReceptionRecord:
    with transaction():
        record = ReceptionRecord(
            mahalla_id=mahalla.id,
            inspector_id=inspector.id,
            citizen_name=citizen_name.strip(),
            residence=residence.strip(),
            summary=summary.strip(),
            result=result.strip(),
        )
        db.session.add(record)
    return record


def recent_receptions(user: User, *, limit: int = 50) -> list[tuple[ReceptionRecord, str]]:
    """The newest protocol entries of the mahallas the inspector serves, with the mahalla name."""
    if user.role != Role.INSPECTOR:
        return []
    rows = db.session.execute(
        select(ReceptionRecord, Mahalla.name)
        .join(Mahalla, Mahalla.id == ReceptionRecord.mahalla_id)
        .where(ReceptionRecord.mahalla_id.in_(served_mahalla_ids(user)))
        .order_by(ReceptionRecord.received_at.desc(), ReceptionRecord.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]
