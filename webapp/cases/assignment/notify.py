"""Tell a user a task is theirs now: an in-app notification and an e-mail through the outbox."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from webapp.cases.models import Notification, PendingTask
from webapp.cases.notices import render_notice
from webapp.cases.subjects import task_ref
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.service import queue_message
from webapp.platform.timeutil import utcnow
from webapp.platform.write_batch import insert_rows


def _task_link(task_id: str) -> str:
    try:
        return url_for("tasks.task", task_id=task_id, _external=False)
    except RuntimeError:  # no request and no SERVER_NAME (a background job)
        return f"/tasks/{task_id}"


def notify_assignee(task: PendingTask, user: User, actor: User | None) -> None:
    """Queue both notifications in the caller's transaction (never to the actor themself)."""
    if actor is not None and actor.id == user.id:
        return
    from webapp import current_app_languages

    languages = current_app_languages()
    with force_locale(user.language if user.language in languages else languages[0]):
        text = render_notice(
            "assigned", {"title": task.title, "number": task_ref(task), "due": task.due_date.isoformat()}
        )
        subject = _("New task: %(title)s", title=_(task.title))
    link = _task_link(task.id)
    params = {"title": task.title, "number": task_ref(task), "due": task.due_date.isoformat()}
    row = {"user_id": user.id, "appeal_id": task.appeal_id, "kind": "assigned", "params": params, "text": text}
    insert_rows(Notification.__table__, [{**row, "link": link}])
    if user.email:
        queue_message(task.appeal, "email", user.email, text, subject=subject)


def unread_count(user: User) -> int:
    query = select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return int(db.session.scalar(query) or 0)


def notifications_of(user: User, limit: int = 100) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
