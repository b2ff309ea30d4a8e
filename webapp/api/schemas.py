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


class PublicAppealOut(BaseModel):
    """What a citizen sees of their appeal: no personal data."""

    number: str
    status: str
    stage: int
    deadline: dt.date
    days_left: int
    is_open: bool
    reply_letter_url: str | None = Field(description="the reply letter PDF; send the access code as ?code= too")


class Option(BaseModel):
    id: str
    label: str


class FormFieldOut(BaseModel):
    id: str
    type: Literal["string", "long", "boolean", "date", "enum"]
    label: str
    required: bool
    readonly: bool = False
    default: Any = None
    options: list[Option] = []
    min: int | None = None
    max: int | None = None
    minlength: int | None = None
    maxlength: int | None = None


class FormOut(BaseModel):
    fields: list[FormFieldOut]


class AssigneeOut(BaseModel):
    username: str
    full_name: str


class TaskOut(BaseModel):
    id: str
    appeal_number: str
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
    appeal: AppealOut


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
