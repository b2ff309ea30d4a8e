"""Request and response shapes of the JSON API v1 (pydantic models; also feed OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CoApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(default="", max_length=40, pattern=r"^(\+?[0-9 ()-]{7,20})?$")
    address: str = Field(default="", max_length=300)


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    applicant_name: str = Field(default="", max_length=200)
    applicant_phone: str = Field(default="", max_length=40, pattern=r"^(\+?[0-9 ()-]{7,20})?$")
    text: str = Field(min_length=10, max_length=10000)
    mahalla: str = Field(min_length=1, max_length=20, description="code of the mahalla")
    kind: Literal["ariza", "taklif", "shikoyat"]
    address: str = Field(default="", max_length=300)
    anonymous: bool = False
    applicant_email: str = Field(default="", max_length=200, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")
    applicant_passport: str = Field(default="", pattern=r"^([A-Za-z]{2}[0-9]{7})?$", description="e.g. AA1234567")
    co_applicants: list[CoApplicantIn] = Field(default=[], max_length=50, description="collective appeal")
    applicant_is_minor: bool = False
    legal_representative: str = Field(default="", max_length=200, description="required for a minor")
    representative_name: str = Field(default="", max_length=200)
    power_of_attorney: str = Field(
        default="", max_length=200, description="number and date; without it the appeal is left unconsidered"
    )


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class AttachmentList(BaseModel):
    attachments: list[AttachmentOut]


class AppealOut(BaseModel):
    number: str
    status: str
    stage: int
    kind: str
    category: str
    category_confidence: float | None = Field(
        description="the categoriser's probability (0-1) of this category when it is the suggested one; "
        "null when the category was chosen by hand"
    )
    category_review: str = Field(description='"low_confidence" when the suggestion is uncertain, else empty')
    urgency: str
    mahalla: str
    received_at: dt.datetime
    deadline: dt.date
    days_left: int
    is_open: bool
    extended_until: dt.date | None = None


class ExtensionIn(BaseModel):
    """A supervisor's one extension of the deadline (Law on Appeals, Art. 28)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    until: dt.date = Field(description="the new deadline, YYYY-MM-DD")
    reason: str = Field(min_length=10, max_length=1000)


class RegisteredAppealOut(AppealOut):
    access_code: str = Field(description="the citizen's tracking code; shown once, only its hash is stored")


class PublicEventOut(BaseModel):
    type: str = Field(
        description="registered, status, stage, forwarded, extended, further_study, answered, "
        "left_unconsidered, reopened, rated or closed"
    )
    at: dt.datetime
    text: str = Field(description="the sentence shown to the citizen, in the Accept-Language")
    data: dict[str, Any]


class NextStepOut(BaseModel):
    text: str
    date: dt.date | None


class PublicRatingOut(BaseModel):
    score: int
    resolved: bool


class WithdrawalIn(BaseModel):
    """A citizen withdraws their appeal with its access code."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64, description="the access code given at registration")
    reason: str = Field(default="", max_length=1000)


class PublicAppealOut(BaseModel):
    """What a citizen sees of their appeal: what they wrote and its public history; no personal data."""

    number: str
    status: str
    stage: int
    kind: str
    mahalla: str
    text: str
    received_on: dt.date
    registered_on: dt.date
    registration_note: str = Field(description="why registration moved to the next working day; empty otherwise")
    deadline: dt.date
    days_left: int | None = Field(description="null once the answer is given (no countdown)")
    is_open: bool
    history: list[PublicEventOut]
    next_step: NextStepOut | None
    answered_on: dt.date | None
    reply_text: str | None
    rating: PublicRatingOut | None
    reply_letter_url: str | None = Field(description="the reply letter PDF; send the access code as ?code= too")


class Option(BaseModel):
    id: str
    label: str


class FileRulesOut(BaseModel):
    """What a file field accepts (send its files as multipart/form-data parts named after the field)."""

    multiple: bool
    max_files: int
    max_size_mb: int
    allowed_types: list[str]


class FormFieldOut(BaseModel):
    id: str
    type: Literal["string", "long", "boolean", "date", "enum", "file"]
    label: str
    required: bool
    readonly: bool = False
    default: Any = None
    options: list[Option] = []
    min: int | None = None
    max: int | None = None
    minlength: int | None = None
    maxlength: int | None = None
    files: FileRulesOut | None = None


class FormOut(BaseModel):
    fields: list[FormFieldOut]


class AssigneeOut(BaseModel):
    username: str
    full_name: str


class CaseRefOut(BaseModel):
    kind: str  # appeal | prevention_plan | …
    ref: str  # the appeal number, or a stable reference such as plan-12


class TaskOut(BaseModel):
    id: str
    case: CaseRefOut
    appeal_number: str | None  # null for cases that are not appeals
    name: str
    title: str
    role: str
    mahalla: str
    due: dt.date
    days_left: int
    form: FormOut
    assignee: AssigneeOut | None = None


class TaskList(BaseModel):
    tasks: list[TaskOut]


class CompletedOut(BaseModel):
    task_id: str
    case: CaseRefOut
    appeal: AppealOut | None = None  # for appeal tasks
    next_tasks: list[TaskOut] | None = None  # with ?include=next_tasks: the caller's tasks of the case now


class FieldErrorOut(BaseModel):
    field: str
    code: str
    message: str


class ErrorBody(BaseModel):
    status: int
    message: str
    fields: list[FieldErrorOut] = []


class ErrorOut(BaseModel):
    error: ErrorBody
