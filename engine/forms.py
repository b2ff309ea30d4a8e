"""Form definitions read from ``camunda:formData`` and validation of submitted values.

The definitions are plain frozen dataclasses so the web layer can build WTForms classes and
API schemas from them without touching SpiffWorkflow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import FieldError, FormInvalid, Problem
from engine.form_files import FileRules, coerce_references, file_option_problems, file_rules

FIELD_TYPES = ("string", "long", "boolean", "date", "enum", "file")
CONSTRAINTS = ("required", "readonly", "minlength", "maxlength", "min", "max")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class FieldOption:
    id: str
    label: str


@dataclass(frozen=True)
class FormField:
    id: str
    type: str
    label: str
    required: bool = False
    readonly: bool = False
    default: Any = None
    options: tuple[FieldOption, ...] = ()
    min: int | None = None
    max: int | None = None
    minlength: int | None = None
    maxlength: int | None = None
    properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def files(self) -> FileRules | None:
        """What a ``file`` field accepts (its diagram properties, within the hard limits)."""
        return file_rules(self.properties) if self.type == "file" else None

    def as_dict(self) -> dict[str, Any]:
        rules = self.files
        return {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "readonly": self.readonly,
            "default": self.default,
            "options": [{"id": o.id, "label": o.label} for o in self.options],
            "min": self.min,
            "max": self.max,
            "minlength": self.minlength,
            "maxlength": self.maxlength,
            **({"files": rules.as_dict()} if rules is not None else {}),
        }


@dataclass(frozen=True)
class Approval:
    """An approval decision in a form: a boolean field with the property ``approval`` naming the
    comment field that returning requires; ``shows`` the case variables the approver reviews
    (the property ``approval_shows``, space-separated).

    The decision must be given explicitly (approve or return); returning needs a comment."""

    field: str
    comment: str
    shows: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormDefinition:
    key: str
    fields: tuple[FormField, ...] = ()

    def field(self, field_id: str) -> FormField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def approval(self) -> Approval | None:
        for form_field in self.fields:
            comment = form_field.properties.get("approval")
            if form_field.type == "boolean" and comment:
                shows = tuple(form_field.properties.get("approval_shows", "").split())
                return Approval(form_field.id, comment, shows)
        return None


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def _default(field_type: str, raw: Any) -> Any:
    if raw in (None, ""):
        return False if field_type == "boolean" else None
    if field_type == "boolean":
        return str(raw).strip().lower() == "true"
    if field_type == "long":
        try:
            return int(raw)
        except ValueError:
            return None
    return raw


def form_from_spec(form: Any) -> FormDefinition:
    """Build a FormDefinition from a SpiffWorkflow camunda Form (called inside engine/ only)."""
    fields = []
    for spiff_field in form.fields:
        names = {v.name: v.config for v in spiff_field.validation}
        fields.append(
            FormField(
                id=spiff_field.id,
                type=spiff_field.type,
                label=spiff_field.label or spiff_field.id,
                required="required" in names,
                readonly="readonly" in names,
                default=_default(spiff_field.type, spiff_field.default_value),
                options=tuple(FieldOption(o.id, o.name) for o in getattr(spiff_field, "options", [])),
                min=_int_or_none(names.get("min")),
                max=_int_or_none(names.get("max")),
                minlength=_int_or_none(names.get("minlength")),
                maxlength=_int_or_none(names.get("maxlength")),
                properties={p.id: p.value for p in spiff_field.properties},
            )
        )
    return FormDefinition(key=form.key or "", fields=tuple(fields))


def form_problems(form: Any) -> list[Problem]:
    """Lint a camunda form: field ids, types and numeric constraints."""
    problems = []
    for spiff_field in form.fields:
        field_id = spiff_field.id or ""
        if not IDENTIFIER.match(field_id):
            problems.append(Problem("form.field_id_invalid", {"field": field_id}))
        if spiff_field.type not in FIELD_TYPES:
            problems.append(Problem("form.field_type_unsupported", {"field": field_id, "type": str(spiff_field.type)}))
        for validation in spiff_field.validation:
            if validation.name not in CONSTRAINTS:
                problems.append(Problem("form.constraint_unknown", {"field": field_id, "constraint": validation.name}))
            elif validation.name not in ("required", "readonly"):
                try:
                    int(validation.config)
                except (TypeError, ValueError):
                    params = {"field": field_id, "constraint": validation.name}
                    problems.append(Problem("form.constraint_not_a_number", params))
        if spiff_field.type == "file":
            properties = {p.id: p.value for p in spiff_field.properties}
            for bad in file_option_problems(properties):
                problems.append(Problem("form.file_option_invalid", {"field": field_id, **bad}))
        if spiff_field.type == "enum" and not getattr(spiff_field, "options", None):
            problems.append(Problem("form.enum_without_values", {"field": field_id}))
        for prop in spiff_field.properties:
            if prop.id in DATE_BOUND_PROPERTIES and not DATE_BOUND.match(prop.value or ""):
                params = {"field": field_id, "property": prop.id, "value": str(prop.value)}
                problems.append(Problem("form.date_bound_invalid", params))
    return problems


# A date field's range, named in the diagram by the field properties ``date_min`` / ``date_max``:
# an anchor (``today`` or a case variable holding a date, e.g. ``registered_on``) and an optional
# offset in days, months or years (``today+1y``, ``registered_on``, ``today-30d``).
DATE_BOUND = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:([+-])\s*(\d{1,3})\s*([dmy]))?\s*$")
DATE_BOUND_PROPERTIES = ("date_min", "date_max")


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no such date: {year}-{month + 1}")


def resolve_date_bound(expression: str, context: Mapping[str, Any], today: dt.date) -> dt.date | None:
    """The date an expression names, or None when it is malformed or its anchor is unknown."""
    match = DATE_BOUND.match(expression or "")
    if not match:
        return None
    anchor, sign, amount, unit = match.groups()
    if anchor == "today":
        base: dt.date | None = today
    else:
        raw = context.get(anchor)
        try:
            base = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10]) if raw else None
        except ValueError:
            base = None
    if base is None:
        return None
    if not amount:
        return base
    count = int(amount) * (-1 if sign == "-" else 1)
    if unit == "d":
        return base + dt.timedelta(days=count)
    return _add_months(base, count * (12 if unit == "y" else 1))


def _date_range_error(
    form_field: FormField, value: str, context: Mapping[str, Any] | None, today: dt.date | None
) -> FieldError | None:
    if context is None or today is None:
        return None
    day = dt.date.fromisoformat(value)
    earliest = resolve_date_bound(form_field.properties.get("date_min", ""), context, today)
    latest = resolve_date_bound(form_field.properties.get("date_max", ""), context, today)
    if earliest is not None and day < earliest:
        return FieldError(form_field.id, "date_too_early", {"min": earliest.isoformat()})
    if latest is not None and day > latest:
        return FieldError(form_field.id, "date_too_late", {"max": latest.isoformat()})
    return None


def _coerce(form_field: FormField, value: Any) -> tuple[Any, FieldError | None]:
    """Turn one submitted value into the stored type, or report why it cannot be."""
    fid = form_field.id
    if form_field.type == "boolean":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in ("true", "false", "on", "1", "0"):
            return value.lower() in ("true", "on", "1"), None
        return None, FieldError(fid, "not_boolean")
    if form_field.type == "long":
        if isinstance(value, bool):
            return None, FieldError(fid, "not_integer")
        if isinstance(value, int):
            return value, None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
            return int(value), None
        return None, FieldError(fid, "not_integer")
    if form_field.type == "date":
        if isinstance(value, dt.date):
            return value.isoformat(), None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat(), None
            except ValueError:
                pass
        return None, FieldError(fid, "not_date")
    if form_field.type == "enum":
        ids = [o.id for o in form_field.options]
        if isinstance(value, str) and value in ids:
            return value, None
        return None, FieldError(fid, "not_a_choice", {"choices": ids})
    if not isinstance(value, str):
        return None, FieldError(fid, "not_text")
    return value.strip(), None


def _check_constraints(form_field: FormField, value: Any) -> FieldError | None:
    fid = form_field.id
    if isinstance(value, str) and form_field.type == "string":
        if form_field.minlength is not None and len(value) < form_field.minlength:
            return FieldError(fid, "too_short", {"min": form_field.minlength})
        if form_field.maxlength is not None and len(value) > form_field.maxlength:
            return FieldError(fid, "too_long", {"max": form_field.maxlength})
    if isinstance(value, int) and form_field.type == "long":
        if form_field.min is not None and value < form_field.min:
            return FieldError(fid, "too_small", {"min": form_field.min})
        if form_field.max is not None and value > form_field.max:
            return FieldError(fid, "too_large", {"max": form_field.max})
    return None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], ())


def _file_value(
    form_field: FormField, submitted: Mapping[str, Any], files: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], FieldError | None]:
    """A file field's value: the references of the files the application stored, never a value
    the submission names itself."""
    if not _is_empty(submitted.get(form_field.id)):
        return [], FieldError(form_field.id, "file_upload_only")
    rules = form_field.files
    assert rules is not None
    references = files.get(form_field.id)
    if _is_empty(references):
        return [], FieldError(form_field.id, "required") if form_field.required else None
    return coerce_references(form_field.id, rules, references)


def validate_submission(
    form: FormDefinition,
    submitted: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    files: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate submitted values against the form; return the clean data or raise FormInvalid.

    Every field of the form gets a value in the result (unchecked booleans become False, empty
    optional fields None), so gateway conditions never meet an undefined name. Unknown keys are
    refused: a submission cannot write variables the form does not declare. With ``context`` (the
    case's variables) and ``today``, date fields are checked against the range their diagram names
    (``date_min`` / ``date_max``). ``files``: per file field, the references of the files the
    application stored for this submission (engine.form_files); an empty file field is ``[]``.
    """
    errors: list[FieldError] = []
    files = files or {}
    known = {f.id for f in form.fields}
    file_fields = {f.id for f in form.fields if f.type == "file" and not f.readonly}
    errors.extend(FieldError(key, "unknown_field") for key in submitted if key not in known)
    errors.extend(FieldError(key, "unknown_field") for key in files if key not in file_fields)
    clean: dict[str, Any] = {}
    for form_field in form.fields:
        if form_field.readonly:
            continue
        if form_field.type == "file":
            references, file_error = _file_value(form_field, submitted, files)
            if file_error:
                errors.append(file_error)
            clean[form_field.id] = references
            continue
        raw = submitted.get(form_field.id)
        if _is_empty(raw):
            if form_field.required:
                errors.append(FieldError(form_field.id, "required"))
            clean[form_field.id] = False if form_field.type == "boolean" else None
            continue
        value, error = _coerce(form_field, raw)
        error = error or _check_constraints(form_field, value)
        if error is None and form_field.type == "date":
            error = _date_range_error(form_field, value, context, today)
        if error:
            errors.append(error)
        else:
            clean[form_field.id] = value
    errors.extend(_approval_errors(form, submitted, clean))
    if errors:
        raise FormInvalid(errors)
    return clean


def _approval_errors(form: FormDefinition, submitted: Mapping[str, Any], clean: Mapping[str, Any]) -> list[FieldError]:
    """An approval is decided explicitly, never by an untouched switch; returning needs a comment."""
    approval = form.approval
    if approval is None:
        return []
    if _is_empty(submitted.get(approval.field)):
        return [FieldError(approval.field, "decision_required")]
    if clean.get(approval.field) is False and _is_empty(clean.get(approval.comment)):
        return [FieldError(approval.comment, "comment_required")]
    return []
