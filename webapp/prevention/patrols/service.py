""" "Fidokor Yoshlar" patrols: groups and members, the schedule, reports and their incidents.

An incident can open an appeal — registered by the same service as every other appeal, so it runs
the real appeal lifecycle — or be linked to a person on the prevention registry of its mahalla.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true

from webapp.casework.appeals.models import Appeal, Channel
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.transaction import commit, transaction
from webapp.prevention.patrols.review import start_review
from webapp.prevention.registry.models import PersonStatus, SupervisedPerson
from webapp.prevention.work.models import (
    PatrolGroup,
    PatrolIncident,
    PatrolMember,
    PatrolReport,
    PlannedPatrol,
    patrol_report_members,
)
from webapp.prevention.work.scope import ListFilters, Query, all_rows, territory_scope


class IncidentRefused(ValueError):
    """The incident already has an appeal or a person, or the person is not of its mahalla."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


GROUP_STATUSES = ("active", "inactive")


# --- groups ----------------------------------------------------------------------------------


def save_group(
    mahalla: Mahalla, *, name: str, leader_name: str, leader_phone: str, active: bool, group: PatrolGroup | None = None
) -> PatrolGroup:
    if group is None:
        group = PatrolGroup()
        db.session.add(group)
    group.mahalla_id, group.district_id = mahalla.id, mahalla.district_id
    group.name, group.leader_name, group.leader_phone = name.strip(), leader_name.strip(), leader_phone.strip()
    group.active = active
    commit()
    return group


def group_for(user: User, group_id: int) -> PatrolGroup | None:
    return db.session.scalar(
        select(PatrolGroup).where(
            PatrolGroup.id == group_id, territory_scope(user, PatrolGroup.mahalla_id, PatrolGroup.district_id)
        )
    )


def groups_in_scope(user: User, *, active_only: bool = True) -> list[PatrolGroup]:
    query = select(PatrolGroup).where(territory_scope(user, PatrolGroup.mahalla_id, PatrolGroup.district_id))
    if active_only:
        query = query.where(PatrolGroup.active.is_(True))
    return list(db.session.scalars(query.order_by(PatrolGroup.name)))


def groups_query(user: User, filters: ListFilters) -> Query:
    members = (
        select(PatrolMember.group_id, func.count().label("members"))
        .where(PatrolMember.active.is_(True))
        .group_by(PatrolMember.group_id)
        .subquery()
    )
    reports = (
        select(PatrolReport.group_id, func.count().label("reports"))
        .where(filters.period(PatrolReport.report_date))
        .group_by(PatrolReport.group_id)
        .subquery()
    )
    query = (
        select(PatrolGroup, Mahalla.name, func.coalesce(members.c.members, 0), func.coalesce(reports.c.reports, 0))
        .join(Mahalla, Mahalla.id == PatrolGroup.mahalla_id)
        .outerjoin(members, members.c.group_id == PatrolGroup.id)
        .outerjoin(reports, reports.c.group_id == PatrolGroup.id)
        .where(
            territory_scope(user, PatrolGroup.mahalla_id, PatrolGroup.district_id),
            filters.territory(PatrolGroup.mahalla_id, PatrolGroup.district_id),
            filters.text(PatrolGroup.name, PatrolGroup.leader_name),
        )
    )
    if filters.status:
        query = query.where(PatrolGroup.active.is_(filters.status == "active"))
    return query.order_by(Mahalla.name, PatrolGroup.name)


def add_member(group: PatrolGroup, *, full_name: str, phone: str) -> PatrolMember:
    member = PatrolMember(group_id=group.id, full_name=full_name.strip(), phone=phone.strip(), active=True)
    db.session.add(member)
    commit()
    return member


def toggle_member(group: PatrolGroup, member_id: int) -> PatrolMember | None:
    member = db.session.scalar(
        select(PatrolMember).where(PatrolMember.id == member_id, PatrolMember.group_id == group.id)
    )
    if member is not None:
        member.active = not member.active
        commit()
    return member


# --- schedule --------------------------------------------------------------------------------


def plan_patrol(
    actor: User, group: PatrolGroup, *, patrol_date: dt.date, starts_at: dt.time, ends_at: dt.time, route: str
) -> PlannedPatrol:
    patrol = PlannedPatrol(
        group_id=group.id,
        mahalla_id=group.mahalla_id,
        district_id=group.district_id,
        patrol_date=patrol_date,
        starts_at=starts_at,
        ends_at=ends_at,
        route=route.strip(),
        created_by_id=actor.id,
    )
    db.session.add(patrol)
    commit()
    return patrol


