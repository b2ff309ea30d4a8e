"""Writing, approving and listing prevention notices.

The approval runs on the case runtime (``notices.approval``): each notice starts an instance of
``processes/notices/prevention_notice.bpmn`` whose one user task (the supervisor's approval) waits
in the shared pending-task projection; completing it ends the instance, and an approved notice is
queued to its mahallas' subscribers in the same transaction (``delivery.queue_notice``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import selectinload

from engine import TaskNotReady
from webapp.cases.instances import Conflict, StepFailed
from webapp.cases.models import PendingTask
from webapp.cooperation.notices import approval
from webapp.cooperation.notices.models import NoticeStatus, PreventionNotice, notice_mahallas
from webapp.extensions import db
from webapp.intake.attachments.files import Upload
from webapp.intake.attachments.service import stage_file
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today
from webapp.platform.transaction import transaction

AUTHOR_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value)


class NoticeConflict(Exception):
    """The notice was reviewed meanwhile, or the diagram failed (nothing was saved)."""


@dataclass(frozen=True)
class NoticeData:
    title: str
    text_uz: str
    text_ru: str
    valid_from: dt.date
    valid_until: dt.date


def _scope(user: User) -> ColumnElement[bool]:
    """Notices the user sees: their own (inspector), their district or region (supervisor), all (admin)."""
    if user.role == Role.ADMIN.value:
        return true()
    if user.role == Role.INSPECTOR.value:
        return PreventionNotice.author_id == user.id
    if user.role == Role.SUPERVISOR.value:
        if user.district_id is not None:
            return PreventionNotice.district_id == user.district_id
        if user.region_id is not None:
            regional = select(District.id).where(District.region_id == user.region_id).scalar_subquery()
            return PreventionNotice.district_id.in_(regional)
    return false()


def notices_query(user: User) -> Select[tuple[PreventionNotice]]:
    return (
        select(PreventionNotice)
        .where(_scope(user))
        .options(selectinload(PreventionNotice.mahallas))
        .order_by(PreventionNotice.created_at.desc(), PreventionNotice.id.desc())
    )


def notice_for(user: User, notice_id: int) -> PreventionNotice | None:
    return db.session.scalar(select(PreventionNotice).where(PreventionNotice.id == notice_id, _scope(user)))


@dataclass(frozen=True)
class ApprovalLine:
    """A notice waiting for the supervisor's approval, as the inbox lists it."""

    notice: PreventionNotice
    task: PendingTask  # the approval task (its due date and its name in the reader's language)


def approvals_for(user: User, limit: int = 50) -> list[ApprovalLine]:
    """The supervisor's inbox panel: the approval tasks of their territory, oldest first."""
    tasks = approval.approval_tasks_for(user, limit)
    ids = {task.subject_id for task in tasks}
    notices = {
        n.id: n
        for n in db.session.scalars(
            select(PreventionNotice)
            .where(PreventionNotice.id.in_(ids), _scope(user))
            .options(selectinload(PreventionNotice.mahallas))
        )
    }
    return [ApprovalLine(notices[task.subject_id], task) for task in tasks if task.subject_id in notices]


def may_review(user: User, notice: PreventionNotice) -> bool:
    return (
        user.role == Role.SUPERVISOR.value
        and notice.status == NoticeStatus.AWAITING_APPROVAL
        and review_task(user, notice) is not None
    )


def review_task(user: User, notice: PreventionNotice) -> PendingTask | None:
    """The notice's waiting approval task if the user may complete it."""
    waiting = approval.waiting_task(notice.id)
    return approval.approval_task_for(user, waiting.id) if waiting is not None else None


def create_notice(
    author: User, mahallas: list[Mahalla], data: NoticeData, attachment: Upload | None = None
) -> PreventionNotice:
    """Write a notice (with its optional file) for mahallas of one district and start its approval; commit."""
    assert mahallas and len({m.district_id for m in mahallas}) == 1
    try:
        with transaction():
            notice = PreventionNotice(
                district_id=mahallas[0].district_id,
                author_id=author.id,
                title=data.title,
                text_uz=data.text_uz,
                text_ru=data.text_ru,
                valid_from=data.valid_from,
                valid_until=data.valid_until,
                status=NoticeStatus.AWAITING_APPROVAL,
            )
            notice.mahallas = mahallas
            if attachment is not None:
                notice.attachment_key = stage_file(attachment)  # removed again if the commit fails
                notice.attachment_name = attachment.filename
                notice.attachment_type = attachment.content_type
                notice.attachment_size = attachment.size
            db.session.add(notice)
            db.session.flush()
            approval.start_approval(notice, author)
    except StepFailed:
        raise NoticeConflict("the diagram failed") from None
    return notice


def review_notice(notice: PreventionNotice, reviewer: User, approved: bool, comment: str) -> int:
    """The supervisor's decision; an approved notice is queued to its subscribers. Returns the
    number of messages queued; commits. Raises NoticeConflict when already reviewed, or when the
    diagram failed (the approval is then an incident: fixed, migrated and retried)."""
    task = review_task(reviewer, notice)
    if task is None:
        raise NoticeConflict("already reviewed")
    try:
        return approval.complete_approval(task, reviewer, {"notice_approved": approved, "supervisor_comment": comment})
    except (Conflict, TaskNotReady, StepFailed):
        raise NoticeConflict("the approval could not be completed") from None


def public_notice(mahalla: Mahalla, notice_id: int, today: dt.date | None = None) -> PreventionNotice | None:
    """One notice the mahalla's public page shows (approved, valid today); None otherwise."""
    return next((n for n in current_notices(mahalla, today) if n.id == notice_id), None)


def current_notices(mahalla: Mahalla, today: dt.date | None = None) -> list[PreventionNotice]:
    """Approved notices of the mahalla valid today (its public page)."""
    day = today or local_today()
    in_mahalla = select(notice_mahallas.c.notice_id).where(notice_mahallas.c.mahalla_id == mahalla.id)
    return list(
        db.session.scalars(
            select(PreventionNotice)
            .where(
                PreventionNotice.id.in_(in_mahalla),
                PreventionNotice.status == NoticeStatus.APPROVED,
                PreventionNotice.valid_from <= day,
                PreventionNotice.valid_until >= day,
            )
            .order_by(PreventionNotice.valid_from.desc(), PreventionNotice.id.desc())
            .limit(50)
        )
    )
