"""Create and edit forms of the prevention-work registers (WTForms + CSRF, messages translated)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.work import labels
from webapp.prevention.work.models import ITEM_STATUSES, EventStatus, ItemStatus

PHONE_PATTERN = r"^\+?[0-9 ()-]{7,20}$"
PHONE_MESSAGE = _l("Enter a phone number such as +998 90 123 45 67.")
DATE_MESSAGE = _l("Enter a valid date (day, month, year).")
YOUTH_MIN_AGE, YOUTH_MAX_AGE = 14, 30


def _date(label: Any, *, required: bool = True, message: Any = None) -> DateField:
    validators = [InputRequired(message or _l("Enter the date."))] if required else [Optional()]
    return DateField(label, validators=validators, invalid_value_message=DATE_MESSAGE)


def _choices(mapping: Mapping[str, Any], codes: Sequence[str] | None = None) -> list[tuple[str, str]]:
    return [(code, str(mapping[code])) for code in (codes or tuple(mapping))]


def _phone() -> StringField:
    return StringField(_l("Phone"), validators=[Optional(), Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)])


class MahallaForm(FlaskForm):
    """A form whose record belongs to one mahalla of the user's territory."""

    mahalla = SelectField(_l("Mahalla"), coerce=int, validators=[InputRequired(_l("Choose the mahalla."))])

    def set_mahallas(self, mahallas: Sequence[Mahalla]) -> None:
        self.mahalla.choices = [(m.id, m.name) for m in mahallas]


# --- youth -----------------------------------------------------------------------------------


