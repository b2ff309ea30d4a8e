"""The approval reminder: a notice that waits for the supervisor longer than the approval task's
norm (``norm`` of ``approve_notice`` in processes/notices) reminds the district's supervisors once —
an in-app notification and an e-mail through the outbox, each in the supervisor's language.

Run by the background job ``remind_notice_approvals``; one transaction per notice.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.cases.models import Notification, ProcessInstance, ProcessVersion
from webapp.cases.notices import render_notice
from webapp.cases.versions import library_for
from webapp.casework.appeals.deadlines import add_term
from webapp.cooperation.notices.approval import APPROVAL_TASK, DEFAULT_NORM, KIND
from webapp.cooperation.notices.models import NoticeStatus, PreventionNotice
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.notifications.service import queue_message
from webapp.platform.territory.models import District
from webapp.platform.timeutil import as_utc, local_today, utcnow
from webapp.platform.transaction import transaction


def approval_due(notice: PreventionNotice, version: ProcessVersion) -> dt.datetime:
    """When the approval should be done: the notice's creation plus the approval task's norm."""
    info = library_for(version).user_tasks.get(APPROVAL_TASK)
    norm = (info.properties.get("norm") if info is not None else None) or DEFAULT_NORM
    created = as_utc(notice.created_at)
    try:
        days = add_term(created.date(), norm) - created.date()
    except ValueError:
        days = add_term(created.date(), DEFAULT_NORM) - created.date()
    return created + days


def reviewers(notice: PreventionNotice) -> list[User]:
    """The district's active supervisors; the region's heads when the district has none."""
    supervisors = select(User).where(User.role == Role.SUPERVISOR.value, User.active.is_(True)).order_by(User.id)
    found = list(db.session.scalars(supervisors.where(User.district_id == notice.district_id)))
    if found:
        return found
    region = select(District.region_id).where(District.id == notice.district_id).scalar_subquery()
    return list(db.session.scalars(supervisors.where(User.district_id.is_(None), User.region_id == region)))


def _remind(notice: PreventionNotice) -> None:
    from webapp import current_app_languages

    languages = current_app_languages()
    params = {"notice_id": notice.id, "title": notice.title, "since": local_today(notice.created_at).isoformat()}
    link = f"/notices/{notice.id}"
    for user in reviewers(notice):
        with force_locale(user.language if user.language in languages else languages[0]):
            text = render_notice("notice_approval", params)
            subject = _("Reminder: a prevention notice waits for your approval")
        db.session.add(Notification(user_id=user.id, kind="notice_approval", params=params, text=text, link=link))
        if user.email:
            queue_message(None, "email", user.email, f"{text}\n{link}", subject=subject)
    notice.reminded_at = utcnow()


def remind_notice_approvals(now: dt.datetime | None = None, limit: int = 100) -> int:
    """Remind of each notice whose approval is past its norm and not yet reminded; how many."""
    moment = now or utcnow()
    waiting = db.session.execute(
        select(PreventionNotice, ProcessInstance.process_version_id)
        .join(
            ProcessInstance,
            (ProcessInstance.subject_kind == KIND) & (ProcessInstance.subject_id == PreventionNotice.id),
        )
        .where(PreventionNotice.status == NoticeStatus.AWAITING_APPROVAL, PreventionNotice.reminded_at.is_(None))
        .order_by(PreventionNotice.created_at, PreventionNotice.id)
        .limit(limit)
    ).all()
    reminded = 0
    for notice, version_id in waiting:
        version = db.session.get(ProcessVersion, version_id)
        if version is None or approval_due(notice, version) > moment:
            continue
        with transaction():
            locked = db.session.scalar(
                select(PreventionNotice)
                .where(
                    PreventionNotice.id == notice.id,
                    PreventionNotice.status == NoticeStatus.AWAITING_APPROVAL,
                    PreventionNotice.reminded_at.is_(None),
                )
                .with_for_update()
            )
            if locked is not None:
                _remind(locked)
                reminded += 1
    return reminded
