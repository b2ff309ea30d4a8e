"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_babel import format_date, format_datetime, get_locale, get_translations, ngettext
from flask_babel import gettext as _

from webapp.casework.appeals.deadlines import days_left
from webapp.platform import labels
from webapp.platform.engine_messages import incident_message
from webapp.platform.timeutil import local_today

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


def request_translations() -> Any:
    """The request's catalogue, looked up once per request.

    Flask-Babel resolves the domain, the context and the locale again for every string a template
    translates; a page of fifty tasks asks for hundreds of strings.
    """
    if not has_request_context():
        return get_translations()
    found = g.get("_mahalla_translations")
    if found is None:
        found = g._mahalla_translations = get_translations()
    return found


def _install_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def register(app: Flask) -> None:
    _install_gettext(app)
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
        translate=lambda text: request_translations().ugettext(text) if text else "",
    )
    # A stored incident (a case's, or a console line's) in the reader's language.
    app.jinja_env.globals["incident_message"] = lambda case: incident_message(
        case.incident_code, case.incident_params, case.incident_error
    )

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale() or "uz"),
            "languages": current_app.config["LANGUAGES"],
            "language_names": {"uz": "O'zbekcha", "ru": "Русский", "en": "English"},
        }
