"""Authentication: passwords for the web UI, hashed bearer tokens for the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.platform.audit.service import record_now
from webapp.platform.auth import tokens
from webapp.platform.auth.lockout import Lock, lock_of, record_failure
from webapp.platform.auth.models import User

# Verifying a password for an unknown user costs the same as for a known one.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def landing_endpoint(user: User) -> str:
    """Where a signed-in user starts: inspectors and supervisors in their inbox, others on their area."""
    if user.has_role("inspector", "supervisor"):
        return "tasks.inbox"
    if user.role == "youth_adviser":
        return "prevention_work.youth_list"
    if user.has_role("methodologist"):
        return "process_library.library"
    if user.has_role("partner", "mahalla_chair"):
        return "partners.home"
    return "appeals.index"


def _password_matches(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return user.active and check_password_hash(user.password_hash, password)


@dataclass(frozen=True)
class SignIn:
    user: User | None
    lock: Lock


def authenticate(username: str, password: str, address: str = "") -> SignIn:
    """Check a sign-in: refused while the account or address is locked (even with the right password);
    every attempt goes to the audit log (failed, locked, succeeded)."""
    name = username.strip().lower()[:80]
    user = user_by_username(name)
    lock = lock_of(name, address)
    if lock.locked:
        record_now("login_locked", "user", name, actor_id=user.id if user else None)
        return SignIn(None, lock)
    if not _password_matches(user, password):
        lock = record_failure(name, address)
        record_now("login_failed", "user", name, actor_id=user.id if user else None)
        return SignIn(None, lock)
    assert user is not None
    record_now("login_succeeded", "user", name, actor_id=user.id)
    return SignIn(user, lock)


def issue_token(user: User, name: str = "") -> str:
    """Create a full-scope token for the user, commit, and return it once (the CLI and tests)."""
    return tokens.issue(user, name)


def user_for_token(token: str) -> User | None:
    found = tokens.token_for(token)
    return found[0] if found else None


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.commit()
