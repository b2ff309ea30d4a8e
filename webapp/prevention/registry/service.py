"""The prevention registry: register, change and remove records, link appeals, log every access.

Every function that changes something or shows a record is one transaction: the change, the
person's history (case events) and the access-log rows commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.orm import joinedload

from webapp.cases.incidents import CANCELLED
from webapp.cases.instances import Subject, drop_tasks, instance_row, set_status
from webapp.cases.models import PREVENTION_PLAN, PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.territory.models import Mahalla
from webapp.platform.territory.service import mahallas_for_registration
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import committed
from webapp.prevention.registry.access import (
    PersonView,
    entitled_condition,
    is_entitled,
    list_scope,
    person_view,
)
from webapp.prevention.registry.journal import log_access, log_event, moment_of
from webapp.prevention.registry.models import (
    PreventionPlan,
    SupervisedPerson,
    supervised_person_appeals,
)

RUNNING_PLAN_STATUSES = ("drafting", "awaiting_approval", "active")
LIST_LIMIT = 200


class Denied(Exception):
    """The user may not see this record (logged as view_denied)."""


@dataclass(frozen=True)
class PersonInput:
    """What the register and edit forms collect (already validated)."""

    full_name: str
    birth_date: dt.date | None
    passport: str
    phone: str
    address: str
    mahalla: Mahalla
    risk_group: str
    grounds: str
    responsible_inspector_id: int
    registered_on: dt.date


@dataclass(frozen=True)
class Filters:
    mahalla_id: int | None = None
    risk_group: str | None = None
    status: str | None = None
    q: str = ""  # a name, a birth date (YYYY-MM-DD or DD.MM.YYYY) or a part of the address

    def search_condition(self, user: User) -> Any:
        """Records matching ``q`` among those the user is entitled to: searching never tells
        anything about a record shown masked."""
        day = _search_date(self.q)
        pattern = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = or_(
            SupervisedPerson.full_name.ilike(pattern, escape="\\"),
            SupervisedPerson.address.ilike(pattern, escape="\\"),
            *([SupervisedPerson.birth_date == day] if day else []),
        )
        return and_(entitled_condition(user), matches)


def _search_date(text: str) -> dt.date | None:
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


# --- reading ------------------------------------------------------------------------------------


def _person(person_id: int) -> SupervisedPerson | None:
    return db.session.scalar(
        select(SupervisedPerson)
        .where(SupervisedPerson.id == person_id)
        .options(joinedload(SupervisedPerson.mahalla).joinedload(Mahalla.district))
    )


def record_for(user: User, person_id: int, action: str = "view", detail: str = "") -> SupervisedPerson | None:
    """The full record for an entitled user, logged as ``action``; None when it does not exist.

    Raises Denied (after logging the refusal) when the user is not entitled.
    """
    person = _person(person_id)
    if person is None:
        return None
    if not is_entitled(user, person):
        committed(lambda: log_access(user, [person.id], "view_denied", detail=action))
        raise Denied(person_id)
    committed(lambda: log_access(user, [person.id], action, detail=detail))
    return person


def _list_query(user: User, filters: Filters) -> Any:
    entitled = case((entitled_condition(user), True), else_=False)
    query = (
        select(SupervisedPerson, entitled.label("entitled"))
        .where(list_scope(user))
        .options(joinedload(SupervisedPerson.mahalla), joinedload(SupervisedPerson.responsible_inspector))
        .order_by(SupervisedPerson.status, SupervisedPerson.registered_on.desc(), SupervisedPerson.id.desc())
    )
    if filters.mahalla_id is not None:
        query = query.where(SupervisedPerson.mahalla_id == filters.mahalla_id)
    if filters.risk_group:
        query = query.where(SupervisedPerson.risk_group == filters.risk_group)
    if filters.status:
        query = query.where(SupervisedPerson.status == filters.status)
    if filters.q:
        query = query.where(filters.search_condition(user))
    return query


def registry_list(
    user: User, filters: Filters, *, action: str = "list", limit: int | None = LIST_LIMIT
) -> list[PersonView]:
    """The records the user may reach, masked where not entitled; each one shown is logged."""

    def read() -> list[PersonView]:
        query = _list_query(user, filters)
        if limit is not None:
            query = query.limit(limit)
        views = [person_view(person, bool(entitled)) for person, entitled in db.session.execute(query)]
        full = [v.id for v in views if not v.masked]
        masked = [v.id for v in views if v.masked]
        if filters.q:  # a search is logged as such, with what was searched for
            log_access(user, full, "search", detail=filters.q)
        else:
            log_access(user, full, action)
        log_access(user, masked, action, detail="masked")
        return views

    return list(committed(read))


def registry_page(
    user: User, filters: Filters, *, offset: int, limit: int, action: str = "api_list"
) -> list[PersonView]:
    """Like ``registry_list``, one page at ``offset`` (the API's pages); each record shown is logged."""

    def read() -> list[PersonView]:
        query = _list_query(user, filters).offset(offset).limit(limit)
        views = [person_view(person, bool(entitled)) for person, entitled in db.session.execute(query)]
        log_access(user, [v.id for v in views if not v.masked], action)
        log_access(user, [v.id for v in views if v.masked], action, detail="masked")
        return views

    return list(committed(read))


def plans_page(user: User, *, offset: int, limit: int) -> list[PreventionPlan]:
    """Prevention plans of the records the user is entitled to; each person whose plan is shown is logged."""

    def read() -> list[PreventionPlan]:
        query = (
            select(PreventionPlan)
            .join(SupervisedPerson, SupervisedPerson.id == PreventionPlan.person_id)
            .where(entitled_condition(user))
            .order_by(PreventionPlan.id.desc())
            .offset(offset)
            .limit(limit)
        )
        plans = list(db.session.scalars(query))
        log_access(user, sorted({p.person_id for p in plans}), "api_plans")
        return plans

    return list(committed(read))


def plan_record(user: User, plan_id: int) -> PreventionPlan | None:
    """One plan if the user is entitled to its person (the access is logged, a refusal too)."""
    plan = db.session.get(PreventionPlan, plan_id)
    if plan is None:
        return None
    try:
        person = record_for(user, plan.person_id, action="api_plan", detail=str(plan_id))
    except Denied:
        return None
    return plan if person is not None else None


def mahallas_in_reach(user: User) -> list[Mahalla]:
    """The mahallas offered in the registry filter (retired ones too: their people are still listed)."""
    return mahallas_for_registration(user, include_retired=True)


def inspectors_serving(mahalla_ids: Iterable[int]) -> list[User]:
    ids = list(mahalla_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(user_mahallas, user_mahallas.c.user_id == User.id)
            .where(user_mahallas.c.mahalla_id.in_(ids), User.role == Role.INSPECTOR.value, User.active.is_(True))
            .distinct()
            .order_by(User.full_name)
        )
    )


