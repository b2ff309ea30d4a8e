"""The password policy: long enough, not the username, not a common password. Demo accounts
(``MAHALLA_DEMO=1``) keep the documented password ``demo`` and are exempt."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
PASSWORD_MAX = 200

PROBLEMS = {
    "too_short": _l("The password is too short (at least %(num)d characters)."),
    "too_long": _l("The password is too long (200 characters at most)."),
    "contains_username": _l("The password must not contain the username."),
    "common": _l("This password is too common; choose another."),
    "one_character": _l("The password must not be one character repeated."),
}


@cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def policy_problems(password: str, username: str) -> list[str]:
    """Codes of the policy rules the password breaks (empty: acceptable)."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    problems = []
    if len(password) < minimum:
        problems.append("too_short")
    if len(password) > PASSWORD_MAX:
        problems.append("too_long")
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append("contains_username")
    if lowered in _common() or lowered.rstrip("0123456789!") in _common():
        problems.append("common")
    if password and len(set(password)) == 1:
        problems.append("one_character")
    return problems


def problem_message(code: str) -> str:
    return str(PROBLEMS[code]) % {"num": int(current_app.config["PASSWORD_MIN_LENGTH"])}
