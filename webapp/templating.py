"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_babel import get_locale, get_translations, ngettext
from flask_babel import gettext as _
from jinja2 import pass_context

from webapp.cases import element_names
from webapp.cases.cover.messages import KIND_LABELS as ABSENCE_KINDS
from webapp.cases.notices import notice_text
from webapp.cases.subjects import case_url, task_ref
from webapp.casework.appeals.deadlines import days_left
from webapp.casework.appeals.highlight import highlight, snippet
from webapp.platform import formats, labels
from webapp.platform.auth import roles
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


def version_label(ref: Any) -> str:
    """A process version as every page names it: ``v3``, its number within its lineage (``ref`` a
    ProcessVersion or a view of one with ``number`` and ``id``, or its id as int or text)."""
    from webapp.cases.models import ProcessVersion
    from webapp.cases.versions import version_number

    if isinstance(ref, Mapping):  # a version as the library's JSON-ready views hold it
        number, key = ref.get("number"), ref.get("id")
    elif isinstance(ref, ProcessVersion) or hasattr(ref, "number"):  # a version or a view of one
        number, key = ref.number, ref.id
    else:
        try:
            key = int(ref)
        except (TypeError, ValueError):
            return str(ref)
        cache = g.setdefault("_mahalla_version_numbers", {}) if has_request_context() else {}
        if key not in cache:
            cache[key] = version_number(key)
        number = cache[key]
    return f"v{number}" if number else f"#{key}"


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


def per_reader(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result depends on the reader's language: never evaluated at compile time.

    Jinja folds a filter applied to a constant (``'urgent'|urgency_label``) once, when it compiles
    the template, in the language of the first request; marking the filter as needing the context
    keeps it per request.
    """

    @pass_context
    def filtered(_context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        return function(value, *args, **kwargs)

    return filtered


# Filters whose text comes from the catalogues or the locale data.
_PER_READER = (
    "status_label kind_label category_label urgency_label channel_label role_label stage_label event_label "
    "link_reason_label task_label event_task_label lane_label task_lane_label days_left date long_date datetime "
    "number percent duration notice_text translate absence_kind"
).split()


def register(app: Flask) -> None:
    _install_gettext(app)
    app.jinja_env.filters.update(
        status_label=lambda code: labels.label(labels.STATUS, code),
        kind_label=lambda code: labels.label(labels.KIND, code),
        category_label=lambda code: labels.label(labels.CATEGORY, code),
        urgency_label=lambda code: labels.label(labels.URGENCY, code),
        channel_label=lambda code: labels.label(labels.CHANNEL, code),
        role_label=roles.role_label,
        task_lane_label=element_names.task_lane_label,
        stage_label=lambda code: labels.label(labels.STAGE, code),
        event_label=lambda code: labels.label(labels.EVENT, code),
        link_reason_label=lambda code: labels.label(labels.LINK_REASON, code),
        deadline_state=deadline_state,
        days_left=days_left_text,
        date=formats.short_date,
        long_date=formats.long_date,
        iso_date=formats.iso_date,
        datetime=formats.short_datetime,
        number=formats.number,
        percent=formats.percent,
        duration=formats.duration,
        notice_text=notice_text,
        highlight=highlight,
        snippet=snippet,
        translate=lambda text: request_translations().ugettext(text) if text else "",
        version_label=version_label,
        absence_kind=lambda code: str(ABSENCE_KINDS.get(code, code)),
        task_label=element_names.task_label,
        event_task_label=element_names.event_task_label,
        lane_label=element_names.lane_label,
    )
    for name in _PER_READER:
        app.jinja_env.filters[name] = per_reader(app.jinja_env.filters[name])
    app.jinja_env.globals["element_label"] = element_names.element_label
    # A stored incident (a case's, or a console line's) in the reader's language.
    app.jinja_env.globals["case_url"] = case_url
    app.jinja_env.globals["task_ref"] = task_ref
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
