"""Registration fields beyond name and phone: e-mail, passport, co-applicants, minors,
representatives and attachments (Law on Appeals, Arts. 4, 23, 29)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, Form, FormField, MultipleFileField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

PASSPORT_PATTERN = r"^[A-Z]{2}[0-9]{7}$"
PHONE_PATTERN = r"^\+?[0-9 ()-]{7,20}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_CO_APPLICANTS = 50


def _upper(value: Any) -> Any:
    return value.strip().upper().replace(" ", "") if isinstance(value, str) else value


class CoApplicantForm(Form):
    """One further signatory of a collective appeal (a sub-form: the parent form carries CSRF)."""

    name = StringField(
        _l("Full name"), validators=[InputRequired(_l("Enter the co-applicant's name.")), Length(max=200)]
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as +998 90 123 45 67."))],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])


class ApplicantDetailsMixin:
    """Fields mixed into the register form; ``applicant_details()`` gives them to NewAppeal."""

    applicant_email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Regexp(EMAIL_PATTERN, message=_l("Enter an e-mail address such as name@example.uz.")),
            Length(max=200),
        ],
    )
    applicant_passport = StringField(
        _l("Passport number"),
        filters=[_upper],
        validators=[Optional(), Regexp(PASSPORT_PATTERN, message=_l("Enter the passport number as AA1234567."))],
        description=_l("Two letters and seven digits, e.g. AA1234567."),
    )
    co_applicants = FieldList(FormField(CoApplicantForm), min_entries=0, max_entries=MAX_CO_APPLICANTS)
    applicant_is_minor = BooleanField(_l("The applicant is a minor"))
    legal_representative = StringField(_l("Legal representative (parent or guardian)"), validators=[Length(max=200)])
    by_representative = BooleanField(_l("Submitted by a representative"))
    representative_name = StringField(_l("Representative's full name"), validators=[Length(max=200)])
    poa_number = StringField(_l("Power of attorney number"), validators=[Length(max=60)])
    poa_date = DateField(_l("Power of attorney date"), validators=[Optional()])
    attachments = MultipleFileField(
        _l("Attachments"), description=_l("Photos (JPEG, PNG, WebP), PDF or DOCX; up to 5 MB each, 10 files.")
    )

    def validate_legal_representative(self, field: StringField) -> None:
        # Minors are not left unconsidered for lack of capacity; they are heard with their representative.
        if self.applicant_is_minor.data and not (field.data or "").strip():  # type: ignore[attr-defined]
            raise ValidationError(_l("Enter the legal representative of the minor applicant."))

    def validate_representative_name(self, field: StringField) -> None:
        if self.by_representative.data and not (field.data or "").strip():  # type: ignore[attr-defined]
            raise ValidationError(_l("Enter the representative's name."))

    def validate_poa_date(self, field: DateField) -> None:
        if self.poa_number.data and self.poa_number.data.strip() and field.data is None:  # type: ignore[attr-defined]
            raise ValidationError(_l("Enter the date of the power of attorney."))
        if field.data is not None and field.data > dt.date.today():
            raise ValidationError(_l("The date of the power of attorney cannot be in the future."))

    def power_of_attorney(self) -> str:
        """'No. 12/345 of 2026-01-10', or '' when the representative showed none."""
        number = (self.poa_number.data or "").strip()  # type: ignore[attr-defined]
        date = self.poa_date.data  # type: ignore[attr-defined]
        if not self.by_representative.data or not number:  # type: ignore[attr-defined]
            return ""
        return f"№ {number}, {date.isoformat()}" if date else f"№ {number}"

    def applicant_details(self) -> dict[str, Any]:
        """The NewAppeal keyword arguments these fields provide (after validation)."""
        by_representative = bool(self.by_representative.data)  # type: ignore[attr-defined]
        minor = bool(self.applicant_is_minor.data)  # type: ignore[attr-defined]
        return {
            "applicant_email": self.applicant_email.data or "",  # type: ignore[attr-defined]
            "applicant_passport": self.applicant_passport.data or "",  # type: ignore[attr-defined]
            "co_applicants": tuple(
                (row.form.name.data or "", row.form.phone.data or "", row.form.address.data or "")
                for row in self.co_applicants  # type: ignore[attr-defined]
            ),
            "applicant_is_minor": minor,
            "legal_representative": (self.legal_representative.data or "") if minor else "",  # type: ignore[attr-defined]
            "representative_name": (self.representative_name.data or "") if by_representative else "",  # type: ignore[attr-defined]
            "power_of_attorney": self.power_of_attorney(),
        }
