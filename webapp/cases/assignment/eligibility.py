"""Who may take a task: ONE function, ``may_take``, that every assignment path calls.

- a user of the task's role serving its mahalla (their own, or one they cover today) or, for
  supervisor tasks, heading its district or region: allowed;
- when a supervisor hands work out (``district_wide``): any active inspector working in the task's
  district, with the warning ``not_serving`` when they do not serve the mahalla;
- a supervisor of the task's district or region taking an inspector task themself (when nobody
  else can): allowed with the warning ``supervisor_takes`` (the caller logs a reason);
- anyone else: refused with ``unknown_user``, ``wrong_role`` or ``wrong_territory``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select

from webapp.cases.cover.scope import covering_substitutes
from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import Role, User, user_mahallas
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today

NOT_SERVING = "not_serving"
SUPERVISOR_TAKES = "supervisor_takes"


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    code: str = ""  # the refusal (when not allowed) or the warning (when allowed)

    @property
    def warning(self) -> str:
        return self.code if self.allowed else ""


def serves(role: str, mahalla_id: Any, district_id: Any, today: Any = None) -> ColumnElement[bool]:
    """Condition on User: active users of the lane's role serving this mahalla (or covering
    someone who does on ``today``, by default the local day) / heading this district or its region.
    The territory and the day may be values or statement parameters."""
    active = User.active.is_(True) & (User.role == role)
    if role == Role.INSPECTOR.value:
        serving = select(user_mahallas.c.user_id).where(user_mahallas.c.mahalla_id == mahalla_id)
        return active & (
            User.id.in_(serving) | User.id.in_(covering_substitutes(serving, local_today() if today is None else today))
        )
    if role == Role.SUPERVISOR.value:
        region = select(District.region_id).where(District.id == district_id).scalar_subquery()
        return active & (
            (User.district_id == district_id) | ((User.district_id.is_(None)) & (User.region_id == region))
        )
    return false()


def candidates(task: PendingTask) -> list[User]:
    """Users who may hold the task without a warning: its lane's role, serving its territory."""
    query = select(User).where(serves(task.role, task.mahalla_id, task.district_id)).order_by(User.full_name)
    return list(db.session.scalars(query))


def _is_candidate(user: User, task: PendingTask) -> bool:
    query = select(User.id).where(User.id == user.id, serves(task.role, task.mahalla_id, task.district_id))
    return db.session.scalar(query) is not None


def district_inspectors_condition(district_id: int) -> ColumnElement[bool]:
    """Condition on User: active inspectors serving any mahalla of the district (or covering)."""
    in_district = select(user_mahallas.c.user_id).join(Mahalla, Mahalla.id == user_mahallas.c.mahalla_id)
    serving = in_district.where(Mahalla.district_id == district_id)
    return (
        User.active.is_(True)
        & (User.role == Role.INSPECTOR.value)
        & (User.id.in_(serving) | User.id.in_(covering_substitutes(serving, local_today())))
    )


def district_inspectors(district_id: int) -> list[User]:
    query = select(User).where(district_inspectors_condition(district_id)).order_by(User.full_name)
    return list(db.session.scalars(query))


def offered(task: PendingTask) -> list[tuple[User, str]]:
    """Whom a supervisor is offered for the task: the candidates, then (inspector tasks) every other
    inspector of the district with the warning ``not_serving``."""
    people = [(user, "") for user in candidates(task)]
    if task.role == Role.INSPECTOR.value:
        seen = {user.id for user, _warning in people}
        people += [(user, NOT_SERVING) for user in district_inspectors(task.district_id) if user.id not in seen]
    return people


def heads(user: User, district_id: int) -> bool:
    """Whether the supervisor heads the district or its region."""
    if user.role != Role.SUPERVISOR:
        return False
    if user.district_id is not None:
        return user.district_id == district_id
    region = db.session.scalar(select(District.region_id).where(District.id == district_id))
    return user.region_id is not None and user.region_id == region


def may_take(
    user: User | None, task: PendingTask, *, by: User | None = None, district_wide: bool = False
) -> Eligibility:
    """Whether ``user`` may hold ``task``: taking it themself (``by`` None), or given it by ``by``;
    with ``district_wide`` a supervisor is handing it out (see the module's rules)."""
    if user is None or not user.active:
        return Eligibility(False, "unknown_user")
    if user.role == task.role and _is_candidate(user, task):
        return Eligibility(True)
    if task.role == Role.INSPECTOR.value and user.role == Role.SUPERVISOR.value and by is None:
        if heads(user, task.district_id):
            return Eligibility(True, SUPERVISOR_TAKES)
        return Eligibility(False, "wrong_territory")
    if user.role != task.role:
        return Eligibility(False, "wrong_role")
    if district_wide and task.role == Role.INSPECTOR.value:
        query = select(User.id).where(User.id == user.id, district_inspectors_condition(task.district_id))
        if db.session.scalar(query) is not None:
            return Eligibility(True, NOT_SERVING)
    return Eligibility(False, "wrong_territory")


def not_serving(user: User | None, tasks: list[PendingTask], *, by: User) -> int:
    """How many of the tasks ``user`` may take only with the ``not_serving`` warning."""
    return sum(1 for task in tasks if may_take(user, task, by=by, district_wide=True).warning == NOT_SERVING)
