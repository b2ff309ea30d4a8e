"""A supervisor extends an appeal's deadline once, by at most a month (Law on Appeals, Art. 28).

One transaction: the appeal's extension columns and deadline, the due dates of its pending tasks,
the case's version counter (so a task completed concurrently on the old deadline is refused as a
conflict), the ``deadline_extended`` event and the notice to the applicant.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from webapp.cases.events import log_event
from webapp.cases.models import PendingTask, ProcessInstance
from webapp.casework.appeals.deadlines import ExtensionRefused, check_extension, extension_target, task_due_date
from webapp.casework.appeals.models import Appeal
from webapp.casework.legal_terms import notices
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.service import notify_applicant
from webapp.platform.territory.service import appeal_scope
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import transaction

REASON_MIN = 10
REASON_MAX = 1000
# Refusals that are about the state of the case, not the input (the API answers 409).
CONFLICTS = frozenset({"closed", "already_extended", "changed"})


class NotPermitted(Exception):
    """The user is not a supervisor (``role``) or the appeal is outside their territory (``territory``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def may_extend(user: User, appeal: Appeal) -> bool:
    """Whether the extension form applies: a supervisor, an open appeal never extended.
    (The territory is the caller's: the case page shows only appeals the user may see.)"""
    return user.role == Role.SUPERVISOR.value and appeal.is_open and appeal.extended_until is None


def _in_territory(user: User, appeal: Appeal) -> bool:
    return db.session.scalar(select(Appeal.id).where(Appeal.id == appeal.id, appeal_scope(user))) is not None


def check_reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if len(cleaned) < REASON_MIN:
        raise ExtensionRefused("reason_short", "reason")
    if len(cleaned) > REASON_MAX:
        raise ExtensionRefused("reason_long", "reason")
    return cleaned


def extend_deadline(
    appeal: Appeal,
    supervisor: User,
    *,
    reason: str,
    until: dt.date | None = None,
    months: int | None = None,
) -> Appeal:
    """Extend the deadline to ``until`` (or by ``months``) and commit; raise without changing anything.

    Raises NotPermitted (not a supervisor of the appeal's territory) or ExtensionRefused (the law
    or the case's state does not allow it; ``code`` and ``field`` say why).
    """
    with transaction():
        if supervisor.role != Role.SUPERVISOR.value:
            raise NotPermitted("role")
        if not _in_territory(supervisor, appeal):
            raise NotPermitted("territory")
        if not appeal.is_open:
            raise ExtensionRefused("closed")
        previous = appeal.deadline
        new_date = extension_target(previous, until=until, months=months)
        cleaned = check_reason(reason)
        check_extension(appeal.registered_on, previous, new_date, already_extended=appeal.extended_until is not None)
        _write(appeal, supervisor, previous, new_date, cleaned)
    return appeal


def _write(appeal: Appeal, supervisor: User, previous: dt.date, new_date: dt.date, reason: str) -> None:
    # Guarded by what we read: only once, only open, only from the deadline the supervisor saw.
    result = db.session.execute(
        update(Appeal.__table__)
        .where(
            Appeal.id == appeal.id,
            Appeal.extended_until.is_(None),
            Appeal.is_open.is_(True),
            Appeal.deadline == previous,
        )
        .values(
            extended_until=new_date,
            extension_reason=reason,
            extended_by_id=supervisor.id,
            deadline=new_date,
            updated_at=utcnow(),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ExtensionRefused("changed")
    db.session.execute(
        update(ProcessInstance.__table__)
        .where(ProcessInstance.appeal_id == appeal.id)
        .values(version=ProcessInstance.version + 1)
    )
    db.session.expire(appeal)
    for task in db.session.scalars(select(PendingTask).where(PendingTask.appeal_id == appeal.id)):
        task.due_date = task_due_date(task.name, appeal)
    subject, body = notices.extension(appeal)
    sent = notify_applicant(appeal, subject, body)
    log_event(
        appeal,
        "deadline_extended",
        supervisor,
        data={
            "previous": previous.isoformat(),
            "until": new_date.isoformat(),
            "reason": reason,
            "notified": sorted(m.channel for m in sent),
        },
    )
