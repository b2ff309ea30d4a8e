"""Writing, approving and listing prevention notices.

The approval runs on the engine: each notice starts an instance of
``processes/notices/prevention_notice.bpmn`` whose one user task (the supervisor's approval) is
the notice's ``task_id``; completing it ends the instance, and an approved notice is queued to
its mahallas' subscribers in the same transaction (``delivery.queue_notice``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import selectinload

from engine import EngineStepFailed, Instance, TaskNotReady
from webapp.cases.models import ProcessVersion
from webapp.cases.versions import current_version, library_for, register_bundled_lineage
from webapp.cooperation.notices.delivery import queue_notice
from webapp.cooperation.notices.models import PreventionNotice, notice_mahallas
from webapp.cooperation.notices.reminders import approval_due, approval_title
from webapp.extensions import db
from webapp.intake.attachments.files import Upload
from webapp.intake.attachments.service import stage_file
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction

NOTICE_PROCESS = "prevention_notice"
register_bundled_lineage(NOTICE_PROCESS, "notices")  # processes/notices, published like the others
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


def notice_version() -> ProcessVersion:
    """The newest published notice diagram; on an empty database, publish the bundled one."""
    return current_version(NOTICE_PROCESS)


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
    due: dt.date
    task_title: str  # the approval task's default name in the notice's diagram


def approvals_for(user: User, limit: int = 50) -> list[ApprovalLine]:
    """The supervisor's inbox panel: notices of their territory waiting for approval, oldest first."""
    if user.role != Role.SUPERVISOR.value:
        return []
    waiting = db.session.scalars(
        select(PreventionNotice)
        .where(_scope(user), PreventionNotice.status == "awaiting_approval")
        .options(selectinload(PreventionNotice.mahallas))
        .order_by(PreventionNotice.created_at, PreventionNotice.id)
        .limit(limit)
    ).all()
    used = {n.process_version_id for n in waiting}
    versions = {v.id: v for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(used)))}
    return [
        ApprovalLine(
            n,
            local_today(approval_due(n, versions[n.process_version_id])),
            approval_title(versions[n.process_version_id]),
        )
        for n in waiting
    ]


def may_review(user: User, notice: PreventionNotice) -> bool:
    return user.role == Role.SUPERVISOR.value and notice.status == "awaiting_approval" and notice.task_id is not None


def create_notice(
    author: User, mahallas: list[Mahalla], data: NoticeData, attachment: Upload | None = None
) -> PreventionNotice:
    """Write a notice (with its optional file) for mahallas of one district and start its approval; commit."""
    assert mahallas and len({m.district_id for m in mahallas}) == 1
    try:
        with transaction():
            version = notice_version()
            instance = Instance.start(library_for(version), {"title": data.title})
            notice = PreventionNotice(
                district_id=mahallas[0].district_id,
                author_id=author.id,
                title=data.title,
                text_uz=data.text_uz,
                text_ru=data.text_ru,
                valid_from=data.valid_from,
                valid_until=data.valid_until,
                status="awaiting_approval",
                process_version_id=version.id,
                state=instance.serialize(),
                task_id=next(iter(instance.ready_user_tasks())).id,
            )
            notice.mahallas = mahallas
            if attachment is not None:
                notice.attachment_key = stage_file(attachment)  # removed again if the commit fails
                notice.attachment_name = attachment.filename
                notice.attachment_type = attachment.content_type
                notice.attachment_size = attachment.size
            db.session.add(notice)
    except EngineStepFailed:
        raise NoticeConflict("the diagram failed") from None
    return notice


def review_notice(notice: PreventionNotice, reviewer: User, approved: bool, comment: str) -> int:
    """The supervisor's decision; an approved notice is queued to its subscribers. Returns the
    number of messages queued; commits. Raises NoticeConflict when already reviewed."""
    with transaction():
        locked = db.session.scalar(select(PreventionNotice).where(PreventionNotice.id == notice.id).with_for_update())
        if locked is None or locked.status != "awaiting_approval" or locked.task_id is None:
            raise NoticeConflict("already reviewed")
        version = db.session.get(ProcessVersion, locked.process_version_id)
        assert version is not None
        instance = Instance.restore(library_for(version), locked.state)
        try:
            instance.complete(locked.task_id, {"notice_approved": approved, "supervisor_comment": comment})
        except (TaskNotReady, EngineStepFailed):
            raise NoticeConflict("the approval could not be completed") from None
        locked.state = instance.serialize()
        locked.task_id = None
        locked.status = "approved" if instance.current_data().get("notice_approved") else "returned"
        locked.reviewer_id = reviewer.id
        locked.reviewed_at = utcnow()
        locked.review_comment = comment
        queued = queue_notice(locked) if locked.status == "approved" else 0
    return queued


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
                PreventionNotice.status == "approved",
                PreventionNotice.valid_from <= day,
                PreventionNotice.valid_until >= day,
            )
            .order_by(PreventionNotice.valid_from.desc(), PreventionNotice.id.desc())
            .limit(50)
        )
    )
