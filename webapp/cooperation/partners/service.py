"""Partner organisations: list, create, edit (admins), and who works for which one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, delete, insert, select

from webapp.cooperation.partners.models import PartnerKind, PartnerOrganisation, partner_staff
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import User
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.transaction import transaction


class PartnerRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass
class OrganisationData:
    name: str
    kind: str
    district_id: int
    mahalla_id: int | None = None
    email: str = ""
    phone: str = ""
    active: bool = True


def organisations(*, district_id: int | None = None, active_only: bool = False) -> list[PartnerOrganisation]:
    query = select(PartnerOrganisation).order_by(PartnerOrganisation.district_id, PartnerOrganisation.name)
    if district_id is not None:
        query = query.where(PartnerOrganisation.district_id == district_id)
    if active_only:
        query = query.where(PartnerOrganisation.active.is_(True))
    return list(db.session.scalars(query))


def organisation(organisation_id: int) -> PartnerOrganisation | None:
    return db.session.get(PartnerOrganisation, organisation_id)


def organisation_id_of(user: User) -> int | None:
    """The organisation the user works for: a partner's own, a chair's mahalla assembly."""
    if user.role == PARTNER:
        return db.session.scalar(select(partner_staff.c.organisation_id).where(partner_staff.c.user_id == user.id))
    if user.role == MAHALLA_CHAIR and user.mahallas:
        return db.session.scalar(
            select(PartnerOrganisation.id).where(
                PartnerOrganisation.kind == PartnerKind.MAHALLA_ASSEMBLY,
                PartnerOrganisation.mahalla_id == user.mahallas[0].id,
            )
        )
    return None


def set_organisation(user: User, organisation_id: int | None) -> None:
    """Record (or clear) whom a partner works for; flushed with the caller's transaction."""
    db.session.execute(delete(partner_staff).where(partner_staff.c.user_id == user.id))
    if organisation_id is not None:
        db.session.execute(insert(partner_staff).values(user_id=user.id, organisation_id=organisation_id))


def staff_of(organisation_id: int) -> list[User]:
    query = (
        select(User)
        .join(partner_staff, partner_staff.c.user_id == User.id)
        .where(partner_staff.c.organisation_id == organisation_id)
        .order_by(User.full_name)
    )
    return list(db.session.scalars(query))


def staff_ids_in_district(district_id: int) -> Select[tuple[int]]:
    """Subquery: the users working for a partner organisation of the district."""
    return (
        select(partner_staff.c.user_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == partner_staff.c.organisation_id)
        .where(PartnerOrganisation.district_id == district_id)
    )


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def mahallas() -> list[Mahalla]:
    return list(db.session.scalars(select(Mahalla).order_by(Mahalla.name).limit(5000)))


def _view(item: PartnerOrganisation) -> dict[str, object]:
    return {
        "name": item.name,
        "kind": item.kind,
        "district_id": item.district_id,
        "mahalla_id": item.mahalla_id,
        "email": item.email or "",
        "phone": item.phone or "",
        "active": item.active,
    }


def _check(data: OrganisationData) -> None:
    if not data.name.strip() or len(data.name) > 200:
        raise PartnerRefused("bad_name", "name")
    if data.kind not in {k.value for k in PartnerKind}:
        raise PartnerRefused("bad_kind", "kind")
    if db.session.get(District, data.district_id) is None:
        raise PartnerRefused("district_required", "district")
    if data.kind == PartnerKind.MAHALLA_ASSEMBLY:
        mahalla = db.session.get(Mahalla, data.mahalla_id) if data.mahalla_id else None
        if mahalla is None or mahalla.district_id != data.district_id:
            raise PartnerRefused("mahalla_required", "mahalla")
    if len(data.email) > 200 or (data.email and "@" not in data.email):
        raise PartnerRefused("bad_email", "email")
    if len(data.phone) > 30:
        raise PartnerRefused("bad_phone", "phone")


def save_organisation(actor: User, item: PartnerOrganisation | None, data: OrganisationData) -> PartnerOrganisation:
    """Create (``item`` None) or change an organisation, with an audit entry; one transaction."""
    _check(data)
    before = _view(item) if item is not None else None
    with transaction():
        if item is None:
            item = PartnerOrganisation(district_id=data.district_id, kind=data.kind, name="")
            db.session.add(item)
        item.name = data.name.strip()
        item.kind = data.kind
        item.district_id = data.district_id
        item.mahalla_id = data.mahalla_id if data.kind == PartnerKind.MAHALLA_ASSEMBLY else None
        item.email = data.email.strip() or None
        item.phone = data.phone.strip() or None
        item.active = data.active
        db.session.flush()
        action = "partner_created" if before is None else "partner_updated"
        record(action, "partner_organisation", item.id, actor_id=actor.id, before=before, after=_view(item))
    return item
