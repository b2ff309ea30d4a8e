"""Forms of prevention notices: the author's notice, the supervisor's review, the resident's subscription."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    FileField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from webapp.casework.appeals.forms import PHONE_PATTERN
from webapp.intake.public.forms import EMAIL_PATTERN
from webapp.prevention.work.forms import DATE_MESSAGE

MAX_MAHALLAS = 20
# A notice's file is public once approved: documents that open in the browser only (no Word files).
NOTICE_FILE_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter a title.")), Length(min=3, max=200)])
    mahallas = SelectMultipleField(
        _l("Mahallas"), coerce=int, validators=[InputRequired(_l("Choose at least one mahalla."))]
    )
    text_uz = TextAreaField(
        _l("Text in Uzbek"),
        validators=[InputRequired(_l("Enter the text.")), Length(min=10, max=2000)],
        render_kw={"rows": 5},
    )
    text_ru = TextAreaField(
        _l("Text in Russian"),
        validators=[InputRequired(_l("Enter the text.")), Length(min=10, max=2000)],
        render_kw={"rows": 5},
    )
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()], invalid_value_message=DATE_MESSAGE)
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()], invalid_value_message=DATE_MESSAGE)
    attachment = FileField(
        _l("Attachment (optional)"),
        description=_l("A leaflet or a photo: PDF, JPEG, PNG or WebP, at most 5 MB. Residents see it with the notice."),
        render_kw={"accept": ",".join(NOTICE_FILE_TYPES)},
    )

    def validate_valid_until(self, field: Any) -> None:
        if self.valid_from.data and field.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The notice cannot end before it starts."))


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve and send")), SelectChoice("return", _l("Return to the author"))],
        validators=[InputRequired(_l("Choose a decision."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.decision.data == "return" and not (self.comment.data or "").strip():
            self.comment.errors = [*self.comment.errors, _l("Say why the notice is returned.")]
            return False
        return valid


class SubscribeForm(FlaskForm):
    phone = StringField(
        _l("Phone"),
        validators=[
            InputRequired(_l("Enter your phone number.")),
            Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as +998 90 123 45 67.")),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+998 90 123 45 67"},
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Length(max=200), Regexp(EMAIL_PATTERN, message=_l("Enter a valid email address."))],
        render_kw={"autocomplete": "email"},
    )
    # Grouped by district in the template; unknown codes are dropped by the service.
    mahallas = SelectMultipleField(
        _l("Mahallas"), validators=[InputRequired(_l("Choose at least one mahalla."))], validate_choice=False
    )

    def validate_mahallas(self, field: Any) -> None:
        if len(field.data or []) > MAX_MAHALLAS:
            raise ValidationError(_l("Choose at most %(count)s mahallas.", count=MAX_MAHALLAS))


class UnsubscribeForm(FlaskForm):
    pass
