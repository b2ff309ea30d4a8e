from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from webapp.casework.appeals.intake_form import ApplicantDetailsMixin
from webapp.casework.appeals.models import CATEGORIES, URGENCIES
from webapp.platform import labels

PHONE_PATTERN = r"^\+?[0-9 ()-]{7,20}$"


def _choices(mapping: dict, codes: tuple[str, ...] | None = None) -> list[SelectChoice]:
    return [SelectChoice(code, str(mapping[code])) for code in (codes or tuple(mapping))]


class RegisterAppealForm(ApplicantDetailsMixin, FlaskForm):
    """Inspector entry of a walk-in, written or oral appeal."""

    channel = SelectField(_l("How the appeal arrived"), validators=[InputRequired()])
    mahalla = SelectField(_l("Mahalla"), validators=[InputRequired(_l("Choose the mahalla."))])
    kind = SelectField(_l("Kind of appeal"), validators=[InputRequired()])
    anonymous = BooleanField(_l("Anonymous (no name or residence given)"))
    applicant_name = StringField(_l("Applicant's full name"), validators=[Length(max=200)])
    applicant_phone = StringField(
        _l("Phone"),
        validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as +998 90 123 45 67."))],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    category = SelectField(_l("Category"), validators=[Optional()], default="")
    urgency = SelectField(_l("Urgency"), validators=[Optional()], default="")
    text = TextAreaField(
        _l("Text of the appeal"),
        validators=[
            InputRequired(_l("Enter the text of the appeal.")),
            Length(min=10, max=10000, message=_l("The text must be 10 to 10000 characters long.")),
        ],
        render_kw={"rows": 6},
    )

    def __init__(self, *args: object, mahallas: list | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = _choices(labels.CHANNEL, ("walk_in", "written", "oral"))
        self.mahalla.choices = [SelectChoice(m.code, m.name) for m in (mahallas or [])]
        self.kind.choices = _choices(labels.KIND)
        # "Automatic": the DMN suggestion decides; the inspector confirms it at check_registration.
        automatic = SelectChoice("", str(_l("Automatic")))
        self.category.choices = [automatic, *_choices(labels.CATEGORY, CATEGORIES)]
        self.urgency.choices = [automatic, *_choices(labels.URGENCY, URGENCIES)]

    def validate_applicant_name(self, field: StringField) -> None:
        # Anonymous appeals are registered too (Art. 29 decides later); otherwise a name is needed.
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the applicant's name, or mark the appeal as anonymous."))
