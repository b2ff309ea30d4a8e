"""User-facing messages for the engine's field error codes, in the user's language."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from engine import FieldError
from webapp.platform.engine_messages import MESSAGES, problem_message
from webapp.platform.formats import short_date


def _day(value: object) -> str:
    try:
        return short_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def field_error_message(error: FieldError) -> str:
    params = error.params
    messages = {
        "required": lambda: _("This field is required."),
        "unknown_field": lambda: _("This form has no such field."),
        "not_boolean": lambda: _("Choose yes or no."),
        "not_integer": lambda: _("Enter a whole number."),
        "not_date": lambda: _("Enter a date as YYYY-MM-DD."),
        "not_a_choice": lambda: _("Choose one of the offered options."),
        "not_text": lambda: _("Enter text."),
        "too_short": lambda: _("Enter at least %(min)s characters.", min=params.get("min")),
        "too_long": lambda: _("Enter at most %(max)s characters.", max=params.get("max")),
        "too_small": lambda: _("The value must be at least %(min)s.", min=params.get("min")),
        "too_large": lambda: _("The value must be at most %(max)s.", max=params.get("max")),
        "data.field_too_large": lambda: _("This value is larger than %(kb)s KB.", kb=params.get("limit_kb")),
        "data.too_large": lambda: _("The case data would be larger than %(kb)s KB.", kb=params.get("limit_kb")),
        "data.too_deep": lambda: _("This value is nested deeper than %(limit)s levels.", limit=params.get("limit")),
        "date_too_early": lambda: _("The date cannot be before %(min)s.", min=_day(params.get("min"))),
        "date_too_late": lambda: _("The date cannot be after %(max)s.", max=_day(params.get("max"))),
        "decision_required": lambda: _("Choose “Approve” or “Return with comments”."),
        "comment_required": lambda: _("Write what must be changed: returning needs a comment."),
        "file_empty": lambda: _("The file is empty."),
        "file_too_large": lambda: _("A file may not be larger than %(mb)s MB.", mb=params.get("max_mb")),
        "file_type_not_allowed": lambda: _(
            "This kind of file is not accepted here; allowed: %(types)s.", types=params.get("types")
        ),
        "too_many_files": lambda: _("Choose at most %(max)s files.", max=params.get("max")),
        "not_file_references": lambda: _("Choose the files in the form."),
        "file_upload_only": lambda: _("Files are sent as files (multipart/form-data), not as a value of the field."),
    }
    factory = messages.get(error.code)
    return factory() if factory else _("The value is not valid.")


def unplaced_error_message(error: FieldError) -> str:
    """A field error about no field the form shows (case data a submission would take over its
    limit, at one of the case's own fields): the engine's sentence, which names the field."""
    if error.code in MESSAGES:
        return problem_message(error.code, error.params)
    return f"{error.field}: {field_error_message(error)}"
