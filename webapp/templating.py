"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import gettext as _

from webapp import labels
from webapp.appeals.deadlines import days_left
from webapp.timeutil import local_today

DUE_SOON_DAYS = 3


def deadline_state(deadline: dt.date | None, is_open: bool = True) -> str:
    """'overdue', 'soon' or 'ok': drives the colour of deadline badges."""
    if deadline is None or not is_open:
        return "ok"
    left = days_left(deadline, local_today())
    if left < 0:
        return "overdue"
    if left <= DUE_SOON_DAYS:
        return "soon"
    return "ok"


def days_left_text(deadline: dt.date | None) -> str:
    if deadline is None:
        return ""
    left = days_left(deadline, local_today())
    if left < 0:
        return ngettext("%(num)d day overdue", "%(num)d days overdue", -left)
    if left == 0:
        return _("due today")
    return ngettext("%(num)d day left", "%(num)d days left", left)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        status_label=lambda code: labels.label(labels.STATUS, code),
        kind_label=lambda code: labels.label(labels.KIND, code),
        category_label=lambda code: labels.label(labels.CATEGORY, code),
        urgency_label=lambda code: labels.label(labels.URGENCY, code),
        channel_label=lambda code: labels.label(labels.CHANNEL, code),
        role_label=lambda code: labels.label(labels.ROLE, code),
        stage_label=lambda code: labels.label(labels.STAGE, code),
        event_label=lambda code: labels.label(labels.EVENT, code),
        link_reason_label=lambda code: labels.label(labels.LINK_REASON, code),
        deadline_state=deadline_state,
        days_left=days_left_text,
        date=lambda value: format_date(value, "medium") if value else "",
        datetime=lambda value: format_datetime(value, "short") if value else "",
        translate=lambda text: _(text) if text else "",
    )

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale() or "uz"),
            "languages": current_app.config["LANGUAGES"],
            "language_names": {"uz": "O'zbekcha", "ru": "Русский", "en": "English"},
        }
