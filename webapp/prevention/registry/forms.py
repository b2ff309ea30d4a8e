"""The registry's forms: register or edit a person, remove them, link an appeal, open a plan."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from engine import FieldError
from forms import field_error_message
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.labels import RISK_GROUPS

PASSPORT = re.compile(r"^[A-Z]{2}\d{7}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,19}$")


def _not_in_future(form: FlaskForm, field: Any) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_("The date cannot be in the future."))


class PersonForm(FlaskForm):
    """Put a person on the registry, or change their record."""

    full_name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter the person's full name.")),
            Length(min=5, max=200, message=_l("Enter between %(min)d and %(max)d characters.")),
        ],
    )
    birth_date = DateField(
        _l("Date of birth"), validators=[InputRequired(_l("Enter the date of birth.")), _not_in_future]
    )
    passport = StringField(
        _l("Passport (series and number)"),
        validators=[Optional()],
        description=_l("Two letters and seven digits, for example AB1234567."),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    address = StringField(_l("Address"), validators=[InputRequired(_l("Enter the address.")), Length(max=300)])
    mahalla = SelectField(_l("Mahalla"), validate_choice=False)
    risk_group = SelectField(_l("Risk group"), validate_choice=False)
    grounds = TextAreaField(
        _l("Grounds for registration"),
        validators=[
            InputRequired(_l("State the grounds for putting the person on the registry.")),
            Length(min=10, max=4000, message=_l("Enter between %(min)d and %(max)d characters.")),
        ],
        render_kw={"rows": 3},
    )
    responsible_inspector = SelectField(_l("Responsible inspector"), validate_choice=False)
    registered_on = DateField(
        _l("Registered on"), validators=[InputRequired(_l("Enter the date of registration.")), _not_in_future]
    )

    def __init__(self, *args: Any, mahallas: list[Any], inspectors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mahalla.choices = [SelectChoice("", "—")] + [SelectChoice(str(m.id), m.name) for m in mahallas]
        self.risk_group.choices = [SelectChoice("", "—")] + [SelectChoice(k, str(v)) for k, v in RISK_GROUPS.items()]
        self.responsible_inspector.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(u.id), u.full_name) for u in inspectors
        ]
        self._mahalla_ids = {str(m.id) for m in mahallas}
        self._inspector_ids = {str(u.id) for u in inspectors}

    def validate_mahalla(self, field: SelectField) -> None:
        if field.data not in self._mahalla_ids:
            raise ValidationError(_("Choose a mahalla you work in."))

    def validate_risk_group(self, field: SelectField) -> None:
        if field.data not in RISK_GROUPS:
            raise ValidationError(_("Choose the risk group."))

    def validate_responsible_inspector(self, field: SelectField) -> None:
        if field.data not in self._inspector_ids:
            raise ValidationError(_("Choose the responsible inspector."))

    def validate_passport(self, field: StringField) -> None:
        value = (field.data or "").replace(" ", "").upper()
        field.data = value
        if value and not PASSPORT.match(value):
            raise ValidationError(_("Enter two letters and seven digits, for example AB1234567."))

    def validate_phone(self, field: StringField) -> None:
        if field.data and not PHONE.match(field.data.strip()):
            raise ValidationError(_("Enter a phone number, for example +998 90 123 45 67."))

    def validate_birth_date(self, field: DateField) -> None:
        if field.data and field.data.year < 1900:
            raise ValidationError(_("Enter a real date of birth."))


class RemoveForm(FlaskForm):
    """Take a person off the registry."""

    removed_on = DateField(
        _l("Removed on"), validators=[InputRequired(_l("Enter the date of removal.")), _not_in_future]
    )
    removal_grounds = TextAreaField(
        _l("Grounds for removal"),
        validators=[
            InputRequired(_l("State the grounds for the removal.")),
            Length(min=10, max=2000, message=_l("Enter between %(min)d and %(max)d characters.")),
        ],
        render_kw={"rows": 3},
    )

    def __init__(self, *args: Any, registered_on: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._registered_on = registered_on

    def validate_removed_on(self, field: DateField) -> None:
        registered = self._registered_on
        if field.data and registered is not None and field.data < registered:
            raise ValidationError(_("The removal cannot be before the registration."))


class LinkAppealForm(FlaskForm):
    """Link an appeal to the person by its registration number."""

    number = StringField(
        _l("Appeal number"), validators=[InputRequired(_l("Enter the appeal's number.")), Length(max=20)]
    )


class ChoosePersonForm(FlaskForm):
    """Choose a person of the appeal's mahalla (to link the appeal, or to open a plan)."""

    person = SelectField(_l("Person on the registry"), validate_choice=False)

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person.choices = [SelectChoice("", "—")] + [SelectChoice(str(p.id), p.full_name) for p in persons]
        self._ids = {str(p.id) for p in persons}

    def validate_person(self, field: SelectField) -> None:
        if field.data not in self._ids:
            raise ValidationError(_("Choose a person from the list."))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


PLAN_RULE_MESSAGES = {
    "choose_measure": _l("Choose at least one measure."),
    "grounds_required": _l("State the grounds for the removal."),
}


def apply_plan_errors(form: FlaskForm, errors: list[FieldError]) -> None:
    """Show the engine's and the plan rules' field errors inline on the task form."""
    for error in errors:
        if error.field in form:
            rule = PLAN_RULE_MESSAGES.get(error.code)
            message = str(rule) if rule is not None else field_error_message(error)
            form[error.field].errors = [*form[error.field].errors, message]
