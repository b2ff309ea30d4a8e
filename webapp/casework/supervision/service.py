"""The supervisor console: stuck, overdue and due-soon cases, workload, incidents, bulk reassignment.

Every list is limited to the caller's territory (``appeal_scope``) and to the console filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from pydantic import Field, field_validator
from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import joinedload

from webapp.cases.assignment.service import changing, eligible_assignees, reassign_checked
from webapp.cases.incidents import CANCELLED, INCIDENT
from webapp.cases.models import APPEAL, CaseEvent, PendingTask, ProcessInstance
from webapp.cases.subjects import reference
from webapp.casework.appeals.models import CATEGORIES, Appeal, AppealKind
from webapp.casework.overdue import days_overdue, overdue_condition
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.pagination import Page, paginate
from webapp.platform.query_params import Id, QueryModel, one_of, parse
from webapp.platform.query_params import Page as PageNumber
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.territory.service import appeal_scope, district_scope
from webapp.platform.timeutil import as_utc, local_today, utcnow
from webapp.platform.transaction import transaction

DEFAULT_STUCK_DAYS = 7
DEFAULT_DUE_SOON_DAYS = 3
MAX_DAYS = 365
LIST_LIMIT = 200
# The console shows a supervisor this many cases a page (the JSON API lists up to LIST_LIMIT).
CONSOLE_PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The console's filters; empty means all (an id or code of nothing in the user's territory
    matches nothing)."""

    district: int | None = None
    mahalla: int | None = None
    category: str = ""
    stage: int | None = None
    kind: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Filters:
        """The filters from query arguments (a page's, an export's); BadParameter names a bad one."""
        return parse(FilterArgs, args).filters()

    def condition(self) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = [true()]
        if self.district is not None:
            parts.append(Appeal.district_id == self.district)
        if self.mahalla is not None:
            parts.append(Appeal.mahalla_id == self.mahalla)
        if self.category:
            parts.append(Appeal.category == self.category)
        if self.stage is not None:
            parts.append(Appeal.stage == self.stage)
        if self.kind:
            parts.append(Appeal.kind == self.kind)
        return and_(*parts)


class FilterArgs(QueryModel):
    """The console's filters in a query string: ids, a category code, a stage, a kind."""

    district: Id | None = None
    mahalla: Id | None = None
    category: str = ""
    stage: int | None = Field(None, ge=1, le=5)
    kind: AppealKind | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        return one_of("category", value, CATEGORIES)

    def filters(self) -> Filters:
        kind = self.kind.value if self.kind else ""
        return Filters(self.district, self.mahalla, self.category, self.stage, kind)


Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]


class ConsoleArgs(FilterArgs):
    """The console's (and its exports') query string: the filters, the days that make a case stuck
    (``days``) or due soon (``soon``) and the page of a case list."""

    days: Days = DEFAULT_STUCK_DAYS
    soon: Days = DEFAULT_DUE_SOON_DAYS
    page: PageNumber = 1


@dataclass
class CaseLine:
    """One case in a console list."""

    appeal: Appeal
    status: str
    last_progress_at: dt.datetime
    due: dt.date
    days_idle: int
    days_overdue: int
    tasks: list[PendingTask] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    holder_ids: list[int | None] = field(default_factory=list)  # who holds each inspector task
    incident_element: str | None = None
    incident_error: str = ""
    incident_code: str | None = None
    incident_params: dict[str, Any] | None = None

    @property
    def days_left(self) -> int:
        return -self.days_overdue


def _earliest_task_due() -> Any:
    """The earliest due date of the case's pending tasks: an index probe per listed case
    (ix_pending_tasks_appeal_id) instead of an aggregate over every pending task of the country."""
    return (
        select(func.min(PendingTask.due_date))
        .where(PendingTask.appeal_id == Appeal.id)
        .correlate(Appeal)
        .scalar_subquery()
        .label("due")
    )


# Every list shows each case's mahalla: read with the cases, not once per mahalla afterwards.
_WITH_MAHALLA = joinedload(Appeal.mahalla)


