"""Who works on a task: candidates, automatic assignment, claim, unclaim, delegation,
reassignment (one or many), absences and the flags they raise.

Rule for completing: only the assignee may complete a task, or anyone of its role and territory
while it is unassigned; a supervisor who wants someone else's task done reassigns it first.
Every change is a case event and the new assignee is notified (in the app and by e-mail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, bindparam, false, func, select, update
from sqlalchemy.orm import joinedload

from webapp.cases.assignment.eligibility import candidates as candidates
from webapp.cases.assignment.eligibility import may_take, serves
from webapp.cases.assignment.notify import notify_assignee
from webapp.cases.cover.scope import absent_user_ids, running
from webapp.cases.events import log_event
from webapp.cases.instances import Subject, log_subject_event
from webapp.cases.models import PendingTask, UserAbsence
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.statements import built_once
from webapp.platform.territory.models import District
from webapp.platform.territory.service import task_scope
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import commit, transaction

REASON_MAX = 500


class AssignmentRefused(Exception):
    """The change is not allowed; ``field`` and ``code`` name the problem (nothing was changed)."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


# --- territory ---------------------------------------------------------------------------------


def _region_district_ids(region_id: int) -> Any:
    return select(District.id).where(District.region_id == region_id).scalar_subquery()


def supervised_tasks(user: User) -> ColumnElement[bool]:
    """Condition on PendingTask: every task (any lane) in the supervisor's district or region."""
    if user.role != Role.SUPERVISOR:
        return false()
    if user.district_id is not None:
        return PendingTask.district_id == user.district_id
    if user.region_id is not None:
        return PendingTask.district_id.in_(_region_district_ids(user.region_id))
    return false()


def supervised_task(user: User, task_id: str) -> PendingTask | None:
    if len(task_id) > 36:
        return None
    return db.session.scalar(select(PendingTask).where(PendingTask.id == task_id, supervised_tasks(user)))


def territory_tasks(user: User, *, flagged_only: bool = False, limit: int = 500) -> list[PendingTask]:
    """Open tasks of every lane in the supervisor's territory, nearest deadline first."""
    query = select(PendingTask).where(supervised_tasks(user))
    if flagged_only:
        query = query.where(PendingTask.needs_reassignment.is_(True))
    query = query.options(joinedload(PendingTask.appeal), joinedload(PendingTask.assignee))
    return list(db.session.scalars(query.order_by(PendingTask.due_date, PendingTask.created_at).limit(limit)))


def supervises_task(user: User, task: PendingTask) -> bool:
    return user.role == Role.SUPERVISOR and supervised_task(user, task.id) is not None


def eligible_assignees(role: str, mahalla_id: int, district_id: int) -> list[User]:
    """Active users of a lane's role serving the mahalla (or covering for someone who does) or its
    district / region: ``eligibility.serves``, the one rule of who may take a task."""
    query = select(User).where(serves(role, mahalla_id, district_id)).order_by(User.full_name)
    return list(db.session.scalars(query))


def changing(tasks: Sequence[PendingTask], to: User) -> list[PendingTask]:
    """The tasks a reassignment to ``to`` would really change (those ``to`` does not hold yet)."""
    return [task for task in tasks if task.assignee_id != to.id]


def _absent_ids(today: dt.date) -> Any:
    return absent_user_ids(today)


def is_absent(user: User, today: dt.date | None = None) -> bool:
    day = today or local_today()
    return bool(db.session.scalar(select(func.count()).where(UserAbsence.user_id == user.id, running(day))))


def auto_assignee(
    role: str, mahalla_id: int, district_id: int, today: dt.date | None = None, finished: Collection[str] = ()
) -> User | None:
    """The mahalla's responsible inspector: serving it, not absent today, fewest open tasks (not
    counting ``finished``: the tasks the same step finishes, whose rows are still there).

    Supervisor tasks are not assigned automatically: any supervisor of the territory claims them.
    """
    if role != Role.INSPECTOR.value:
        return None
    values = {"mahalla_id": mahalla_id, "today": today or local_today(), "finished": sorted(finished)}
    return db.session.scalar(built_once(("auto_assignee",), _auto_assignee_query), values)


