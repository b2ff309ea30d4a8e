"""In-app notifications are stored as a type (``kind``) and parameters and put into words when
read, in the reader's language — never frozen in the language of whoever triggered them.

``notice_text`` renders one; ``NOTICES`` lists what each kind needs. A row without parameters (or
of an unknown kind) shows its stored text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from webapp.cases.models import Notification
from webapp.platform.formats import short_date


def _day(value: Any) -> str:
    try:
        return short_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


NOTICES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "assigned": lambda p: _(
        "Task \u201c%(title)s\u201d of appeal %(number)s is assigned to you. Deadline: %(due)s.",
        title=_(str(p["title"])),
        number=p["number"],
        due=_day(p["due"]),
    ),
    "reminder": lambda p: _(
        "The deadline of appeal %(number)s is %(deadline)s. Please finish your task in time.",
        number=p["number"],
        deadline=_day(p["deadline"]),
    ),
    "referral_reminder": lambda p: _(
        "The referral of appeal %(number)s to your organisation waits for you (due %(due)s). Please answer it.",
        number=p["number"],
        due=_day(p["due"]),
    ),
    "referral_sent": lambda p: _(
        "Appeal %(number)s is referred to your organisation. Please acknowledge it by %(due)s.",
        number=p["number"],
        due=_day(p["due"]),
    ),
    "escalation": lambda p: _(
        "Appeal %(number)s is overdue (deadline %(deadline)s). Decide: reassign, extend or instruct.",
        number=p["number"],
        deadline=_day(p["deadline"]),
    ),
    "notice_approval": lambda p: _(
        "The prevention notice \u201c%(title)s\u201d has waited for your approval since %(since)s.",
        title=p["title"],
        since=_day(p["since"]),
    ),
}


def render_notice(kind: str, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The notice in the current locale; ``fallback`` when its kind or parameters are unknown."""
    render = NOTICES.get(kind)
    if render is None or not params:
        return fallback
    try:
        return render(params)
    except KeyError:
        return fallback


def notice_text(notification: Notification) -> str:
    return render_notice(notification.kind, notification.params, notification.text)
