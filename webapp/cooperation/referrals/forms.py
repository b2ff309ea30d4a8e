"""The inspector's forms on a referral: withdraw it, or send it to another kind of partner."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from webapp.cooperation.partners.routes import KIND_LABELS


class WithdrawReferralForm(FlaskForm):  # type: ignore[misc]
    pass


class RerouteReferralForm(FlaskForm):  # type: ignore[misc]
    partner = SelectField(
        _l("Send instead to"), validators=[InputRequired(message=_l("Choose the kind of organisation."))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner.choices = [SelectChoice(kind.value, str(label)) for kind, label in KIND_LABELS.items()]