def _auto_assignee_query() -> Any:
    """The inspector query of auto_assignee, its values parameters (built once: every completion
    that creates an inspector's task asks it)."""
    today = bindparam("today", type_=Date)
    counted = (PendingTask.assignee_id == User.id) & PendingTask.id.not_in(bindparam("finished", expanding=True))
    open_tasks = select(func.count(PendingTask.id)).where(counted).correlate(User).scalar_subquery()
    mahalla = bindparam("mahalla_id", type_=Integer)
    return (
        select(User)
        .where(serves(Role.INSPECTOR.value, mahalla, None, today), User.id.not_in(absent_user_ids(today)))
        .order_by(open_tasks, User.id)
        .limit(1)
    )


# --- changes -----------------------------------------------------------------------------------


def _log(task: PendingTask, kind: str, actor: User | None, **data: Any) -> None:
    if task.appeal is not None:
        log_event(task.appeal, kind, actor, task=task, data=data)
    else:
        log_subject_event(Subject(task.subject_kind, task.subject_id), kind, actor, task=task, data=data)


def _set_assignee(task: PendingTask, user: User | None) -> None:
    task.assignee_id = user.id if user else None
    task.assigned_at = utcnow() if user else None
    task.needs_reassignment = bool(user) and is_absent(user)  # type: ignore[arg-type]


