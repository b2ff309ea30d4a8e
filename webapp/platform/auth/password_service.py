"""Changing, resetting and first setting passwords.

- ``change_password``: the user, with their current password, under the policy;
- ``reset_password``: an admin; the account gets no usable password and a one-time set-password
  link is sent through the outbox (the user chooses one, then signs in);
- ``send_set_password_link`` is also how imported staff get their first password.
Each is one transaction with its audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import PasswordLink, User
from webapp.platform.auth.passwords import policy_problems
from webapp.platform.notifications.service import placeholder, queue_message
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import transaction

LINK_PREFIX = "mhp_"
LINK_LIFETIME = dt.timedelta(days=3)


class PasswordRefused(Exception):
    def __init__(self, codes: list[str], field: str = "new_password") -> None:
        super().__init__(",".join(codes))
        self.codes = codes
        self.field = field


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _exempt(user: User) -> bool:
    """The demo (MAHALLA_DEMO=1) is exempt from the policy: its accounts keep ``demo``."""
    return bool(current_app.config.get("MAHALLA_DEMO"))


def _store(user: User, new_password: str, actor: User | None, action: str) -> None:
    problems = policy_problems(new_password, user.username)
    if problems and not _exempt(user):
        raise PasswordRefused(problems)
    user.password_hash = generate_password_hash(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    record(action, "user", user.id, actor_id=actor.id if actor else user.id)


def change_password(user: User, current: str, new_password: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise PasswordRefused(["wrong_current"], "current_password")
    with transaction():
        _store(user, new_password, user, "password_changed")


def _link_url(token: str) -> str:
    """The link: absolute in a request; outside one (the CLI, a job) from ``PUBLIC_BASE_URL``."""
    if has_request_context():
        return url_for("account.set_password", token=token, _external=True)
    return f"{current_app.config.get('PUBLIC_BASE_URL', '').rstrip('/')}/set-password/{token}"


def send_set_password_link(user: User, actor: User | None) -> str | None:
    """Queue a one-time set-password link to the user's e-mail (the caller commits); the token, or
    None when the user has no e-mail address (an admin hands the link over another way)."""
    token = LINK_PREFIX + secrets.token_urlsafe(32)
    db.session.add(PasswordLink(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + LINK_LIFETIME))
    languages = current_app.config["LANGUAGES"]
    with force_locale(user.language if user.language in languages else languages[0]):
        subject = _("Set your Mahalla password")
        body = _(
            "Open this link to set your password (valid for 3 days, once): %(link)s\nUsername: %(username)s",
            link=_link_url(token),
            username=user.username,
        )
    record("password_link_sent", "user", user.id, actor_id=actor.id if actor else None)
    if user.email:
        # The link is a secret: stored apart, put into the e-mail at delivery, erased once delivered.
        queue_message(None, "email", user.email, body, subject=subject, secrets={"link": _link_url(token)})
    return token


def reset_password(user: User, actor: User) -> str | None:
    """An admin resets the password: the old one stops working, a set-password link goes out, and
    the user must choose a new one. Returns the link token (shown to the admin when there is no e-mail)."""
    with transaction():
        user.password_hash = ""
        user.must_change_password = True
        record("password_reset", "user", user.id, actor_id=actor.id)
        token = send_set_password_link(user, actor)
    return token


def link_user(token: str) -> tuple[PasswordLink, User] | None:
    """The unused, unexpired link and its active user."""
    if not token.startswith(LINK_PREFIX) or len(token) > 200:
        return None
    row = db.session.execute(
        select(PasswordLink, User)
        .join(User, User.id == PasswordLink.user_id)
        .where(
            PasswordLink.token_hash == _digest(token),
            PasswordLink.used_at.is_(None),
            PasswordLink.expires_at > utcnow(),
            User.active.is_(True),
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def set_with_link(link: PasswordLink, user: User, new_password: str) -> None:
    with transaction():
        _store(user, new_password, None, "password_set_by_link")
        link.used_at = utcnow()


def bulk_set_password_links(user_ids: list[int], actor_id: int | None) -> int:
    """Set-password links for many new users at once (an import); the caller commits. Users without an
    e-mail address get none (an admin sends one from their page later). Returns how many were queued."""
    from sqlalchemy import insert

    from webapp.platform.notifications.models import OutboxMessage

    users = [
        u
        for start in range(0, len(user_ids), 2000)
        for u in db.session.scalars(
            select(User).where(User.id.in_(user_ids[start : start + 2000]), User.email.is_not(None))
        )
    ]
    now, languages = utcnow(), current_app.config["LANGUAGES"]
    links, messages = [], []
    for user in users:
        token = LINK_PREFIX + secrets.token_urlsafe(32)
        links.append(
            {"user_id": user.id, "token_hash": _digest(token), "created_at": now, "expires_at": now + LINK_LIFETIME}
        )
        with force_locale(user.language if user.language in languages else languages[0]):
            subject = _("Set your Mahalla password")
            body = _(
                "Open this link to set your password (valid for 3 days, once): %(link)s\nUsername: %(username)s",
                link=placeholder("link"),
                username=user.username,
            )
        messages.append(
            {
                "channel": "email",
                "recipient": user.email,
                "subject": subject,
                "body": body,
                "status": "pending",
                "attempts": 0,
                "last_error": "",
                "next_attempt_at": now,
                "created_at": now,
                "secrets": {"link": _link_url(token)},  # put in at delivery, erased once delivered
            }
        )
    for start in range(0, len(links), 2000):
        db.session.execute(insert(PasswordLink.__table__), links[start : start + 2000])
        db.session.execute(insert(OutboxMessage.__table__), messages[start : start + 2000])
    return len(links)
