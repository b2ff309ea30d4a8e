"""Forms of the process-change pages: CSRF-guarded actions and the sandbox start form."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField, ValidationError


class ActionForm(FlaskForm):
    """A button that changes something (migrate, fire timers): only the CSRF token."""


class SandboxStartForm(FlaskForm):
    source = SelectField(_l("Run"), validate_choice=True)
    start_data = TextAreaField(_l("Sample start data (JSON)"), render_kw={"rows": 12, "spellcheck": "false"})

    def validate_start_data(self, field: Any) -> None:
        try:
            value = json.loads(field.data or "{}")
        except ValueError:
            raise ValidationError(_('Enter the start data as a JSON object, e.g. {"kind": "ariza"}.')) from None
        if not isinstance(value, dict):
            raise ValidationError(_('Enter the start data as a JSON object, e.g. {"kind": "ariza"}.'))
        field.parsed = value
