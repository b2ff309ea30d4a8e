"""Forms of the public (no log-in) pages: filing an appeal, looking it up, rating the answer."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from webapp.casework.appeals.forms import PHONE_PATTERN
from webapp.platform import labels

NUMBER_PATTERN = r"^\s*\d{4}-\d{6}\s*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class PublicAppealForm(FlaskForm):
    """A citizen's own appeal, filed on the web."""

    anonymous = BooleanField(_l("Send without giving my name (anonymously)"))
    applicant_name = StringField(_l("Full name"), validators=[Length(max=200)], render_kw={"autocomplete": "name"})
    applicant_phone = StringField(
        _l("Phone"),
        validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as +998 90 123 45 67."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+998 90 123 45 67"},
    )
    applicant_email = EmailField(
        _l("Email (optional)"),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid email address.")),
        ],
        render_kw={"autocomplete": "email"},
    )
    # Grouped by district; an unknown code is caught by the service (the list can be long).
    mahalla = SelectField(
        _l("District and mahalla"), validators=[InputRequired(_l("Choose your mahalla."))], validate_choice=False
    )
    kind = SelectField(_l("Kind of appeal"), validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Length(max=300)], render_kw={"autocomplete": "street-address"})
    text = TextAreaField(
        _l("Your appeal"),
        validators=[
            InputRequired(_l("Enter the text of the appeal.")),
            Length(min=10, max=10000, message=_l("The text must be 10 to 10000 characters long.")),
        ],
        render_kw={"rows": 7, "maxlength": 10000},
    )
    consent = BooleanField(
        _l("I agree to the processing of my personal data for considering this appeal"),
        validators=[InputRequired(_l("Your consent is needed to send the appeal."))],
    )
    # Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"})

    def __init__(self, *args: Any, mahallas: dict[str, list[tuple[str, str]]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mahalla.choices = mahallas or {}  # type: ignore[assignment]
        self.kind.choices = [SelectChoice(code, str(name)) for code, name in labels.KIND.items()]

    def validate_applicant_name(self, field: StringField) -> None:
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter your name, or choose to send the appeal anonymously."))

    def validate_applicant_phone(self, field: StringField) -> None:
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter a phone number so that the inspector can reach you."))

    def validate_address(self, field: StringField) -> None:
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter your address (where you live)."))

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())


class TrackForm(FlaskForm):
    number = StringField(
        _l("Registration number"),
        validators=[
            InputRequired(_l("Enter the registration number.")),
            Regexp(NUMBER_PATTERN, message=_l("A number looks like 2026-000123.")),
        ],
        render_kw={"placeholder": "2026-000123", "inputmode": "numeric", "autocomplete": "off"},
    )
    code = StringField(
        _l("Access code"),
        validators=[InputRequired(_l("Enter the access code.")), Length(min=6, max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class RatingForm(FlaskForm):
    score = RadioField(
        _l("Your rating of the answer"),
        choices=[SelectChoice(str(n), str(n)) for n in range(5, 0, -1)],
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )
    resolved = RadioField(
        _l("Was your problem resolved?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(_l("Tell us whether your problem was resolved."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("At most 2000 characters."))],
        render_kw={"rows": 3, "maxlength": 2000},
    )


class RecoverCodeForm(FlaskForm):
    """A lost access code: the number and the phone given with the appeal."""

    number = StringField(
        _l("Registration number"),
        validators=[
            InputRequired(_l("Enter the registration number.")),
            Regexp(NUMBER_PATTERN, message=_l("A number looks like 2026-000123.")),
        ],
        render_kw={"placeholder": "2026-000123", "inputmode": "numeric", "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone given with the appeal"),
        validators=[
            InputRequired(_l("Enter the phone number.")),
            Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as +998 90 123 45 67.")),
        ],
        render_kw={"placeholder": "+998 90 123 45 67", "inputmode": "tel", "autocomplete": "tel"},
    )


class ConfirmCodeForm(FlaskForm):
    confirmation = StringField(
        _l("Confirmation code from the SMS"),
        validators=[
            InputRequired(_l("Enter the confirmation code.")),
            Regexp(r"^\s*\d{6}\s*$", message=_l("The confirmation code has 6 digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class WithdrawForm(FlaskForm):
    """The citizen withdraws their appeal ("murojaatni qaytarib olish"); the reason is optional."""

    reason = TextAreaField(
        _l("Why do you withdraw the appeal? (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        render_kw={"rows": 2, "maxlength": 1000},
    )
