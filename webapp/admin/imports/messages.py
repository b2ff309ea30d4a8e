"""The import's refusals in the user's language (file-level and row-level codes)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

FILE_REFUSALS = {
    "empty": _l("The file is empty."),
    "no_kind_column": _l("The first row must name the columns, among them \u201ckind\u201d."),
    "unknown_columns": _l("Unknown columns: %(columns)s."),
    "too_many_rows": _l("The file has more than %(limit)d rows."),
    "not_utf8": _l("Save the CSV file as UTF-8."),
    "not_xlsx": _l("The XLSX file cannot be read."),
    "unknown_format": _l("Upload a .csv or .xlsx file."),
}

ROW_REFUSALS = {
    "unknown_kind": _l("Unknown kind \u201c%(value)s\u201d: use region, district, mahalla or staff."),
    "bad_code": _l("The code must be 1 to 20 Latin letters, digits, dots, hyphens or underscores."),
    "duplicate": _l("The same code or username is on line %(line)d already."),
    "name_required": _l("The name is missing."),
    "name_too_long": _l("A name is longer than 200 characters."),
    "bad_status": _l("Unknown status: use active, merged, renamed or abolished."),
    "unknown_parent": _l("The parent \u201c%(parent)s\u201d is neither in the file nor in the system."),
    "bad_username": _l("The username must be 1 to 80 lower-case Latin letters, digits, dots, hyphens or underscores."),
    "full_name_required": _l("The full name is missing or too long."),
    "unknown_role": _l("Unknown role \u201c%(role)s\u201d."),
    "bad_email": _l("The e-mail address is not valid."),
    "unknown_mahalla": _l("Give the mahallas served; unknown codes: %(codes)s."),
    "unknown_district": _l("Give one district or region code this supervisor heads (got \u201c%(codes)s\u201d)."),
    "role_not_importable": _l("Partner staff are created on the people page, where their organisation is chosen."),
    "too_many_mahallas": _l("A mahalla chair serves exactly one mahalla."),
    "serves_not_allowed": _l("This role serves no territory: leave \u201cserves\u201d empty."),
}

ACTIONS = {
    "create": _l("create"),
    "update": _l("change"),
    "unchanged": _l("unchanged"),
    "refused": _l("refused"),
}


def _format(template: Any, params: dict[str, Any]) -> str:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def file_message(code: str, params: dict[str, Any]) -> str:
    return _format(FILE_REFUSALS.get(code, code), params)


def row_message(code: str, params: dict[str, Any]) -> str:
    return _format(ROW_REFUSALS.get(code, code), params)