def _case_query(user: User, filters: Filters, condition: ColumnElement[bool], order: Any) -> Any:
    due = _earliest_task_due()
    return (
        select(
            Appeal,
            ProcessInstance.status,
            ProcessInstance.last_progress_at,
            ProcessInstance.incident_element,
            ProcessInstance.incident_error,
            ProcessInstance.incident_code,
            ProcessInstance.incident_params,
            due,
        )
        .join(ProcessInstance, ProcessInstance.appeal_id == Appeal.id)
        # "is_open = true" (not "IS true") lets the (district_id, is_open, deadline) index serve it.
        .where(appeal_scope(user, resolved=True), filters.condition(), Appeal.is_open == true(), condition)
        .options(_WITH_MAHALLA)
        .order_by(*order)
    )


def _case_lines(user: User, filters: Filters, condition: ColumnElement[bool], order: Any) -> list[CaseLine]:
    rows = db.session.execute(_case_query(user, filters, condition, order).limit(LIST_LIMIT)).all()
    return lines_of(rows)


def lines_of(rows: Sequence[Any]) -> list[CaseLine]:
    """Console lines from rows of a case-list query, with their pending tasks and assignees."""
    today = local_today()
    now = utcnow()
    lines = []
    for appeal, status, progress, element, error, code, params, task_due in rows:
        earliest = min(appeal.deadline, task_due) if task_due is not None else appeal.deadline
        lines.append(
            CaseLine(
                appeal=appeal,
                status=status,
                last_progress_at=progress,
                due=earliest,
                days_idle=(now - as_utc(progress)).days,
                days_overdue=days_overdue(appeal.deadline, task_due, today),
                incident_element=element,
                incident_error=error,
                incident_code=code,
                incident_params=params,
            )
        )
    _attach_tasks(lines)
    return lines


def _attach_tasks(lines: list[CaseLine]) -> None:
    """The pending tasks and assignees of the listed cases, in one query."""
    by_appeal = {line.appeal.id: line for line in lines}
    if not by_appeal:
        return
    rows = db.session.execute(
        select(PendingTask, User.full_name)
        .outerjoin(User, User.id == PendingTask.assignee_id)
        .where(PendingTask.appeal_id.in_(by_appeal))
        .order_by(PendingTask.due_date, PendingTask.name)
    ).all()
    for task, assignee in rows:
        line = by_appeal[task.subject_id]  # an appeal task: its subject is the appeal
        line.tasks.append(task)
        if task.role == Role.INSPECTOR.value:
            line.holder_ids.append(task.assignee_id)
        if assignee and assignee not in line.assignees:
            line.assignees.append(assignee)


def _not_cancelled() -> ColumnElement[bool]:
    return ProcessInstance.status != CANCELLED


def _stuck(days: int) -> tuple[ColumnElement[bool], tuple[Any, ...]]:
    cutoff = utcnow() - dt.timedelta(days=days)
    return (
        and_(_not_cancelled(), ProcessInstance.last_progress_at < cutoff),
        (ProcessInstance.last_progress_at, Appeal.id),
    )


def _overdue() -> tuple[ColumnElement[bool], tuple[Any, ...]]:
    return overdue_condition(local_today()), (Appeal.deadline, Appeal.id)  # the one definition


def _due_soon(days: int) -> tuple[ColumnElement[bool], tuple[Any, ...]]:
    today = local_today()
    horizon = today + dt.timedelta(days=days)
    soon_task = select(PendingTask.id).where(
        PendingTask.appeal_id == Appeal.id, PendingTask.due_date >= today, PendingTask.due_date <= horizon
    )
    condition = and_(
        _not_cancelled(),
        ~overdue_condition(today),
        or_(Appeal.deadline <= horizon, soon_task.exists()),
    )
    return condition, (Appeal.deadline, Appeal.id)


def stuck_cases(user: User, days: int = DEFAULT_STUCK_DAYS, filters: Filters | None = None) -> list[CaseLine]:
    """Open cases that have not moved (no task completed, timer fired or message received) for ``days``."""
    return _case_lines(user, filters or Filters(), *_stuck(days))


def overdue_cases(user: User, filters: Filters | None = None) -> list[CaseLine]:
    """Open cases past their deadline, or with a task past its due date; most overdue first."""
    return _case_lines(user, filters or Filters(), *_overdue())


