"""People: list, create, edit, deactivate (never delete), with dated staffing and an audit entry
for every change. Admins manage everyone; a supervisor the inspectors and advisers of their territory.
Each action is one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true

from webapp.cases.assignment.service import reassign_checked
from webapp.cases.models import PendingTask
from webapp.cooperation.partners import service as partners
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth import roles
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.auth.password_service import send_set_password_link
from webapp.platform.pagination import Page, paginate
from webapp.platform.staffing import service as staffing
from webapp.platform.staffing.models import StaffAssignment, UnitKind
from webapp.platform.territory.models import District, Mahalla, Region, UnitStatus
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
PAGE_SIZE = 50


class PeopleRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class PeopleFilter:
    q: str = ""
    role: str = ""
    district_id: int | None = None
    status: str = "active"  # active | inactive | all


@dataclass
class PersonData:
    username: str
    full_name: str
    role: str
    email: str = ""
    mahalla_ids: list[int] = field(default_factory=list)
    district_id: int | None = None
    region_id: int | None = None
    starts_on: dt.date | None = None
    sso_subject: str = ""
    organisation_id: int | None = None


# --- scope ------------------------------------------------------------------------------------------


def _territory_districts(actor: User) -> Any:
    if actor.district_id is not None:
        return select(District.id).where(District.id == actor.district_id)
    if actor.region_id is not None:
        return select(District.id).where(District.region_id == actor.region_id)
    return None


def managed_condition(actor: User) -> ColumnElement[bool]:
    """Condition on User: the people the actor may see and manage."""
    if actor.role == Role.ADMIN:
        return true()
    districts = _territory_districts(actor) if actor.role == Role.SUPERVISOR else None
    if districts is None:
        return false()
    managed_roles = [r.name for r in roles.roles() if r.managed_by_supervisor]
    serving = (
        select(user_mahallas.c.user_id)
        .join(Mahalla, Mahalla.id == user_mahallas.c.mahalla_id)
        .where(Mahalla.district_id.in_(districts))
    )
    mahallas = select(Mahalla.id).where(Mahalla.district_id.in_(districts))
    served_before = select(StaffAssignment.user_id).where(
        StaffAssignment.unit_kind == UnitKind.MAHALLA, StaffAssignment.unit_id.in_(mahallas)
    )
    return User.role.in_(managed_roles) & (User.id.in_(serving) | User.id.in_(served_before))


def assignable_mahallas(actor: User) -> list[Mahalla]:
    query = select(Mahalla).where(Mahalla.status == UnitStatus.ACTIVE).order_by(Mahalla.name)
    if actor.role != Role.ADMIN:
        districts = _territory_districts(actor)
        if districts is None:
            return []
        query = query.where(Mahalla.district_id.in_(districts))
    return list(db.session.scalars(query.limit(2000)))


def assignable_roles(actor: User) -> list[roles.RoleInfo]:
    return [r for r in roles.roles() if actor.role == Role.ADMIN or r.managed_by_supervisor]


def person_for(actor: User, user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id, managed_condition(actor)))


# --- listing -----------------------------------------------------------------------------------------


def _search(text: str) -> ColumnElement[bool]:
    pattern = "%" + text.lower().replace("%", "").replace("_", "\\_")[:80] + "%"
    return or_(
        func.lower(User.username).like(pattern, escape="\\"), func.lower(User.full_name).like(pattern, escape="\\")
    )


def people_query(actor: User, people: PeopleFilter) -> Select[tuple[User]]:
    query = select(User).where(managed_condition(actor))
    if people.q.strip():
        query = query.where(_search(people.q.strip()))
    if people.role:
        query = query.where(User.role == people.role)
    if people.status in ("active", "inactive"):
        query = query.where(User.active.is_(people.status == "active"))
    if people.district_id is not None:
        in_district = (
            select(user_mahallas.c.user_id)
            .join(Mahalla, Mahalla.id == user_mahallas.c.mahalla_id)
            .where(Mahalla.district_id == people.district_id)
        )
        partner_staff = partners.staff_ids_in_district(people.district_id)
        query = query.where(
            User.id.in_(in_district) | (User.district_id == people.district_id) | User.id.in_(partner_staff)
        )
    return query.order_by(User.full_name, User.id)


def list_people(actor: User, people: PeopleFilter, page: int = 1) -> Page:
    return paginate(people_query(actor, people), page, PAGE_SIZE)


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


# --- changes -----------------------------------------------------------------------------------------


def audit_view(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "email": user.email or "",
        "active": user.active,
        "mahallas": sorted(m.code for m in user.mahallas),
        "district_id": user.district_id,
        "region_id": user.region_id,
        "sso_subject": user.sso_subject or "",
        "organisation_id": partners.organisation_id_of(user) if roles.works_for_organisation(user.role) else None,
    }


def _check(actor: User, data: PersonData, user: User | None) -> list[Mahalla]:
    username = data.username.strip().lower()
    if user is None:
        if not username or len(username) > 80 or not set(username) <= USERNAME_CHARS:
            raise PeopleRefused("bad_username", "username")
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise PeopleRefused("username_taken", "username")
    if not data.full_name.strip() or len(data.full_name) > 200:
        raise PeopleRefused("bad_name", "full_name")
    if data.role not in {r.name for r in assignable_roles(actor)}:
        raise PeopleRefused("role_not_allowed", "role")
    if len(data.email) > 200 or (data.email and "@" not in data.email):
        raise PeopleRefused("bad_email", "email")
    subject = data.sso_subject.strip()
    if subject:
        holder = db.session.scalar(select(User.id).where(User.sso_subject == subject))
        if len(subject) > 200 or (holder is not None and (user is None or holder != user.id)):
            raise PeopleRefused("sso_taken", "sso_subject")
    allowed = {m.id: m for m in assignable_mahallas(actor)}
    if any(mahalla_id not in allowed for mahalla_id in data.mahalla_ids):
        raise PeopleRefused("mahalla_not_allowed", "mahallas")
    if roles.serves_mahallas(data.role) and not data.mahalla_ids and actor.role != Role.ADMIN:
        raise PeopleRefused("mahalla_required", "mahallas")
    if roles.heads_territory(data.role) and not (data.district_id or data.region_id):
        raise PeopleRefused("territory_required", "district")
    _check_organisation_and_limit(data)
    return [allowed[i] for i in data.mahalla_ids] if roles.serves_mahallas(data.role) else []


def _check_organisation_and_limit(data: PersonData) -> None:
    info = roles.role(data.role)
    if info is not None and info.max_mahallas is not None and len(data.mahalla_ids) > info.max_mahallas:
        raise PeopleRefused("too_many_mahallas", "mahallas")
    if roles.works_for_organisation(data.role):
        chosen = partners.organisation(data.organisation_id) if data.organisation_id else None
        if chosen is None or not chosen.active:
            raise PeopleRefused("organisation_required", "organisation")


def _apply(actor: User, user: User, data: PersonData, mahallas: list[Mahalla]) -> None:
    day = data.starts_on or local_today()
    user.full_name = data.full_name.strip()
    user.role = data.role
    user.email = data.email.strip() or None
    if actor.role == Role.ADMIN:
        user.sso_subject = data.sso_subject.strip() or None
    staffing.set_mahallas(user, mahallas, on=day, actor_id=actor.id)
    if roles.heads_territory(data.role):
        staffing.set_headed_unit(
            user,
            district_id=data.district_id,
            region_id=data.region_id if not data.district_id else None,
            on=day,
            actor_id=actor.id,
        )
    elif user.district_id is not None or user.region_id is not None:
        staffing.set_headed_unit(user, district_id=None, region_id=None, on=day, actor_id=actor.id)
    partners.set_organisation(user, data.organisation_id if roles.works_for_organisation(data.role) else None)


def create_person(actor: User, data: PersonData) -> tuple[User, str | None]:
    """Create the user with no password: a one-time set-password link goes through the outbox.
    Returns the user and the link token (for an admin to hand over when there is no e-mail)."""
    mahallas = _check(actor, data, None)
    with transaction():
        user = User(username=data.username.strip().lower(), full_name="", role=data.role, password_hash="")
        db.session.add(user)
        db.session.flush()
        _apply(actor, user, data, mahallas)
        db.session.flush()
        record("user_created", "user", user.id, actor_id=actor.id, after=audit_view(user))
        token = send_set_password_link(user, actor)
    return user, token


def update_person(actor: User, user: User, data: PersonData) -> None:
    mahallas = _check(actor, data, user)
    if actor.role != Role.ADMIN and mahallas:
        # A supervisor edits only their territory: mahallas the person serves elsewhere stay.
        allowed = {m.id for m in assignable_mahallas(actor)}
        mahallas += [m for m in user.mahallas if m.id not in allowed]
    before = audit_view(user)
    with transaction():
        _apply(actor, user, data, mahallas)
        db.session.flush()
        record("user_updated", "user", user.id, actor_id=actor.id, before=before, after=audit_view(user))


def open_tasks(user: User) -> list[PendingTask]:
    query = select(PendingTask).where(PendingTask.assignee_id == user.id).order_by(PendingTask.due_date)
    return list(db.session.scalars(query))


def deactivate(actor: User, user: User, *, hand_to: User | None, reason: str) -> int:
    """Deactivate (history stays): open tasks go to ``hand_to`` or back to the common inbox; the
    user serves nothing from today. Returns how many tasks moved."""
    if user.id == actor.id:
        raise PeopleRefused("not_yourself", "user")
    if not user.active:
        raise PeopleRefused("already_inactive", "user")
    tasks = open_tasks(user)
    if hand_to is not None:
        from webapp.cases.assignment.eligibility import may_take

        refused = next(
            (v for v in (may_take(hand_to, t, by=actor, district_wide=True) for t in tasks) if not v.allowed), None
        )
        if refused is not None or hand_to.id == user.id:
            raise PeopleRefused("cannot_take", "hand_to")
    before = audit_view(user)
    with transaction():
        if hand_to is not None:
            reassign_checked(actor, tasks, hand_to, reason or "deactivated")
        else:
            for task in tasks:
                task.assignee_id = None
                task.assigned_at = None
        staffing.end_all(user, on=local_today())
        user.active = False
        user.deactivated_at = utcnow()
        db.session.flush()
        record("user_deactivated", "user", user.id, actor_id=actor.id, before=before, after=audit_view(user))
    return len(tasks)


def reactivate(actor: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    record("user_reactivated", "user", user.id, actor_id=actor.id, after={"active": True})
    db.session.commit()
