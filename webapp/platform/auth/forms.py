from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter your username.")), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=200)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[InputRequired()])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your password.")), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Enter a new password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two passwords differ.")),
        ],
    )


class SetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Enter a new password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two passwords differ.")),
        ],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name (what it is for)"), validators=[InputRequired(_l("Give the token a name.")), Length(max=100)]
    )
    scope = SelectField(
        _l("Scope"),
        choices=[SelectChoice("full", _l("Full: everything my account may do")), SelectChoice("read", _l("Read only"))],
        default="full",
    )
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])

    def validate_expires_on(self, field: DateField) -> None:
        from webapp.platform.timeutil import local_today

        if field.data is not None and field.data <= local_today():
            raise ValidationError(_l("Choose a day after today."))