def due_soon(user: User, days: int = DEFAULT_DUE_SOON_DAYS, filters: Filters | None = None) -> list[CaseLine]:
    """Open cases not yet overdue whose deadline or a task's due date falls within ``days``."""
    return _case_lines(user, filters or Filters(), *_due_soon(days))


def case_list_query(user: User, tab: str, filters: Filters, days: int, soon: int) -> Any:
    """The whole console list ``tab`` (stuck, overdue, due_soon) without the page's limit: for exports,
    whose rows go through ``lines_of`` a batch at a time."""
    condition, order = {"stuck": lambda: _stuck(days), "overdue": _overdue, "due_soon": lambda: _due_soon(soon)}[tab]()
    return _case_query(user, filters, condition, order)


def case_page(user: User, tab: str, filters: Filters, days: int, soon: int, page: int) -> Page:
    """One page (CONSOLE_PAGE_SIZE cases) of the console list ``tab``, as console lines."""
    found = paginate(case_list_query(user, tab, filters, days, soon), page, CONSOLE_PAGE_SIZE)
    return replace(found, items=lines_of(found.items))


def incident_scope(user: User) -> ColumnElement[bool]:
    """Methodologists fix diagrams for everyone: they see every incident; others their territory."""
    if user.role in (Role.METHODOLOGIST.value, Role.ADMIN.value):
        return true()
    return appeal_scope(user, resolved=True)


def incidents(user: User, filters: Filters | None = None) -> list[CaseLine]:
    """Cases whose engine step failed, with the element and the error."""
    rows = db.session.execute(
        select(Appeal, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.appeal_id == Appeal.id)
        .where(incident_scope(user), (filters or Filters()).condition(), ProcessInstance.status == INCIDENT)
        .options(_WITH_MAHALLA)
        .order_by(ProcessInstance.updated_at.desc(), Appeal.id)
        .limit(LIST_LIMIT)
    ).all()
    today = local_today()
    now = utcnow()
    lines = [
        CaseLine(
            appeal=appeal,
            status=record.status,
            last_progress_at=record.last_progress_at,
            due=appeal.deadline,
            days_idle=(now - as_utc(record.last_progress_at)).days,
            days_overdue=(today - appeal.deadline).days,
            incident_element=record.incident_element,
            incident_error=record.incident_error,
            incident_code=record.incident_code,
            incident_params=record.incident_params,
        )
        for appeal, record in rows
    ]
    _attach_tasks(lines)
    return lines


@dataclass(frozen=True)
class SubjectIncident:
    """An incident of a case that is not an appeal (a prevention plan, a notice's approval, …)."""

    kind: str
    subject_id: int
    ref: str
    incident_element: str | None
    incident_error: str
    incident_code: str | None
    incident_params: dict[str, Any] | None
    tasks: list[PendingTask] = field(default_factory=list)


def _subject_incident_scope(user: User) -> ColumnElement[bool]:
    """Methodologists and admins: every one; supervisors: those whose waiting task is in their territory."""
    if user.role in (Role.METHODOLOGIST.value, Role.ADMIN.value):
        return true()
    in_territory = select(PendingTask.instance_id).where(district_scope(user, PendingTask.district_id))
    return ProcessInstance.id.in_(in_territory)


def subject_incidents(user: User, only: tuple[str, int] | None = None) -> list[SubjectIncident]:
    """Cases of the other subject kinds whose engine step failed, newest first, with their waiting
    tasks (``only``: the one of this kind and subject id)."""
    condition = (
        true() if only is None else (ProcessInstance.subject_kind == only[0]) & (ProcessInstance.subject_id == only[1])
    )
    records = db.session.scalars(
        select(ProcessInstance)
        .where(
            ProcessInstance.subject_kind != APPEAL,
            ProcessInstance.status == INCIDENT,
            _subject_incident_scope(user),
            condition,
        )
        .order_by(ProcessInstance.updated_at.desc(), ProcessInstance.id)
        .limit(LIST_LIMIT)
    ).all()
    tasks: dict[int, list[PendingTask]] = {}
    if records:
        waiting = select(PendingTask).where(PendingTask.instance_id.in_([r.id for r in records]))
        for task in db.session.scalars(waiting.order_by(PendingTask.due_date, PendingTask.name)):
            tasks.setdefault(task.instance_id, []).append(task)
    return [
        SubjectIncident(
            kind=record.subject_kind,
            subject_id=record.subject_id,
            ref=reference(record.subject_kind, record.subject_id),
            incident_element=record.incident_element,
            incident_error=record.incident_error,
            incident_code=record.incident_code,
            incident_params=record.incident_params,
            tasks=tasks.get(record.id, []),
        )
        for record in records
    ]


