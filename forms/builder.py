"""Build a Flask-WTF form class from an engine FormDefinition.

Labels and option names come from the diagram (Uzbek) and are passed through the message
catalogue, so a translated label shows in Russian or English when one exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import FileInput

from engine import FieldError, FormDefinition, FormField
from forms.messages import field_error_message

LONG_TEXT_THRESHOLD = 300


def _reserved_field_ids() -> frozenset[str]:
    """Field ids that would collide with a form's own attributes (``meta``, ``validate``, …)."""
    names = {name for name in dir(FlaskForm) if not name.startswith("_")}
    names |= {"meta", "csrf_token"}  # set on each form instance
    names |= {name.removeprefix("validate_") for name in names if name.startswith("validate_")}
    return frozenset(names | {name.lower() for name in names})


# Diagrams are refused when a form field uses one of these ids (the library lint checks it).
RESERVED_FIELD_IDS = _reserved_field_ids()


class ReservedFieldId(ValueError):
    """A form field id that collides with the form class's own attributes."""


class _Required(InputRequired):
    def __init__(self) -> None:
        super().__init__(message=_l("This field is required."))


def _length(form_field: FormField) -> Length:
    minimum = form_field.minlength if form_field.minlength is not None else -1
    maximum = form_field.maxlength if form_field.maxlength is not None else -1
    if minimum >= 0 and maximum >= 0:
        message = _l("Enter between %(min)d and %(max)d characters.")
    elif minimum >= 0:
        message = _l("Enter at least %(min)d characters.")
    else:
        message = _l("Enter at most %(max)d characters.")
    return Length(min=minimum, max=maximum, message=message)


def _presence(form_field: FormField) -> list[Any]:
    # A readonly field cannot be typed into, so it is never required from the user.
    return [_Required()] if form_field.required and not form_field.readonly else [Optional()]


class _FilesRequired:
    """A required file field: at least one file chosen (the engine checks it again)."""

    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not any(getattr(f, "filename", None) for f in field.data or ()):
            raise ValidationError(_("This field is required."))


def _file_field(form_field: FormField, label: str, description: str) -> Field:
    rules = form_field.files
    assert rules is not None
    accept = ",".join(f".{t}" for t in rules.types)
    types = ", ".join(t.upper() for t in rules.types)
    hint = _("%(types)s; at most %(size)s MB a file.", types=types, size=rules.max_size_mb)
    if rules.multiple:
        hint = _("Up to %(count)d files: %(hint)s", count=rules.max_files, hint=hint)
    validators: list[Any] = [_FilesRequired()] if form_field.required and not form_field.readonly else []
    return MultipleFileField(
        label,
        validators=validators,
        description=" ".join(part for part in (description, hint) if part),
        widget=FileInput(multiple=rules.multiple),
        render_kw={"accept": accept, **({"disabled": True} if form_field.readonly else {})},
    )


def _field(form_field: FormField) -> Field:
    label = _(form_field.label)
    description = form_field.properties.get("description", "")
    render_kw: dict[str, Any] = {"readonly": True} if form_field.readonly else {}
    if form_field.type == "file":
        return _file_field(form_field, label, description)
    if form_field.type == "boolean":
        return BooleanField(label, description=description, render_kw=render_kw)
    if form_field.type == "long":
        validators = _presence(form_field)
        if form_field.min is not None or form_field.max is not None:
            validators.append(
                NumberRange(form_field.min, form_field.max, message=_l("Enter a number in the allowed range."))
            )
        return IntegerField(label, validators=validators, description=description, render_kw=render_kw)
    if form_field.type == "date":
        return DateField(label, validators=_presence(form_field), description=description, render_kw=render_kw)
    if form_field.type == "enum":
        choices = [SelectChoice("", "—")] + [SelectChoice(o.id, _(o.label)) for o in form_field.options]
        return SelectField(
            label,
            choices=choices,
            validators=_presence(form_field),
            description=description,
            render_kw=render_kw,
            validate_choice=False,
        )
    validators = _presence(form_field)
    if form_field.minlength is not None or form_field.maxlength is not None:
        validators.append(_length(form_field))
    long_text = form_field.maxlength is None or form_field.maxlength > LONG_TEXT_THRESHOLD
    field_class = TextAreaField if long_text else StringField
    if long_text:
        render_kw = {**render_kw, "rows": 4}
    return field_class(label, validators=validators, description=description, render_kw=render_kw)


def _enum_validator(form_field: FormField) -> Any:
    allowed = {o.id for o in form_field.options}

    def validate(form: FlaskForm, field: Field) -> None:
        if field.data and field.data not in allowed:
            raise ValidationError(_("Choose one of the offered options."))

    return validate


def build_form_class(definition: FormDefinition) -> type[FlaskForm]:
    """A FlaskForm subclass with one field per form field of the definition (CSRF included)."""
    attributes: dict[str, Any] = {}
    for form_field in definition.fields:
        if form_field.id in RESERVED_FIELD_IDS:
            raise ReservedFieldId(f"form field id {form_field.id!r} is reserved")
        attributes[form_field.id] = _field(form_field)
        if form_field.type == "enum":
            # WTForms calls class attributes named validate_<field> with (form, field).
            attributes[f"validate_{form_field.id}"] = _enum_validator(form_field)
    return type(f"TaskForm_{definition.key or 'anonymous'}", (FlaskForm,), attributes)


DECISIONS = {"approve": True, "return": False}  # the approval buttons' values (``name="decision"``)


def engine_values(form: FlaskForm, definition: FormDefinition, decision: str | None = None) -> dict[str, Any]:
    """The submitted values in the shape the engine validates (dates as ISO strings).

    An approval's decision comes from the button pressed (``decision``: approve / return), never
    from an untouched switch: without a button the engine refuses it (``decision_required``)."""
    values: dict[str, Any] = {}
    for form_field in definition.fields:
        if form_field.readonly or form_field.type == "file":  # files go their own way (submitted_files)
            continue
        data = form[form_field.id].data
        if isinstance(data, dt.date):
            data = data.isoformat()
        values[form_field.id] = data
    approval = definition.approval
    if approval is not None:
        values[approval.field] = DECISIONS.get(decision or "")
    return values


def submitted_files(form: FlaskForm, definition: FormDefinition) -> dict[str, list[Any]]:
    """The files chosen in the form's file fields (werkzeug FileStorage objects), per field."""
    return {
        f.id: [item for item in form[f.id].data or () if getattr(item, "filename", None)]
        for f in definition.fields
        if f.type == "file" and not f.readonly
    }


def prefill(definition: FormDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values from the case data to show in the form (dates parsed back from ISO strings; a file
    input cannot be filled in)."""
    result: dict[str, Any] = {}
    for form_field in definition.fields:
        value = values.get(form_field.id)
        if value is None or form_field.type == "file":
            continue
        if form_field.type == "date" and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                continue
        result[form_field.id] = value
    return result


def apply_engine_errors(form: FlaskForm, errors: list[FieldError]) -> list[FieldError]:
    """Show the engine's field errors inline on the form; the errors about no field of the form
    (case data the answers would take over its limit, at a field of the case) are returned for
    the page to show above it."""
    unplaced = []
    for error in errors:
        if error.field in form:
            form[error.field].errors = [*form[error.field].errors, field_error_message(error)]
        else:
            unplaced.append(error)
    return unplaced
