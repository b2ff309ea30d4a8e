"""Forms of the assignment pages (every one carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.cases.cover.messages import KIND_LABELS


class ActionForm(FlaskForm):
    """A button that changes something (claim, hand back, mark read): only the CSRF token."""


class DelegateForm(FlaskForm):
    user = SelectField(_l("Colleague"), coerce=int, validators=[InputRequired(_l("Choose a colleague."))])
    reason = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class ReassignForm(FlaskForm):
    user = SelectField(_l("New assignee"), coerce=int, validators=[InputRequired(_l("Choose a user."))])
    reason = StringField(_l("Reason"), validators=[InputRequired(_l("Give a reason.")), Length(max=500)])


class BulkReassignForm(ReassignForm):
    tasks = SelectMultipleField(_l("Tasks"), validators=[InputRequired(_l("Choose at least one task."))])


class FollowUpForm(FlaskForm):
    follow_up = DateField(_l("Follow-up date"), validators=[Optional()])


class AbsenceForm(FlaskForm):
    user = SelectField(_l("User"), coerce=int, validators=[InputRequired(_l("Choose a user."))])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(code, label) for code, label in KIND_LABELS.items()],
        default="leave",
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    substitute = SelectField(_l("Substitute (covers the mahallas and takes the tasks)"), coerce=int, default=0)
    return_tasks = BooleanField(_l("Give the tasks back when the cover ends"), default=True)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