def subject_incident(user: User, kind: str, subject_id: int) -> SubjectIncident | None:
    """One incident of another subject kind the user may retry; None otherwise (callers answer 404)."""
    return next(iter(subject_incidents(user, (kind, subject_id))), None)


def incident_appeal(user: User, number: str) -> Appeal | None:
    """The appeal of an incident case the user may retry; None otherwise (callers answer 404)."""
    return db.session.scalar(
        select(Appeal)
        .join(ProcessInstance, ProcessInstance.appeal_id == Appeal.id)
        .where(Appeal.number == number, incident_scope(user), ProcessInstance.status == INCIDENT)
    )


# --- workload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    inspector: User
    mahallas: tuple[str, ...]
    open_tasks: int
    overdue: int
    completed_this_month: int


def _mahalla_scope(user: User, filters: Filters) -> ColumnElement[bool]:
    """Condition on Mahalla: the caller's territory and the district/mahalla filters."""
    parts: list[ColumnElement[bool]] = []
    if user.role == Role.SUPERVISOR.value:
        if user.district_id is not None:
            parts.append(Mahalla.district_id == user.district_id)
        elif user.region_id is not None:
            parts.append(Mahalla.district_id.in_(select(District.id).where(District.region_id == user.region_id)))
        else:
            parts.append(Mahalla.id.is_(None))
    elif user.role != Role.ADMIN.value:
        parts.append(Mahalla.id.is_(None))
    if filters.district is not None:
        parts.append(Mahalla.district_id == filters.district)
    if filters.mahalla is not None:
        parts.append(Mahalla.id == filters.mahalla)
    return and_(true(), *parts)


def inspectors_in_scope(user: User, filters: Filters | None = None) -> list[tuple[User, tuple[int, ...]]]:
    """Active inspectors serving a mahalla of the territory, with the ids of those mahallas."""
    rows = db.session.execute(
        select(User, Mahalla.id)
        .join(user_mahallas, user_mahallas.c.user_id == User.id)
        .join(Mahalla, Mahalla.id == user_mahallas.c.mahalla_id)
        .where(User.role == Role.INSPECTOR.value, User.active.is_(True), _mahalla_scope(user, filters or Filters()))
        .order_by(User.full_name, User.id, Mahalla.id)
    ).all()
    served: dict[int, tuple[User, list[int]]] = {}
    for inspector, mahalla_id in rows:
        served.setdefault(inspector.id, (inspector, []))[1].append(mahalla_id)
    return [(inspector, tuple(ids)) for inspector, ids in served.values()]


def workload(user: User, filters: Filters | None = None) -> list[Workload]:
    """Per inspector of the territory: open inspector tasks assigned to them or, unassigned, in
    their mahallas; how many of those are overdue; tasks they completed this month."""
    today = local_today()
    month_start = dt.datetime.combine(today.replace(day=1), dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=5)
    people = inspectors_in_scope(user, filters)
    if not people:
        return []
    ids = [inspector.id for inspector, _m in people]
    names = dict(db.session.execute(select(Mahalla.id, Mahalla.name)).all())
    tasks = db.session.execute(
        select(PendingTask.assignee_id, PendingTask.mahalla_id, PendingTask.due_date).where(
            PendingTask.role == Role.INSPECTOR.value,
            or_(PendingTask.assignee_id.in_(ids), PendingTask.mahalla_id.in_({m for _i, ms in people for m in ms})),
        )
    ).all()
    completed = dict(
        db.session.execute(
            select(CaseEvent.actor_id, func.count())
            .where(
                CaseEvent.kind == "task_completed",
                CaseEvent.actor_id.in_(ids),
                CaseEvent.occurred_at >= month_start,
            )
            .group_by(CaseEvent.actor_id)
        ).all()
    )
    result = []
    for inspector, mahallas in people:
        mine = [
            due
            for assignee, mahalla_id, due in tasks
            if assignee == inspector.id or (assignee is None and mahalla_id in mahallas)
        ]
        result.append(
            Workload(
                inspector=inspector,
                mahallas=tuple(names.get(m, "") for m in mahallas),
                open_tasks=len(mine),
                overdue=sum(1 for due in mine if due < today),
                completed_this_month=int(completed.get(inspector.id, 0)),
            )
        )
    return result