def serves(inspector_id: int, mahalla_id: int) -> bool:
    return (
        db.session.scalar(
            select(user_mahallas.c.user_id).where(
                user_mahallas.c.user_id == inspector_id, user_mahallas.c.mahalla_id == mahalla_id
            )
        )
        is not None
    )


def linked_appeals(person_id: int) -> list[tuple[Appeal, dt.datetime | None]]:
    rows = db.session.execute(
        select(Appeal, supervised_person_appeals.c.linked_at)
        .join(supervised_person_appeals, supervised_person_appeals.c.appeal_id == Appeal.id)
        .where(supervised_person_appeals.c.person_id == person_id)
        .order_by(Appeal.received_at)
    )
    return [(appeal, linked_at) for appeal, linked_at in rows]


def persons_of_appeal(appeal_id: int) -> list[SupervisedPerson]:
    return list(
        db.session.scalars(
            select(SupervisedPerson)
            .join(supervised_person_appeals, supervised_person_appeals.c.person_id == SupervisedPerson.id)
            .where(supervised_person_appeals.c.appeal_id == appeal_id)
            .order_by(SupervisedPerson.id)
        )
    )


def candidates_in_mahalla(user: User, mahalla_id: int) -> list[SupervisedPerson]:
    """Active records of the mahalla the user is entitled to (to link to an appeal or plan for)."""
    return list(
        db.session.scalars(
            select(SupervisedPerson)
            .where(
                SupervisedPerson.mahalla_id == mahalla_id,
                SupervisedPerson.status == "active",
                entitled_condition(user),
            )
            .order_by(SupervisedPerson.full_name)
        )
    )