class YoungPersonForm(MahallaForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the full name.")), Length(max=200)])
    birth_date = _date(_l("Date of birth"), message=_l("Enter the date of birth."))
    phone = _phone()
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    status = SelectField(_l("Occupation"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(labels.YOUTH_STATUS)

    def validate_birth_date(self, field: DateField) -> None:
        if field.data is None:
            return
        today = local_today()
        age = today.year - field.data.year - ((today.month, today.day) < (field.data.month, field.data.day))
        if not YOUTH_MIN_AGE <= age <= YOUTH_MAX_AGE:
            raise ValidationError(
                _l("Youth work is for people aged %(low)d to %(high)d.", low=YOUTH_MIN_AGE, high=YOUTH_MAX_AGE)
            )


class ReferralForm(FlaskForm):
    kind = SelectField(_l("Kind of referral"), validators=[InputRequired()])
    referred_to = StringField(
        _l("Referred to (organisation)"),
        validators=[InputRequired(_l("Enter where the person was referred.")), Length(max=200)],
    )
    referred_on = _date(_l("Date of referral"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(labels.REFERRAL_KIND)

    def validate_referred_on(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError(_l("The date cannot be in the future."))


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validators=[InputRequired()])
    outcome_on = _date(_l("Date of the outcome"), required=False)

    def __init__(self, *args: Any, referred_on: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = _choices(labels.REFERRAL_OUTCOME)
        self.referred_on = referred_on

    def validate(self, extra_validators: Any = None) -> bool:
        # Checked on the whole form: the date is optional only while the outcome is pending.
        valid = super().validate(extra_validators)
        day = self.outcome_on.data
        problem = None
        if valid and self.outcome.data != "pending" and day is None:
            problem = _l("Enter the date of the outcome.")
        elif day and day > local_today():
            problem = _l("The date cannot be in the future.")
        elif day and self.referred_on and day < self.referred_on:
            problem = _l("The outcome cannot be earlier than the referral.")
        if problem is not None:
            self.outcome_on.errors = [*self.outcome_on.errors, problem]
            return False
        return valid


class ActivityForm(FlaskForm):
    kind = SelectField(_l("Kind of activity"), validators=[InputRequired()])
    occurred_on = _date(_l("Date"))
    note = TextAreaField(
        _l("Note"), validators=[InputRequired(_l("Describe the activity.")), Length(max=4000)], render_kw={"rows": 2}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(labels.ACTIVITY_KIND)

    def validate_occurred_on(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError(_l("The date cannot be in the future."))


# --- patrols ---------------------------------------------------------------------------------


class PatrolGroupForm(MahallaForm):
    name = StringField(
        _l("Name of the group"), validators=[InputRequired(_l("Enter the name of the group.")), Length(max=200)]
    )
    leader_name = StringField(
        _l("Group leader"), validators=[InputRequired(_l("Enter the group leader's name.")), Length(max=200)]
    )
    leader_phone = StringField(
        _l("Leader's phone"), validators=[Optional(), Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)]
    )
    active = BooleanField(_l("Active"), default=True)


class PatrolMemberForm(FlaskForm):
    full_name = StringField(
        _l("Full name"), validators=[InputRequired(_l("Enter the member's name.")), Length(max=200)]
    )
    phone = _phone()


class PlannedPatrolForm(FlaskForm):
    group = SelectField(_l("Patrol group"), coerce=int, validators=[InputRequired(_l("Choose the group."))])
    patrol_date = _date(_l("Date"))
    starts_at = TimeField(
        _l("Start"),
        validators=[InputRequired(_l("Enter the start time."))],
        invalid_value_message=_l("Enter a time such as 19:00."),
    )
    ends_at = TimeField(
        _l("End"),
        validators=[InputRequired(_l("Enter the end time."))],
        invalid_value_message=_l("Enter a time such as 19:00."),
    )
    route = StringField(_l("Route"), validators=[InputRequired(_l("Describe the route.")), Length(max=300)])

    def validate_ends_at(self, field: TimeField) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The patrol must end after it starts."))


class PatrolReportForm(FlaskForm):
    report_date = _date(_l("Date of the patrol"))
    route = StringField(_l("Route"), validators=[InputRequired(_l("Describe the route.")), Length(max=300)])
    members_present = SelectMultipleField(_l("Members present"), coerce=int, validators=[Optional()])
    observations = TextAreaField(_l("Observations"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    incident = TextAreaField(
        _l("Incident (if any)"),
        description=_l("Describe an incident the patrol met; you can open an appeal or link it to a person next."),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 2},
    )
    incident_place = StringField(_l("Place of the incident"), validators=[Optional(), Length(max=300)])

    def validate_report_date(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError(_l("A report cannot be dated in the future."))


class IncidentForm(FlaskForm):
    description = TextAreaField(
        _l("What happened"),
        validators=[InputRequired(_l("Describe the incident.")), Length(min=10, max=4000)],
        render_kw={"rows": 2},
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])


class LinkPersonForm(FlaskForm):
    person = SelectField(
        _l("Person on the prevention registry"), coerce=int, validators=[InputRequired(_l("Choose the person."))]
    )


class OpenAppealForm(FlaskForm):
    """Open an appeal from an incident: the text is the incident's; the kind is a statement."""

    applicant_name = StringField(
        _l("Who reports (patrol leader)"),
        validators=[InputRequired(_l("Enter who reports the incident.")), Length(max=200)],
    )


# --- events ----------------------------------------------------------------------------------


class EventForm(MahallaForm):
    topic = StringField(_l("Topic"), validators=[InputRequired(_l("Enter the topic.")), Length(max=300)])
    event_date = _date(_l("Date"))
    audience = SelectField(_l("Audience"), validators=[InputRequired()])
    partner = StringField(_l("Partner organisation"), validators=[Optional(), Length(max=200)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    planned_attendance = IntegerField(
        _l("Planned attendance"),
        validators=[
            InputRequired(_l("Enter the planned number of participants.")),
            NumberRange(min=0, max=100000, message=_l("The number of participants must be 0 or more.")),
        ],
        invalid_value_message=_l("Enter a whole number."),
    )
    actual_attendance = IntegerField(
        _l("Actual attendance"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("The number of participants must be 0 or more.")),
        ],
        invalid_value_message=_l("Enter a whole number."),
    )
    status = SelectField(_l("Status"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audience.choices = _choices(labels.AUDIENCE)
        self.status.choices = _choices(labels.EVENT_STATUS)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        held = self.status.data == EventStatus.HELD
        if held and self.actual_attendance.data is None and not self.actual_attendance.errors:
            self.actual_attendance.errors = [_l("Enter how many people attended the event.")]
            return False
        return valid

    def validate_status(self, field: SelectField) -> None:
        if field.data == EventStatus.HELD and self.event_date.data and self.event_date.data > local_today():
            raise ValidationError(_l("An event in the future cannot be marked as held."))


# --- joint plans -----------------------------------------------------------------------------


class JointPlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter the title.")), Length(max=300)])
    kind = SelectField(_l("Kind of plan"), validators=[InputRequired()])
    period_start = _date(_l("Period from"))
    period_end = _date(_l("Period to"))
    territory = SelectField(_l("Territory"), validators=[InputRequired(_l("Choose the territory."))])
    partners = TextAreaField(
        _l("Partners (state bodies, civil-society institutions)"),
        validators=[InputRequired(_l("Name the partners.")), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def __init__(self, *args: Any, territories: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(labels.PLAN_KIND)
        self.territory.choices = list(territories)

    def validate_period_end(self, field: DateField) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period must end after it starts."))


class PlanItemForm(FlaskForm):
    activity = TextAreaField(
        _l("Activity"),
        validators=[InputRequired(_l("Describe the activity.")), Length(max=2000)],
        render_kw={"rows": 2},
    )
    responsible = StringField(
        _l("Responsible"), validators=[InputRequired(_l("Name who is responsible.")), Length(max=300)]
    )
    due_on = _date(_l("Due date"))
    status = SelectField(_l("Status"), validators=[InputRequired()])
    report = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(labels.ITEM_STATUS, ITEM_STATUSES)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.status.data == ItemStatus.DONE and not (self.report.data or "").strip():
            self.report.errors = [*self.report.errors, _l("Describe what was done.")]
            return False
        return valid
