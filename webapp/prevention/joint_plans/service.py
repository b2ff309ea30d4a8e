"""Plans of joint activities with other state bodies and civil-society institutions.

A plan covers a district (``mahalla_id`` empty) or one mahalla. Inspectors and advisers see the
plans of their mahallas and the district-wide plans of their districts, and edit only the plans
of their own mahallas; supervisors and administrators work on every plan of their territory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.territory.service import served_mahalla_ids
from webapp.platform.timeutil import local_today
from webapp.platform.transaction import commit
from webapp.prevention.work.models import OPEN_ITEM_STATUSES, ItemStatus, JointPlan, JointPlanItem
from webapp.prevention.work.scope import (
    MAHALLA_ROLES,
    ListFilters,
    Query,
    all_rows,
    served_district_ids,
    territory_scope,
)

PLAN_STATUSES = ("current", "finished", "with_overdue")
OPEN_ITEM = OPEN_ITEM_STATUSES


def plan_scope(user: User) -> ColumnElement[bool]:
    if user.role in MAHALLA_ROLES:
        return or_(
            JointPlan.mahalla_id.in_(served_mahalla_ids(user)),
            and_(JointPlan.mahalla_id.is_(None), JointPlan.district_id.in_(served_district_ids(user))),
        )
    return territory_scope(user, JointPlan.mahalla_id, JointPlan.district_id)


def may_edit(user: User, plan: JointPlan) -> bool:
    """District-wide plans are the supervisors' (and administrators'); mahalla plans also the inspector's."""
    return not (user.role in MAHALLA_ROLES and plan.mahalla_id is None)


@dataclass(frozen=True)
class PlanData:
    title: str
    kind: str
    period_start: dt.date
    period_end: dt.date
    district: District
    mahalla: Mahalla | None
    partners: str


def save_plan(actor: User, data: PlanData, plan: JointPlan | None = None) -> JointPlan:
    if plan is None:
        plan = JointPlan(created_by_id=actor.id)
        db.session.add(plan)
    plan.title, plan.kind, plan.partners = data.title.strip(), data.kind, data.partners.strip()
    plan.period_start, plan.period_end = data.period_start, data.period_end
    plan.district_id = data.district.id
    plan.mahalla_id = data.mahalla.id if data.mahalla else None
    commit()
    return plan


def plan_for(user: User, plan_id: int) -> JointPlan | None:
    return db.session.scalar(select(JointPlan).where(JointPlan.id == plan_id, plan_scope(user)))


def _item_counts(today: dt.date) -> Any:
    overdue = and_(JointPlanItem.status.in_(OPEN_ITEM), JointPlanItem.due_on < today)
    return (
        select(
            JointPlanItem.plan_id,
            func.count().label("item_count"),
            func.sum(case((JointPlanItem.status == ItemStatus.DONE, 1), else_=0)).label("done"),
            func.sum(case((overdue, 1), else_=0)).label("overdue"),
        )
        .group_by(JointPlanItem.plan_id)
        .subquery()
    )


def plans_query(user: User, filters: ListFilters, kind: str = "") -> Query:
    """Plans with their territory name and item counts (all, done, overdue)."""
    today = local_today()
    counts = _item_counts(today)
    territory = func.coalesce(Mahalla.name, District.name)
    query = (
        select(
            JointPlan,
            territory,
            func.coalesce(counts.c.item_count, 0),
            func.coalesce(counts.c.done, 0),
            func.coalesce(counts.c.overdue, 0),
        )
        .join(District, District.id == JointPlan.district_id)
        .outerjoin(Mahalla, Mahalla.id == JointPlan.mahalla_id)
        .outerjoin(counts, counts.c.plan_id == JointPlan.id)
        .where(plan_scope(user), filters.text(JointPlan.title, JointPlan.partners))
    )
    if filters.region is not None:
        query = query.where(District.region_id == filters.region)
    if filters.district is not None:
        query = query.where(JointPlan.district_id == filters.district)
    if filters.mahalla is not None:
        district_of = select(Mahalla.district_id).where(Mahalla.id == filters.mahalla).scalar_subquery()
        query = query.where(
            or_(
                JointPlan.mahalla_id == filters.mahalla,
                and_(JointPlan.mahalla_id.is_(None), JointPlan.district_id == district_of),
            )
        )
    # The period: plans whose period overlaps it.
    if filters.date_from is not None:
        query = query.where(JointPlan.period_end >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(JointPlan.period_start <= filters.date_to)
    if kind:
        query = query.where(JointPlan.kind == kind)
    if filters.status == "current":
        query = query.where(JointPlan.period_start <= today, JointPlan.period_end >= today)
    elif filters.status == "finished":
        query = query.where(JointPlan.period_end < today)
    elif filters.status == "with_overdue":
        query = query.where(counts.c.overdue > 0)
    return query.order_by(JointPlan.period_start.desc(), JointPlan.id.desc())


def export_rows(user: User, filters: ListFilters, kind: str, label: Any) -> Iterator[list[Any]]:
    for plan, territory, items, done, overdue in all_rows(plans_query(user, filters, kind)):
        yield [
            plan.title,
            label(plan.kind),
            plan.period_start,
            plan.period_end,
            territory,
            plan.partners,
            items,
            done,
            overdue,
        ]


@dataclass(frozen=True)
class ItemData:
    activity: str
    responsible: str
    due_on: dt.date
    status: str = ItemStatus.PLANNED
    report: str = ""


def save_item(plan: JointPlan, data: ItemData, item: JointPlanItem | None = None) -> JointPlanItem:
    if item is None:
        item = JointPlanItem(plan_id=plan.id)
        db.session.add(item)
    was_done = item.status == ItemStatus.DONE
    item.activity, item.responsible = data.activity.strip(), data.responsible.strip()
    item.due_on, item.status, item.report = data.due_on, data.status, data.report.strip()
    if data.status == ItemStatus.DONE and not was_done:
        item.done_on = local_today()
    elif data.status != ItemStatus.DONE:
        item.done_on = None
    commit()
    return item


def item_for(plan: JointPlan, item_id: int) -> JointPlanItem | None:
    return next((item for item in plan.items if item.id == item_id), None)


@dataclass(frozen=True)
class PlanReport:
    """What was done, what is overdue, what is still ahead."""

    done: list[JointPlanItem]
    overdue: list[JointPlanItem]
    ahead: list[JointPlanItem]
    cancelled: list[JointPlanItem]

    @property
    def total(self) -> int:
        return len(self.done) + len(self.overdue) + len(self.ahead) + len(self.cancelled)

    @property
    def done_share(self) -> int:
        counted = self.total - len(self.cancelled)
        return round(100 * len(self.done) / counted) if counted else 0


def plan_report(plan: JointPlan, today: dt.date | None = None) -> PlanReport:
    today = today or local_today()
    groups: dict[str, list[JointPlanItem]] = {"done": [], "overdue": [], "ahead": [], "cancelled": []}
    for item in plan.items:
        status = item.shown_status(today)
        groups[status if status in groups else "ahead"].append(item)
    return PlanReport(**groups)


def report_rows(plan: JointPlan, label: Any) -> Iterator[list[Any]]:
    today = local_today()
    for item in plan.items:
        yield [item.activity, item.responsible, item.due_on, label(item.shown_status(today)), item.done_on, item.report]
