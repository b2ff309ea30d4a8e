"""Who may see a registry record: entitlement, list scope and masking.

The full record is special personal data: only the responsible inspector (and the colleague covering
them today, or an inspector holding one of the person's plan tasks) and the supervisors of the
person's district (or the head of the region) are entitled to it. Everyone else who can reach
a list sees initials only; an administrator is not entitled either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true

from webapp.cases.cover.scope import covered_user_ids
from webapp.cases.models import PREVENTION_PLAN, PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District
from webapp.platform.territory.service import served_mahalla_ids
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson

ANONYMISED_NAME = "[anonymised]"
REGISTRY_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
WORK_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


def _region_district_ids(region_id: int) -> Any:
    return select(District.id).where(District.region_id == region_id).scalar_subquery()


def _held_person_ids(user: User) -> Any:
    """The persons with an open plan task assigned to the user (given by a supervisor or a cover)."""
    held = (PendingTask.subject_kind == PREVENTION_PLAN) & (PendingTask.assignee_id == user.id)
    return select(PreventionPlan.person_id).join(PendingTask, PendingTask.subject_id == PreventionPlan.id).where(held)


def entitled_condition(user: User) -> ColumnElement[bool]:
    """Condition on SupervisedPerson: the records the user may see in full (an inspector: theirs,
    those of a colleague they cover today, and those whose plan task they hold)."""
    if user.role == Role.INSPECTOR:
        return or_(
            SupervisedPerson.responsible_inspector_id == user.id,
            SupervisedPerson.responsible_inspector_id.in_(covered_user_ids(user.id, local_today())),
            SupervisedPerson.id.in_(_held_person_ids(user)),
        )
    if user.role == Role.SUPERVISOR:
        if user.district_id is not None:
            return SupervisedPerson.district_id == user.district_id
        if user.region_id is not None:
            return SupervisedPerson.district_id.in_(_region_district_ids(user.region_id))
    return false()


def list_scope(user: User) -> ColumnElement[bool]:
    """Condition on SupervisedPerson: the records the user may reach in a list (masked or not)."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.INSPECTOR:
        return or_(SupervisedPerson.mahalla_id.in_(served_mahalla_ids(user)), entitled_condition(user))
    return entitled_condition(user)


def is_entitled(user: User, person: SupervisedPerson) -> bool:
    if user.role == Role.INSPECTOR:
        if person.responsible_inspector_id == user.id:
            return True
        query = select(SupervisedPerson.id).where(SupervisedPerson.id == person.id, entitled_condition(user))
        return db.session.scalar(query) is not None
    if user.role == Role.SUPERVISOR:
        if user.district_id is not None:
            return person.district_id == user.district_id
        if user.region_id is not None:
            return person.mahalla.district.region_id == user.region_id
    return False


def initials(full_name: str) -> str:
    """``Aliyev Jasur Botirovich`` → ``A. J. B.``"""
    if full_name == ANONYMISED_NAME:
        return full_name
    return " ".join(f"{part[0].upper()}." for part in full_name.split() if part)


@dataclass(frozen=True)
class PersonView:
    """A registry record as one user may see it: full, or masked (initials, nothing identifying)."""

    id: int
    masked: bool
    name: str
    birth_date: dt.date | None
    birth_year: int | None
    passport: str
    phone: str
    address: str
    mahalla: str
    mahalla_id: int
    risk_group: str
    grounds: str
    status: str
    registered_on: dt.date
    removed_on: dt.date | None
    removal_grounds: str
    inspector: str
    anonymised: bool


def person_view(person: SupervisedPerson, entitled: bool) -> PersonView:
    masked = not entitled
    return PersonView(
        id=person.id,
        masked=masked,
        name=initials(person.full_name) if masked else person.full_name,
        birth_date=None if masked else person.birth_date,
        birth_year=None if masked or person.birth_date is None else person.birth_date.year,
        passport="" if masked else person.passport or "",
        phone="" if masked else person.phone or "",
        address="" if masked else person.address or "",
        mahalla=person.mahalla.name,
        mahalla_id=person.mahalla_id,
        risk_group=person.risk_group,
        grounds="" if masked else person.grounds,
        status=person.status,
        registered_on=person.registered_on,
        removed_on=person.removed_on,
        removal_grounds="" if masked else person.removal_grounds,
        inspector=person.responsible_inspector.full_name if person.responsible_inspector else "",
        anonymised=person.anonymised_at is not None,
    )