def plans_of(person_id: int) -> list[PreventionPlan]:
    return list(
        db.session.scalars(
            select(PreventionPlan).where(PreventionPlan.person_id == person_id).order_by(PreventionPlan.id.desc())
        )
    )


# --- changing -----------------------------------------------------------------------------------

_EDITABLE = tuple(f.name for f in fields(PersonInput) if f.name not in ("mahalla", "registered_on"))


def register_person(data: PersonInput, actor: User, *, appeal: Appeal | None = None) -> SupervisedPerson:
    """Put a person on the registry (and link the appeal they were registered from); commit."""

    def write() -> SupervisedPerson:
        person = SupervisedPerson(
            full_name=data.full_name,
            birth_date=data.birth_date,
            passport=data.passport or None,
            phone=data.phone or None,
            address=data.address,
            mahalla_id=data.mahalla.id,
            district_id=data.mahalla.district_id,
            risk_group=data.risk_group,
            grounds=data.grounds,
            registered_on=data.registered_on,
            responsible_inspector_id=data.responsible_inspector_id,
            status="active",
            created_by_id=actor.id,
        )
        db.session.add(person)
        db.session.flush()
        filled = [name for name in _EDITABLE if getattr(data, name)] + ["mahalla", "registered_on"]
        log_event(
            person.id,
            "registered",
            actor,
            data={"risk_group": data.risk_group},
            occurred_at=moment_of(data.registered_on),
        )
        log_access(actor, [person.id], "create", filled)
        if appeal is not None:
            link_writes(person, appeal, actor)
        return person

    return committed(write)  # type: ignore[no-any-return]


def update_person(person: SupervisedPerson, data: PersonInput, actor: User) -> list[str]:
    """Change the record; returns the names of the changed fields (logged); commit."""

    def write() -> list[str]:
        changed = [name for name in _EDITABLE if (getattr(person, name) or "") != (getattr(data, name) or "")]
        if person.mahalla_id != data.mahalla.id:
            changed.append("mahalla")
            person.mahalla_id = data.mahalla.id
            person.district_id = data.mahalla.district_id
        for name in _EDITABLE:
            value = getattr(data, name)
            setattr(person, name, value if value != "" or name in ("address", "grounds") else None)
        if not changed:
            return []
        if "responsible_inspector_id" in changed or "mahalla" in changed:
            _retarget_tasks(person)
        log_event(person.id, "updated", actor, data={"fields": sorted(changed)})
        log_access(actor, [person.id], "update", changed)
        return sorted(changed)

    return list(committed(write))


def _retarget_tasks(person: SupervisedPerson) -> None:
    """Plan tasks follow the record: a new responsible inspector, a new mahalla."""
    db.session.flush()
    plans = select(PreventionPlan.id).where(PreventionPlan.person_id == person.id).scalar_subquery()
    of_person = (PendingTask.subject_kind == PREVENTION_PLAN) & PendingTask.subject_id.in_(plans)
    db.session.execute(
        update(PendingTask).where(of_person).values(mahalla_id=person.mahalla_id, district_id=person.district_id)
    )
    db.session.execute(
        update(PendingTask)
        .where(of_person, PendingTask.role == Role.INSPECTOR.value)
        .values(assignee_id=person.responsible_inspector_id)
    )


def removal_writes(
    person: SupervisedPerson,
    actor: User | None,
    removed_on: dt.date,
    grounds: str,
    occurred_at: dt.datetime | None = None,
) -> None:
    """Take the person off the registry (within the caller's transaction)."""
    person.status = "removed"
    person.removed_on = removed_on
    person.removal_grounds = grounds
    log_event(
        person.id,
        "removed",
        actor,
        data={"removed_on": removed_on.isoformat()},
        occurred_at=occurred_at or moment_of(removed_on),
    )
    log_access(actor, [person.id], "remove", ["status", "removed_on", "removal_grounds"])


