"""Absences with a substitute (temporary cover).

- ``record_absence``: a supervisor (or admin) records an absence; a cover running today moves the
  absent user's open tasks to the substitute at once (each a "reassigned" case event with the reason);
- ``run_covers`` (the worker's job): starts the covers that begin today, ends those that ended;
- ``end_cover``: ends a cover early. Ending gives back the moved tasks that are still open and
  still held by the substitute since the move, and the tasks the cover gave the substitute
  automatically, when the absence asked for it (``return_tasks``).

Refusals carry the API's field names (``user``, ``from``, ``to``, ``substitute``, ``reason``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from webapp.cases.assignment.eligibility import district_inspectors_condition, heads
from webapp.cases.assignment.service import reassign_checked, refresh_absence_flags
from webapp.cases.cover.scope import running
from webapp.cases.models import CaseEvent, CoverMove, PendingTask, UserAbsence
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction

KINDS = ("leave", "sick", "training", "other")
REASON_MAX = 500
COVER_ROLES = (Role.INSPECTOR.value, Role.YOUTH_ADVISER.value)


class CoverRefused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class NewAbsence:
    user: User | None
    starts_on: dt.date
    ends_on: dt.date
    substitute: User | None = None
    kind: str = "leave"
    reason: str = ""
    return_tasks: bool = True


# --- who may do what ------------------------------------------------------------------------------


def district_of(user: User) -> int | None:
    """The district an inspector works in (their first mahalla's), or a supervisor's district."""
    if user.district_id is not None:
        return user.district_id
    query = (
        select(Mahalla.district_id)
        .join(user_mahallas, user_mahallas.c.mahalla_id == Mahalla.id)
        .where(user_mahallas.c.user_id == user.id)
        .limit(1)
    )
    return db.session.scalar(query)


def manages(actor: User, user: User) -> bool:
    """Admins manage everyone; a supervisor the inspectors and advisers of their territory."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.SUPERVISOR or user.role not in COVER_ROLES:
        return False
    district = district_of(user)
    return district is not None and heads(actor, district)


def _overlaps(user_id: int, starts_on: dt.date, ends_on: dt.date) -> bool:
    query = select(UserAbsence.id).where(
        UserAbsence.user_id == user_id,
        UserAbsence.ended_at.is_(None),
        UserAbsence.starts_on <= ends_on,
        UserAbsence.ends_on >= starts_on,
    )
    return db.session.scalar(query.limit(1)) is not None


def _check(actor: User, new: NewAbsence) -> None:
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise CoverRefused("not_supervisor")
    user = new.user
    if user is None or not user.active:
        raise CoverRefused("unknown_user", "user")
    if user.role not in COVER_ROLES:
        raise CoverRefused("wrong_role", "user")
    if not manages(actor, user):
        raise CoverRefused("wrong_territory", "user")
    if new.ends_on < new.starts_on:
        raise CoverRefused("ends_before_start", "to")
    if new.kind not in KINDS:
        raise CoverRefused("unknown_kind", "kind")
    if len(new.reason) > REASON_MAX:
        raise CoverRefused("reason_too_long", "reason")
    if _overlaps(user.id, new.starts_on, new.ends_on):
        raise CoverRefused("overlapping", "from")
    if new.substitute is not None:
        _check_substitute(actor, user, new)


def _check_substitute(actor: User, user: User, new: NewAbsence) -> None:
    substitute = new.substitute
    assert substitute is not None
    if not substitute.active:
        raise CoverRefused("unknown_user", "substitute")
    if substitute.id == user.id:
        raise CoverRefused("same_user", "substitute")
    if substitute.role != user.role:
        raise CoverRefused("wrong_role", "substitute")
    district = district_of(user)
    in_district = select(User.id).where(User.id == substitute.id, district_inspectors_condition(district or 0))
    if not manages(actor, substitute) or (user.role == Role.INSPECTOR and db.session.scalar(in_district) is None):
        raise CoverRefused("wrong_territory", "substitute")
    if _overlaps(substitute.id, new.starts_on, new.ends_on):
        raise CoverRefused("substitute_absent", "substitute")


# --- recording and ending -----------------------------------------------------------------------


def record_absence(actor: User, new: NewAbsence, *, today: dt.date | None = None) -> tuple[UserAbsence, int]:
    """Record the absence; a cover running today moves the tasks at once. Returns (absence, moved)."""
    _check(actor, new)
    assert new.user is not None
    day = today or local_today()
    absence = UserAbsence(
        user_id=new.user.id,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        kind=new.kind,
        reason=new.reason.strip(),
        substitute_id=new.substitute.id if new.substitute else None,
        return_tasks=new.return_tasks,
        created_by_id=actor.id,
    )
    with transaction():
        db.session.add(absence)
        db.session.flush()
        moved = _start(absence, actor) if new.starts_on <= day <= new.ends_on else 0
        record("absence_recorded", "absence", absence.id, actor_id=actor.id, after=_audit_view(absence))
    refresh_absence_flags(day)
    return absence, moved


def _audit_view(absence: UserAbsence) -> dict[str, object]:
    return {
        "user_id": absence.user_id,
        "from": absence.starts_on,
        "to": absence.ends_on,
        "substitute_id": absence.substitute_id,
        "kind": absence.kind,
        "reason": absence.reason,
    }


def _cover_reason(absence: UserAbsence) -> str:
    return f"cover:{absence.id} {absence.kind} {absence.starts_on.isoformat()}..{absence.ends_on.isoformat()}"


def _start(absence: UserAbsence, actor: User | None) -> int:
    """Move the absent user's open tasks to the substitute (the caller commits)."""
    absence.tasks_moved_at = utcnow()
    substitute = db.session.get(User, absence.substitute_id) if absence.substitute_id else None
    if substitute is None:
        return 0
    tasks = list(db.session.scalars(select(PendingTask).where(PendingTask.assignee_id == absence.user_id)))
    reassign_checked(actor, tasks, substitute, _cover_reason(absence))
    db.session.flush()
    db.session.add_all(CoverMove(absence_id=absence.id, task_id=t.id, moved_at=t.assigned_at) for t in tasks)
    return len(tasks)


def _returnable(absence: UserAbsence) -> list[PendingTask]:
    """Open tasks the cover gave the substitute that nobody changed since."""
    moved = select(CoverMove.id).where(
        CoverMove.absence_id == absence.id,
        CoverMove.task_id == PendingTask.id,
        CoverMove.moved_at == PendingTask.assigned_at,
    )
    absent_mahallas = select(user_mahallas.c.mahalla_id).where(user_mahallas.c.user_id == absence.user_id)
    own_mahallas = select(user_mahallas.c.mahalla_id).where(user_mahallas.c.user_id == absence.substitute_id)
    handed = select(CaseEvent.id).where(
        CaseEvent.task_id == PendingTask.id, CaseEvent.kind.in_(("reassigned", "delegated", "claimed"))
    )
    auto_assigned = and_(
        PendingTask.mahalla_id.in_(absent_mahallas),
        PendingTask.mahalla_id.not_in(own_mahallas),
        PendingTask.assigned_at >= absence.tasks_moved_at,
        ~exists(handed),
    )
    query = select(PendingTask).where(PendingTask.assignee_id == absence.substitute_id, exists(moved) | auto_assigned)
    return list(db.session.scalars(query))


def _finish(absence: UserAbsence, actor: User | None) -> int:
    """Give the tasks back (when asked) and close the cover (the caller commits)."""
    absence.returned_at = utcnow()
    owner = db.session.get(User, absence.user_id)
    if not absence.return_tasks or absence.tasks_moved_at is None or absence.substitute_id is None or owner is None:
        return 0
    tasks = _returnable(absence)
    reassign_checked(actor, tasks, owner, f"cover_end:{absence.id}")
    return len(tasks)


def end_cover(actor: User, absence: UserAbsence, *, today: dt.date | None = None) -> int:
    """End an absence (and its cover) early; returns how many tasks went back."""
    day = today or local_today()
    if absence.ended_at is not None or absence.ends_on < day:
        raise CoverRefused("already_ended")
    with transaction():
        absence.ended_at = utcnow()
        returned = _finish(absence, actor) if absence.tasks_moved_at is not None else 0
        record("absence_ended", "absence", absence.id, actor_id=actor.id, after={"tasks_returned": returned})
    refresh_absence_flags(day)
    return returned


def run_covers(today: dt.date | None = None) -> dict[str, int]:
    """The worker's job: start the covers due today, finish those past their last day (idempotent)."""
    day = today or local_today()
    started = finished = 0
    due = select(UserAbsence).where(running(day), UserAbsence.tasks_moved_at.is_(None))
    for absence in db.session.scalars(due).all():
        started += _start(absence, None)
        db.session.commit()
    over = select(UserAbsence).where(
        UserAbsence.ends_on < day,
        UserAbsence.ended_at.is_(None),
        UserAbsence.tasks_moved_at.is_not(None),
        UserAbsence.returned_at.is_(None),
    )
    for absence in db.session.scalars(over).all():
        finished += _finish(absence, None)
        db.session.commit()
    return {"moved": started, "returned": finished}


# --- reading ----------------------------------------------------------------------------------------


def stand_in(user_id: int, today: dt.date | None = None) -> int:
    """Who takes the user's new named tasks today (a task of a subject assigned by name, such as a
    plan's responsible inspector): the substitute of a cover running today, or the user."""
    query = select(UserAbsence.substitute_id).where(
        UserAbsence.user_id == user_id, UserAbsence.substitute_id.is_not(None), running(today or local_today())
    )
    return db.session.scalar(query.limit(1)) or user_id


def absence_for(actor: User, absence_id: int) -> UserAbsence | None:
    """The absence when the actor manages its user (None otherwise: callers answer 404)."""
    absence = db.session.get(UserAbsence, absence_id)
    if absence is None:
        return None
    user = db.session.get(User, absence.user_id)
    return absence if user is not None and (manages(actor, user) or actor.id == user.id) else None


def current_and_future(actor: User, *, district_id: int | None = None) -> list[UserAbsence]:
    """Absences not yet over, of the people the actor manages (in one district when given)."""
    day = local_today()
    query = select(UserAbsence).where(UserAbsence.ends_on >= day, UserAbsence.ended_at.is_(None))
    rows = [a for a in db.session.scalars(query.order_by(UserAbsence.starts_on, UserAbsence.id))]
    result = []
    for absence in rows:
        user = db.session.get(User, absence.user_id)
        if user is None or not (manages(actor, user) or actor.id == user.id):
            continue
        if district_id is not None and district_of(user) != district_id:
            continue
        result.append(absence)
    return result


def district_by_code(code: str) -> District | None:
    return db.session.scalar(select(District).where(District.code == code)) if len(code) <= 20 else None
