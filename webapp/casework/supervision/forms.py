"""The console's forms: a reason for a case action, a bulk reassignment, an incident retry."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

REASON_MAX = 1000


class ReasonForm(FlaskForm):
    """Suspend, resume or cancel a case: the reason is required and goes into the case's log."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(max=REASON_MAX, message=_l("The reason must be at most 1000 characters long.")),
        ],
        render_kw={"rows": 2},
    )


class ReassignForm(FlaskForm):
    """Reassign the selected cases' inspector tasks to one inspector."""

    inspector = SelectField(_l("Reassign to"), coerce=int, validate_choice=False)
    reason = TextAreaField(
        _l("Reason for the reassignment"),
        validators=[
            InputRequired(_l("Give the reason for the reassignment.")),
            Length(max=REASON_MAX, message=_l("The reason must be at most 1000 characters long.")),
        ],
        render_kw={"rows": 2},
    )


class RetryForm(FlaskForm):
    """Retry an incident, optionally with corrected case data (methodologists and admins)."""

    with_data = TextAreaField(
        _l("Corrected data (JSON object, optional)"),
        render_kw={"rows": 3, "placeholder": '{"variable": "value"}', "spellcheck": "false"},
    )

    def validate_with_data(self, field: Any) -> None:
        if field.data and field.data.strip():
            try:
                value = json.loads(field.data)
            except ValueError:
                raise ValidationError(_('Enter a valid JSON object, for example {"name": "value"}.')) from None
            if not isinstance(value, dict):
                raise ValidationError(_("Enter a JSON object (in curly braces), not a list or a single value."))

    def corrected_data(self) -> dict[str, Any]:
        text = (self.with_data.data or "").strip()
        return dict(json.loads(text)) if text else {}