def schedule_query(user: User, filters: ListFilters, group_id: int | None = None) -> Query:
    """Planned patrols with their group, mahalla and the id of the report filed for them."""
    report = (
        select(PatrolReport.planned_patrol_id, func.min(PatrolReport.id).label("report_id"))
        .where(PatrolReport.planned_patrol_id.is_not(None))
        .group_by(PatrolReport.planned_patrol_id)
        .subquery()
    )
    query = (
        select(PlannedPatrol, PatrolGroup.name, Mahalla.name, report.c.report_id)
        .join(PatrolGroup, PatrolGroup.id == PlannedPatrol.group_id)
        .join(Mahalla, Mahalla.id == PlannedPatrol.mahalla_id)
        .outerjoin(report, report.c.planned_patrol_id == PlannedPatrol.id)
        .where(
            territory_scope(user, PlannedPatrol.mahalla_id, PlannedPatrol.district_id),
            filters.territory(PlannedPatrol.mahalla_id, PlannedPatrol.district_id),
            filters.period(PlannedPatrol.patrol_date),
            filters.text(PlannedPatrol.route, PatrolGroup.name),
        )
    )
    if group_id is not None:
        query = query.where(PlannedPatrol.group_id == group_id)
    if filters.status == "reported":
        query = query.where(report.c.report_id.is_not(None))
    elif filters.status == "not_reported":
        query = query.where(report.c.report_id.is_(None))
    return query.order_by(PlannedPatrol.patrol_date.desc(), PlannedPatrol.starts_at, PlannedPatrol.id)


def planned_patrol_for(user: User, patrol_id: int) -> PlannedPatrol | None:
    return db.session.scalar(
        select(PlannedPatrol).where(
            PlannedPatrol.id == patrol_id, territory_scope(user, PlannedPatrol.mahalla_id, PlannedPatrol.district_id)
        )
    )


# --- reports and incidents -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    report_date: dt.date
    route: str
    observations: str = ""
    member_ids: Sequence[int] = ()
    incident: str = ""
    incident_place: str = ""


def file_report(
    actor: User, group: PatrolGroup, data: ReportData, planned: PlannedPatrol | None = None
) -> PatrolReport:
    """The report of a patrol, with the members present and the incident met, if any, sent for the
    supervisor's review; commit."""
    members = [m for m in group.members if m.id in set(data.member_ids)]
    report = PatrolReport(
        group_id=group.id,
        planned_patrol_id=planned.id if planned else None,
        mahalla_id=group.mahalla_id,
        district_id=group.district_id,
        report_date=data.report_date,
        route=data.route.strip(),
        observations=data.observations.strip(),
        author_id=actor.id,
        members_present=members,
    )
    if data.incident.strip():
        report.incidents.append(_incident(report, data.incident, data.incident_place))
    with transaction():
        db.session.add(report)
        db.session.flush()
        start_review(report, actor)  # the supervisor's review (prevention.patrols.review)
    return report


def _incident(report: PatrolReport, description: str, place: str) -> PatrolIncident:
    return PatrolIncident(
        mahalla_id=report.mahalla_id,
        district_id=report.district_id,
        occurred_on=report.report_date,
        description=description.strip(),
        place=place.strip(),
    )


def add_incident(report: PatrolReport, *, description: str, place: str) -> PatrolIncident:
    incident = _incident(report, description, place)
    report.incidents.append(incident)
    commit()
    return incident


def report_for(user: User, report_id: int) -> PatrolReport | None:
    return db.session.scalar(
        select(PatrolReport).where(
            PatrolReport.id == report_id, territory_scope(user, PatrolReport.mahalla_id, PatrolReport.district_id)
        )
    )