# --- filters' choices ---------------------------------------------------------------------------


def districts_in_scope(user: User) -> list[District]:
    """Districts a region supervisor or an admin may filter by (a district supervisor has one)."""
    query = select(District).order_by(District.name)
    if user.role == Role.SUPERVISOR.value:
        if user.district_id is not None:
            return []
        query = query.where(District.region_id == user.region_id)
    elif user.role != Role.ADMIN.value:
        return []
    return list(db.session.scalars(query))


def mahallas_in_scope(user: User) -> list[Mahalla]:
    return list(db.session.scalars(select(Mahalla).where(_mahalla_scope(user, Filters())).order_by(Mahalla.name)))


# --- bulk reassignment ---------------------------------------------------------------------------


class ReassignRefused(ValueError):
    """The whole reassignment is refused; ``code`` says why, ``number`` names the case if any."""

    def __init__(self, code: str, number: str = "") -> None:
        super().__init__(code if not number else f"{code}: {number}")
        self.code = code
        self.number = number


def bulk_reassign(user: User, numbers: Sequence[str], inspector_id: int, reason: str) -> int:
    """Give the inspector tasks of the listed cases to one inspector, all or nothing; commit.

    The inspector must serve every case's mahalla. Logs ``reassigned`` events, tells the new
    assignee by email (outbox) and in the app. Returns the number of tasks really reassigned:
    those the inspector already holds are left alone and not notified (all of them: ``already_holds``).
    """
    reason = reason.strip()
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise ReassignRefused("no_cases")
    if not reason:
        raise ReassignRefused("no_reason")
    inspector = db.session.get(User, inspector_id)
    if inspector is None or inspector.role != Role.INSPECTOR.value or not inspector.active:
        raise ReassignRefused("unknown_inspector")
    appeals = {
        a.number: a
        for a in db.session.scalars(
            select(Appeal).where(Appeal.number.in_(wanted), appeal_scope(user), Appeal.is_open.is_(True))
        )
    }
    tasks: list[PendingTask] = []
    for number in wanted:
        appeal = appeals.get(number)
        if appeal is None:
            raise ReassignRefused("unknown_case", number)
        eligible = eligible_assignees(Role.INSPECTOR.value, appeal.mahalla_id, appeal.district_id)
        if inspector.id not in {u.id for u in eligible}:
            raise ReassignRefused("not_serving", number)
        own = list(
            db.session.scalars(
                select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.role == Role.INSPECTOR.value)
            )
        )
        if not own:
            raise ReassignRefused("no_inspector_task", number)
        tasks.extend(own)
    if not changing(tasks, inspector):
        raise ReassignRefused("already_holds")
    with transaction():
        changed = reassign_checked(user, tasks, inspector, reason)  # the same writer as the task page's
    return len(changed)


# --- status shown on inboxes and task pages --------------------------------------------------------


def case_statuses(appeal_ids: Sequence[int]) -> dict[int, str]:
    """The process status of these appeals' cases (running, suspended, cancelled, incident)."""
    if not appeal_ids:
        return {}
    rows = db.session.execute(
        select(ProcessInstance.appeal_id, ProcessInstance.status).where(ProcessInstance.appeal_id.in_(list(appeal_ids)))
    )
    return {appeal_id: status for appeal_id, status in rows if appeal_id is not None}
