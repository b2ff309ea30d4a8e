"""Forms of the people pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional


class PersonForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter a username.")), Length(max=80)])
    full_name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the full name.")), Length(max=200)])
    role = SelectField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])
    email = EmailField(_l("E-mail (the set-password link goes here)"), validators=[Optional(), Length(max=200)])
    mahallas = SelectMultipleField(
        _l("Mahallas served (inspectors, advisers, mahalla chairs)"), coerce=int, validate_choice=False
    )
    district = SelectField(_l("District headed (supervisors)"), coerce=int, default=0)
    region = SelectField(_l("Region headed (supervisors of a region)"), coerce=int, default=0)
    organisation = SelectField(_l("Partner organisation (partner staff)"), coerce=int, default=0)
    starts_on = DateField(_l("Changes take effect on"), validators=[Optional()])
    sso_subject = StringField(
        _l("Single sign-on identity (optional; else the username)"), validators=[Optional(), Length(max=200)]
    )


class DeactivateForm(FlaskForm):
    hand_to = SelectField(_l("Their open tasks go to"), coerce=int, default=0)
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class UserActionForm(FlaskForm):
    """A button (reset password, lift lockout, reactivate): only the CSRF token."""