def remove_person(person: SupervisedPerson, actor: User, removed_on: dt.date, grounds: str) -> None:
    """Take the person off the registry; a running plan is cancelled; commit."""

    def write() -> None:
        for plan in db.session.scalars(
            select(PreventionPlan).where(
                PreventionPlan.person_id == person.id, PreventionPlan.status.in_(RUNNING_PLAN_STATUSES)
            )
        ):
            plan.status = "cancelled"
            plan.outcome = "cancelled"
            plan.next_due_on = None
            plan.ends_on = removed_on
            subject = Subject(PREVENTION_PLAN, plan.id)
            drop_tasks(subject)
            found = instance_row(subject)
            if found is not None:
                set_status(found[0].id, CANCELLED)
            log_event(person.id, "plan_cancelled", actor, plan_id=plan.id)
        removal_writes(person, actor, removed_on, grounds)

    committed(write)


def link_writes(person: SupervisedPerson, appeal: Appeal, actor: User) -> bool:
    """Link the appeal to the person (within the caller's transaction); False when already linked."""
    exists = db.session.scalar(
        select(supervised_person_appeals.c.person_id).where(
            supervised_person_appeals.c.person_id == person.id, supervised_person_appeals.c.appeal_id == appeal.id
        )
    )
    if exists is not None:
        return False
    db.session.execute(
        insert(supervised_person_appeals).values(
            person_id=person.id, appeal_id=appeal.id, linked_by_id=actor.id, linked_at=utcnow()
        )
    )
    log_event(person.id, "appeal_linked", actor, data={"appeal": appeal.number})
    log_access(actor, [person.id], "link_appeal", detail=appeal.number)
    return True


def link_appeal(person: SupervisedPerson, appeal: Appeal, actor: User) -> bool:
    """Link an appeal to the person; False when it already was; commit."""
    return bool(committed(lambda: link_writes(person, appeal, actor)))


def unlink_appeal(person: SupervisedPerson, appeal: Appeal, actor: User) -> bool:
    def write() -> bool:
        result = db.session.execute(
            delete(supervised_person_appeals).where(
                supervised_person_appeals.c.person_id == person.id, supervised_person_appeals.c.appeal_id == appeal.id
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        log_event(person.id, "appeal_unlinked", actor, data={"appeal": appeal.number})
        log_access(actor, [person.id], "unlink_appeal", detail=appeal.number)
        return True

    return bool(committed(write))


# --- the registry seen from an appeal -----------------------------------------------------------


def appeal_link_count(appeal_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(supervised_person_appeals)
            .where(supervised_person_appeals.c.appeal_id == appeal_id)
        )
        or 0
    )


def appeal_registry(user: User, appeal: Appeal) -> tuple[list[PersonView], list[SupervisedPerson]]:
    """The persons linked to the appeal (masked where not entitled) and the records of the appeal's
    mahalla the user may link or open a plan for; everything shown is logged."""

    def read() -> tuple[list[PersonView], list[SupervisedPerson]]:
        linked = [person_view(p, is_entitled(user, p)) for p in persons_of_appeal(appeal.id)]
        candidates = candidates_in_mahalla(user, appeal.mahalla_id)
        log_access(user, [v.id for v in linked if not v.masked], "list", detail=appeal.number)
        log_access(user, [v.id for v in linked if v.masked], "list", detail=f"{appeal.number} masked")
        log_access(user, [p.id for p in candidates], "list", detail=appeal.number)
        return linked, candidates

    linked, candidates = committed(read)
    return linked, candidates


def entitled_person(user: User, person_id: int) -> SupervisedPerson | None:
    """A record the user is entitled to, without logging (the caller's action logs itself)."""
    person = _person(person_id)
    return person if person is not None and is_entitled(user, person) else None


def appeal_number(appeal_id: int) -> str | None:
    return db.session.scalar(select(Appeal.number).where(Appeal.id == appeal_id))