def _clean_reason(reason: str, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise AssignmentRefused("reason_required", "reason")
    if len(text) > REASON_MAX:
        raise AssignmentRefused("reason_too_long", "reason")
    return text


def check_candidate(
    task: PendingTask, user: User | None, *, by: User | None = None, district_wide: bool = False
) -> User:
    """The user if they may hold the task (``eligibility.may_take``); AssignmentRefused naming why not."""
    verdict = may_take(user, task, by=by, district_wide=district_wide)
    if not verdict.allowed:
        raise AssignmentRefused(verdict.code, "user")
    assert user is not None
    return user


def user_by_username(username: str) -> User | None:
    if not username or len(username) > 80:
        return None
    return db.session.scalar(select(User).where(User.username == username))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def claim(user: User, task: PendingTask) -> None:
    """Take an unassigned task (the caller has checked role and territory)."""
    if task.assignee_id == user.id:
        return
    if task.assignee_id is not None:
        raise AssignmentRefused("held_by_other")
    # Guarded update: two people claiming at once → one wins, the other is refused.
    with transaction():
        result = db.session.execute(
            update(PendingTask)
            .where(PendingTask.id == task.id, PendingTask.assignee_id.is_(None))
            .values(assignee_id=user.id, assigned_at=utcnow(), needs_reassignment=False)
            .execution_options(synchronize_session="fetch")
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise AssignmentRefused("held_by_other")
        _log(task, "claimed", user, assignee=user.username)


def unclaim(user: User, task: PendingTask) -> None:
    """Hand a task back to the pool of its role and territory."""
    if task.assignee_id != user.id:
        raise AssignmentRefused("not_yours")
    _set_assignee(task, None)
    _log(task, "unclaimed", user, previous=user.username)
    commit()


def delegate(user: User, task: PendingTask, to: User | None, reason: str = "") -> None:
    """The assignee hands the task to a colleague who may hold it."""
    if task.assignee_id != user.id:
        raise AssignmentRefused("not_yours")
    target = check_candidate(task, to, by=user)
    if target.id == user.id:
        raise AssignmentRefused("same_user", "user")
    text = _clean_reason(reason, required=False)
    _set_assignee(task, target)
    _log(task, "delegated", user, assignee=target.username, previous=user.username, reason=text)
    notify_assignee(task, target, user)
    commit()


@dataclass(frozen=True)
class _Change:
    task: PendingTask
    previous: User | None


def reassign_checked(actor: User | None, tasks: Sequence[PendingTask], to: User, reason: str) -> list[PendingTask]:
    """Give already-checked tasks to ``to``: events and one notification per real change (a task
    ``to`` already holds is left alone); the caller commits. Returns the tasks changed."""
    changed = changing(tasks, to)
    for task in changed:
        _reassign_one(actor, task, to, reason)
    return changed


def _reassign_one(supervisor: User | None, task: PendingTask, to: User, reason: str, warning: str = "") -> None:
    previous = db.session.get(User, task.assignee_id) if task.assignee_id else None
    _set_assignee(task, to)
    extra = {"warning": warning} if warning else {}
    _log(
        task,
        "reassigned",
        supervisor,
        assignee=to.username,
        previous=previous.username if previous else None,
        reason=reason,
        **extra,
    )
    notify_assignee(task, to, supervisor)


def reassign(supervisor: User, task: PendingTask, to: User | None, reason: str) -> None:
    """A supervisor of the task's territory gives it to a candidate, with a reason."""
    bulk_reassign(supervisor, [task.id], to, reason)


def bulk_reassign(
    supervisor: User, task_ids: Sequence[str], to: User | None, reason: str, *, allow_self: bool = False
) -> list[PendingTask]:
    """Reassign many tasks at once: all of them, or (on any bad id or candidate) none.

    Any inspector of the district is offered (a warning is logged when they do not serve the
    mahalla); with ``allow_self`` the supervisor may take inspector tasks themself. Returns the tasks
    really changed; those the chosen user already holds are not touched, logged or notified, and when
    that is all of them the change is refused (``already_holds``).
    """
    if supervisor.role != Role.SUPERVISOR:
        raise AssignmentRefused("not_supervisor")
    text = _clean_reason(reason, required=True)
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise AssignmentRefused("no_tasks", "tasks")
    tasks = list(db.session.scalars(select(PendingTask).where(PendingTask.id.in_(ids), supervised_tasks(supervisor))))
    if len(tasks) != len(ids):
        raise AssignmentRefused("unknown_task", "tasks")
    by = None if allow_self and to is not None and to.id == supervisor.id else supervisor
    verdicts = {task.id: may_take(to, task, by=by, district_wide=True) for task in tasks}
    refused = next((v for v in verdicts.values() if not v.allowed), None)
    if refused is not None:
        raise AssignmentRefused(refused.code, "user")
    assert to is not None
    changed = changing(tasks, to)
    if not changed:
        raise AssignmentRefused("already_holds", "user")
    with transaction():
        for task in changed:
            _reassign_one(supervisor, task, to, text, warning=verdicts[task.id].warning)
    return changed


def take(supervisor: User, task: PendingTask, reason: str) -> None:
    """A supervisor of the task's territory takes it themself (when nobody else can), with a reason."""
    if supervisor.role != Role.SUPERVISOR:
        raise AssignmentRefused("not_supervisor")
    text = _clean_reason(reason, required=True)
    check_candidate(task, supervisor)
    _reassign_one(supervisor, task, supervisor, text)
    commit()


def set_follow_up(user: User, task: PendingTask, day: dt.date | None) -> None:
    """The assignee notes when to look at the task again (None clears it)."""
    if task.assignee_id != user.id:
        raise AssignmentRefused("not_yours")
    task.follow_up_date = day
    _log(task, "follow_up_set", user, follow_up=day.isoformat() if day else None)
    commit()


def may_complete(user: User, task: PendingTask) -> bool:
    return task.assignee_id is None or task.assignee_id == user.id


def held_by_other(user: User, task_id: str) -> bool:
    """Whether the task is of the user's role and territory but assigned to someone else."""
    if len(task_id) > 36:
        return False
    query = select(PendingTask.assignee_id).where(PendingTask.id == task_id, task_scope(user))
    assignee = db.session.scalar(query)
    return assignee is not None and assignee != user.id


def may_complete_condition(user: User) -> ColumnElement[bool]:
    """Condition on PendingTask: the tasks the user may complete as far as assignment goes."""
    return PendingTask.assignee_id.is_(None) | (PendingTask.assignee_id == user.id)


# --- absences ----------------------------------------------------------------------------------


def supervises_user(actor: User, user: User) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.SUPERVISOR:
        return False
    return user.id in {u.id for u in team(actor)}


def team(supervisor: User) -> list[User]:
    """The inspectors and supervisors working in the supervisor's territory (admins: everyone)."""
    query = select(User).where(User.active.is_(True), User.role.in_(("inspector", "supervisor")))
    if supervisor.role == Role.ADMIN:
        return list(db.session.scalars(query.order_by(User.full_name)))
    if supervisor.district_id is not None:
        districts: Any = select(District.id).where(District.id == supervisor.district_id)
    elif supervisor.region_id is not None:
        districts = select(District.id).where(District.region_id == supervisor.region_id)
    else:
        return [supervisor]
    from webapp.platform.territory.models import Mahalla

    served = (
        select(user_mahallas.c.user_id)
        .join(Mahalla, Mahalla.id == user_mahallas.c.mahalla_id)
        .where(Mahalla.district_id.in_(districts))
    )
    in_territory = User.id.in_(served) | User.district_id.in_(districts) | (User.id == supervisor.id)
    if supervisor.region_id is not None and supervisor.district_id is None:
        in_territory = in_territory | (User.region_id == supervisor.region_id)
    return list(db.session.scalars(query.where(in_territory).order_by(User.full_name)))


def mark_absent(actor: User, user: User, starts_on: dt.date, ends_on: dt.date, reason: str = "") -> UserAbsence:
    """Record an absence (by the user themself, their supervisor or an admin) and flag their tasks."""
    if actor.id != user.id and not supervises_user(actor, user):
        raise AssignmentRefused("not_permitted", "user")
    if ends_on < starts_on:
        raise AssignmentRefused("ends_before_start", "ends_on")
    text = _clean_reason(reason, required=False)
    absence = UserAbsence(user_id=user.id, starts_on=starts_on, ends_on=ends_on, reason=text, created_by_id=actor.id)
    db.session.add(absence)
    db.session.flush()
    _flag(local_today())
    commit()
    return absence


def absences_for(actor: User) -> list[tuple[UserAbsence, User]]:
    """Current and future absences of the actor's team."""
    ids = [u.id for u in team(actor)] if actor.role in (Role.SUPERVISOR, Role.ADMIN) else [actor.id]
    rows = db.session.execute(
        select(UserAbsence, User)
        .join(User, User.id == UserAbsence.user_id)
        .where(UserAbsence.user_id.in_(ids), UserAbsence.ends_on >= local_today())
        .order_by(UserAbsence.starts_on, User.full_name)
    )
    return [(absence, user) for absence, user in rows]


def _flag(today: dt.date) -> int:
    absent = _absent_ids(today)
    raised = db.session.execute(
        update(PendingTask)
        .where(PendingTask.assignee_id.in_(absent), PendingTask.needs_reassignment.is_(False))
        .values(needs_reassignment=True)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(PendingTask)
        .where(
            PendingTask.needs_reassignment.is_(True),
            PendingTask.assignee_id.is_(None) | PendingTask.assignee_id.not_in(absent),
        )
        .values(needs_reassignment=False)
        .execution_options(synchronize_session=False)
    )
    return int(raised.rowcount or 0)  # type: ignore[attr-defined]


def refresh_absence_flags(today: dt.date | None = None) -> int:
    """Flag the tasks of users absent today for reassignment (and clear stale flags); the count flagged."""
    with transaction():
        count = _flag(today or local_today())
    return count