def reports_query(user: User, filters: ListFilters, group_id: int | None = None) -> Query:
    present = (
        select(patrol_report_members.c.report_id, func.count().label("present"))
        .group_by(patrol_report_members.c.report_id)
        .subquery()
    )
    incidents = (
        select(PatrolIncident.report_id, func.count().label("incidents")).group_by(PatrolIncident.report_id).subquery()
    )
    query = (
        select(
            PatrolReport,
            PatrolGroup.name,
            Mahalla.name,
            func.coalesce(present.c.present, 0),
            func.coalesce(incidents.c.incidents, 0),
        )
        .join(PatrolGroup, PatrolGroup.id == PatrolReport.group_id)
        .join(Mahalla, Mahalla.id == PatrolReport.mahalla_id)
        .outerjoin(present, present.c.report_id == PatrolReport.id)
        .outerjoin(incidents, incidents.c.report_id == PatrolReport.id)
        .where(
            territory_scope(user, PatrolReport.mahalla_id, PatrolReport.district_id),
            filters.territory(PatrolReport.mahalla_id, PatrolReport.district_id),
            filters.period(PatrolReport.report_date),
            filters.text(PatrolReport.route, PatrolReport.observations, PatrolGroup.name),
        )
    )
    if group_id is not None:
        query = query.where(PatrolReport.group_id == group_id)
    if filters.status == "with_incidents":
        query = query.where(incidents.c.incidents > 0)
    elif filters.status == "without_incidents":
        query = query.where(incidents.c.incidents.is_(None))
    return query.order_by(PatrolReport.report_date.desc(), PatrolReport.id.desc())


def report_export_rows(user: User, filters: ListFilters) -> Iterator[list[Any]]:
    for report, group_name, mahalla_name, present, incidents in all_rows(reports_query(user, filters)):
        yield [
            report.report_date,
            group_name,
            mahalla_name,
            report.route,
            present,
            report.observations,
            incidents,
            "; ".join(i.description for i in report.incidents),
        ]


def incident_for(report: PatrolReport, incident_id: int) -> PatrolIncident | None:
    return next((i for i in report.incidents if i.id == incident_id), None)


def open_appeal(actor: User, incident: PatrolIncident, *, applicant_name: str) -> Appeal:
    """Register an appeal from the incident (channel "patrol") and start its lifecycle; the
    incident keeps the appeal, in the same transaction. Raises IncidentRefused or StepFailed."""
    if incident.appeal_id is not None:
        raise IncidentRefused("has_appeal")
    mahalla = db.session.get(Mahalla, incident.mahalla_id)
    assert mahalla is not None
    report = incident.report
    text = incident.description
    if incident.place:
        text = f"{text}\n{incident.place}"
    new = NewAppeal(
        mahalla=mahalla,
        kind="ariza",
        text=text,
        channel=Channel.PATROL.value,
        applicant_name=applicant_name,
        applicant_phone=report.group.leader_phone,
        address=incident.place,
    )
    incident_id, actor_id = incident.id, actor.id

    def keep_appeal(appeal: Appeal) -> None:
        db.session.execute(
            PatrolIncident.__table__.update()
            .where(PatrolIncident.id == incident_id)
            .values(appeal_id=appeal.id, linked_by_id=actor_id)
        )

    appeal = register_appeal(new, actor, also=keep_appeal)
    db.session.refresh(incident)
    return appeal


def _entitled(user: User) -> ColumnElement[bool]:
    """Registry records are special personal data: an inspector sees the people they are
    responsible for, a supervisor those of their territory (the incident is already in it)."""
    if user.role == Role.INSPECTOR.value:
        return SupervisedPerson.responsible_inspector_id == user.id
    return true() if user.role == Role.SUPERVISOR.value else false()


def registry_people(incident: PatrolIncident, user: User) -> list[SupervisedPerson]:
    """People on the registry (active) of the incident's mahalla whom the user may see."""
    return list(
        db.session.scalars(
            select(SupervisedPerson)
            .where(
                SupervisedPerson.mahalla_id == incident.mahalla_id,
                SupervisedPerson.status == PersonStatus.ACTIVE,
                _entitled(user),
            )
            .order_by(SupervisedPerson.full_name)
        )
    )


def link_person(actor: User, incident: PatrolIncident, person_id: int) -> SupervisedPerson:
    """Link the incident to a person on the registry of the same mahalla; commit."""
    person = db.session.get(SupervisedPerson, person_id)
    if person is None or person not in registry_people(incident, actor):
        raise IncidentRefused("wrong_person")
    if incident.person_id is not None:
        raise IncidentRefused("has_person")
    incident.person_id = person.id
    incident.linked_by_id = actor.id
    commit()
    return person


def incidents_for_person(person_id: int) -> list[PatrolIncident]:
    """The patrol incidents linked to a registry person, newest first (for the person timeline)."""
    return list(
        db.session.scalars(
            select(PatrolIncident)
            .where(PatrolIncident.person_id == person_id)
            .order_by(PatrolIncident.occurred_on.desc(), PatrolIncident.id.desc())
        )
    )
