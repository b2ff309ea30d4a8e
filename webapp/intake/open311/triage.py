"""The Open311 triage queue: service requests that could not be placed wait here for staff.

A generic GeoReport client may send a location that lies in no loaded mahalla boundary or
address, or a service code that is none of ours. Such a request is not refused: it is kept with
a token (the client reads it back at ``/open311/v2/tokens/<token>``) and waits until an
inspector, a supervisor or an administrator either places it — a mahalla within their own
territory and a category: the appeal is registered then, received when the request came — or
rejects it with a reason, which the client reads under the token as the request's status notes.
Pending requests belong to no territory yet, so every triage role sees the whole queue.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.casework.appeals.models import CATEGORIES, Appeal, AppealKind, Channel
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.intake.open311.models import Open311Triage, TriageStatus
from webapp.platform.audit.service import record
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import utcnow
from webapp.prevention.work.scope import mahalla_in_scope, mahallas_in_scope

TOKEN_PREFIX = "t-"  # noqa: S105  (not a secret: marks a triage token)
MAX_REASON = 1000
MIN_REASON = 10
TRIAGE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
KINDS = tuple(kind.value for kind in AppealKind)
REFUSALS = {  # Refused.code: what to tell the user, beside the field it names
    "required": _l("Choose the mahalla."),
    "outside_territory": _l("Choose a mahalla of your territory."),
    "invalid": _l("Choose one of the listed values."),
    "too_short": _l("Write the reason in at least %(count)d characters.", count=MIN_REASON),
    "too_long": _l("At most %(count)d characters.", count=MAX_REASON),
}


@dataclass(frozen=True)
class Unplaced:
    """A valid request without a mahalla or with a service code that is none of ours."""

    client_id: int
    service_code: str
    kind: str
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    applicant_name: str
    applicant_phone: str
    applicant_email: str


def new_appeal(request: Unplaced | Open311Triage, mahalla: Mahalla, category: str, kind: str) -> NewAppeal:
    """The appeal a request becomes once its mahalla and category are known."""
    return NewAppeal(
        mahalla=mahalla,
        kind=kind,
        text=request.description,
        channel=Channel.OPEN311.value,
        applicant_name=request.applicant_name,
        applicant_phone=request.applicant_phone,
        applicant_email=request.applicant_email,
        address=request.address,
        anonymous=not request.applicant_name,
        category=category,
        latitude=request.latitude,
        longitude=request.longitude,
        open311_client_id=request.client_id,
    )


class Refused(Exception):
    """A triage decision was refused; ``field`` names the input at fault, ``code`` says why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def hold(request: Unplaced) -> Open311Triage:
    """Put the request in the queue and commit; the token is how the client follows it."""
    item = Open311Triage(token=TOKEN_PREFIX + secrets.token_urlsafe(12), **request.__dict__)
    db.session.add(item)
    db.session.flush()
    after = {"service_code": request.service_code}
    record("open311_triage_held", "open311_triage", item.id, actor_id=None, after=after)
    db.session.commit()
    return item


def pending() -> list[Open311Triage]:
    """The queue, oldest first (it has waited longest)."""
    statement = select(Open311Triage).where(Open311Triage.status == TriageStatus.PENDING.value)
    return list(db.session.scalars(statement.order_by(Open311Triage.received_at, Open311Triage.id)))


def pending_item(user: User, item_id: int) -> Open311Triage | None:
    """A request still waiting, for a user of a triage role; None otherwise (callers answer 404)."""
    if not user.has_role(*TRIAGE_ROLES):
        return None
    item = db.session.get(Open311Triage, item_id)
    return item if item is not None and item.status == TriageStatus.PENDING.value else None


def by_token(token: str) -> Open311Triage | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 40:
        return None
    return db.session.scalar(select(Open311Triage).where(Open311Triage.token == token))


def appeal_number(item: Open311Triage) -> str | None:
    if item.appeal_id is None:
        return None
    return db.session.scalar(select(Appeal.number).where(Appeal.id == item.appeal_id))


def mahallas_for(user: User) -> list[Mahalla]:
    """Where the user may place a request: the mahallas of their territory."""
    return mahallas_in_scope(user)


def place(user: User, item: Open311Triage, mahalla_id: int | None, category: str, kind: str) -> Appeal:
    """Register the appeal in the chosen mahalla and category (commit); Refused names the field."""
    mahalla = mahalla_in_scope(user, mahalla_id)
    if mahalla is None:
        raise Refused("mahalla", "outside_territory" if mahalla_id is not None else "required")
    if category not in CATEGORIES:
        raise Refused("category", "invalid")
    if kind not in KINDS:
        raise Refused("kind", "invalid")
    new = new_appeal(item, mahalla, category, kind)

    def decided(appeal: Appeal) -> None:
        item.status, item.appeal_id = TriageStatus.PLACED.value, appeal.id
        item.decided_by_id, item.decided_at = user.id, utcnow()
        record(
            "open311_triage_placed",
            "open311_triage",
            item.id,
            actor_id=user.id,
            after={"appeal": appeal.number, "mahalla": mahalla.code, "category": category},
        )

    return register_appeal(new, user, received_at=item.received_at, also=decided)


def reject(user: User, item: Open311Triage, reason: str) -> None:
    """Close the request without an appeal (commit); the reason is shown to the client."""
    text = reason.strip()
    if len(text) < MIN_REASON:
        raise Refused("reason", "too_short")
    if len(text) > MAX_REASON:
        raise Refused("reason", "too_long")
    item.status, item.reason = TriageStatus.REJECTED.value, text
    item.decided_by_id, item.decided_at = user.id, utcnow()
    record("open311_triage_rejected", "open311_triage", item.id, actor_id=user.id, after={"reason": text})
    db.session.commit()
