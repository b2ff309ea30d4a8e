"""Appeals (murojaat) and their yearly registration numbers."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    DDL,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.cases.instances import Subject
from webapp.cases.models import APPEAL
from webapp.casework.appeals import search_ddl
from webapp.extensions import db
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import utcnow


class AppealKind(enum.StrEnum):
    ARIZA = "ariza"
    TAKLIF = "taklif"
    SHIKOYAT = "shikoyat"


class AppealStatus(enum.StrEnum):
    REGISTERED = "registered"
    UNDER_REVIEW = "under_review"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    ANSWERED = "answered"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the citizen withdrew the appeal (the case's withdrawal event sub-process)


class Channel(enum.StrEnum):
    WALK_IN = "walk_in"
    WRITTEN = "written"
    ORAL = "oral"
    WEB = "web"
    API = "api"
    OPEN311 = "open311"
    # An incident met by a "Fidokor Yoshlar" patrol (webapp/prevention/patrols).
    PATROL = "patrol"


CATEGORIES = (
    "crime_prevention",
    "public_safety",
    "family_conflict",
    "minors_youth",
    "social_assistance",
    "utilities",
    "other",
)
URGENCIES = ("normal", "urgent")


class Appeal(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_appeals_year_sequence"),
        Index("ix_appeals_mahalla_open_deadline", "mahalla_id", "is_open", "deadline"),
        Index("ix_appeals_district_received", "district_id", "received_at"),
        # Statistics (webapp/stats): a territory and the registration period. On PostgreSQL the
        # district index carries every column the figures read, so they come from index-only scans.
        Index(
            "ix_appeals_district_registered",
            "district_id",
            "registered_on",
            postgresql_include=[
                "id",
                "mahalla_id",
                "status",
                "is_open",
                "deadline",
                "received_at",
                "closed_at",
                "category",
                "kind",
                "channel",
                "is_repeated",
                "categorisation_overridden",
            ],
        ),
        Index("ix_appeals_mahalla_registered", "mahalla_id", "registered_on"),
        Index("ix_appeals_registered_on", "registered_on"),
        # A territory's open appeals by deadline, with what the figures group them by: the counts
        # of appeals open past their deadline read the open appeals only (index-only on
        # PostgreSQL), not every appeal of the period; the supervision lists find a district's
        # open appeals by it.
        Index(
            "ix_appeals_open_district_deadline",
            "district_id",
            "deadline",
            postgresql_where=text("is_open"),
            sqlite_where=text("is_open"),
            postgresql_include=["id", "registered_on", "mahalla_id", "category", "kind", "channel"],
        ),
        # The monthly report's repeated addresses: a district's repeated appeals of the month, not
        # every appeal of the month in the country (the registration-day index) nor of the district.
        Index(
            "ix_appeals_repeated_district_registered",
            "district_id",
            "registered_on",
            postgresql_where=text("is_repeated"),
            sqlite_where=text("is_repeated"),
            postgresql_include=["mahalla_id", "address"],
        ),
        # Open past the deadline in the whole country (the figures' overdue_open): the open appeals
        # only, so the count follows the appeals open now, not every appeal of the period. With the
        # id, the open appeals not yet due are matched to the late tasks (overdue now) without
        # reading their rows either.
        Index(
            "ix_appeals_open_deadline",
            "deadline",
            postgresql_where=text("is_open"),
            sqlite_where=text("is_open"),
            postgresql_include=["registered_on", "district_id", "id"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40), default="other")
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    anonymous: Mapped[bool] = mapped_column(default=False)
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    status: Mapped[str] = mapped_column(String(20), default=AppealStatus.REGISTERED.value)
    stage: Mapped[int] = mapped_column(Integer, default=1)
    is_open: Mapped[bool] = mapped_column(default=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    # Applicant details beyond name and phone (Law on Appeals: collective appeals, minors, representatives).
    applicant_email: Mapped[str] = mapped_column(String(200), default="")
    applicant_passport: Mapped[str] = mapped_column(String(20), default="", index=True)
    is_collective: Mapped[bool] = mapped_column(default=False)
    applicant_is_minor: Mapped[bool] = mapped_column(default=False)
    legal_representative: Mapped[str] = mapped_column(String(200), default="")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    power_of_attorney: Mapped[str] = mapped_column(String(200), default="")
    # Where: Open311 clients send coordinates or an address string.
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    # Citizen tracking: only the hash of the access code handed to the applicant is kept.
    access_code_hash: Mapped[str] = mapped_column(String(64), default="")
    # Automatic categorisation (the text model through the DMN) and whether the registering inspector overrode it.
    suggested_category: Mapped[str] = mapped_column(String(40), default="")
    suggested_urgency: Mapped[str] = mapped_column(String(20), default="")
    suggested_route: Mapped[str] = mapped_column(String(40), default="")
    # The model's probability of the suggested category (None: suggested before the model, or by rules alone)
    # and the DMN's review flag ("low_confidence": shown to the inspector as uncertain).
    suggested_confidence: Mapped[float | None] = mapped_column()
    suggestion_review: Mapped[str] = mapped_column(String(20), default="", server_default="")
    categoriser_version: Mapped[int | None] = mapped_column(Integer)
    categorisation_overridden: Mapped[bool] = mapped_column(default=False)
    # Links to earlier appeals (stage 2) and repeated appeals counted in stage 5.
    is_repeated: Mapped[bool] = mapped_column(default=False)
    # One extension by a supervisor, at most one month (Art. 28).
    extended_until: Mapped[dt.date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    open311_client_id: Mapped[int | None] = mapped_column(ForeignKey("open311_clients.id"))
    # Number, applicant, phone, address, text and reply, normalised (webapp.casework.appeals.normalise).
    # Only searched in SQL, never read: deferred, so that a loaded appeal (every list, every completion)
    # does not carry a second copy of its text.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)

    # Set only on the object returned by registration: the tracking code to show the citizen once.
    issued_access_code = None

    mahalla: Mapped[Mahalla] = relationship()
    co_applicants: Mapped[list[CoApplicant]] = relationship(
        back_populates="appeal", order_by="CoApplicant.id", cascade="all, delete-orphan"
    )

    @property
    def case_subject(self) -> Subject:
        """The appeal as the case runtime knows it (webapp.cases.events.Recorded)."""
        return Subject(APPEAL, self.id)

    @property
    def event_columns(self) -> dict[str, int | None]:
        """What an appeal's case events carry besides: its stage, its id (the analytics join on it)."""
        return {"appeal_id": self.id, "stage": self.stage}


for _statement in search_ddl.POSTGRESQL:
    event.listen(Appeal.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in search_ddl.SQLITE:
    event.listen(Appeal.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in search_ddl.SQLITE_DROP:
    event.listen(Appeal.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))


class CoApplicant(db.Model):  # type: ignore[name-defined,misc]
    """Further signatories of a collective appeal (jamoaviy murojaat)."""

    __tablename__ = "co_applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")

    appeal: Mapped[Appeal] = relationship(back_populates="co_applicants")


class Attachment(db.Model):  # type: ignore[name-defined,misc]
    """A photo or document attached to an appeal; the bytes live in the attachment store."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A file given in a task form's file field (e.g. a partner's outcome report): the task and the
    # field; the case data holds only its reference. None for files attached to the appeal itself.
    task_name: Mapped[str | None] = mapped_column(String(100))
    form_field: Mapped[str | None] = mapped_column(String(100))


class AppealLink(db.Model):  # type: ignore[name-defined,misc]
    """An earlier appeal the inspector linked as related (same applicant, address or similar text)."""

    __tablename__ = "appeal_links"
    __table_args__ = (UniqueConstraint("appeal_id", "related_appeal_id", name="uq_appeal_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    related_appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(default=0.0)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReceptionRecord(db.Model):  # type: ignore[name-defined,misc]
    """An oral appeal solved on the spot at a reception: protocol entry only (Art. 23)."""

    __tablename__ = "reception_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    citizen_name: Mapped[str] = mapped_column(String(200))
    residence: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AppealRating(db.Model):  # type: ignore[name-defined,misc]
    """The citizen's rating of the answer (1–5), and whether the problem was resolved."""

    __tablename__ = "appeal_ratings"
    # With the score, statistics read the ratings of an appeal from the index alone.
    __table_args__ = (Index("ix_appeal_ratings_appeal_score", "appeal_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))
    score: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[bool] = mapped_column(default=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentStatus(enum.StrEnum):
    """A reply letter: its PDF is being prepared by the background job, or ready."""

    PREPARING = "preparing"
    READY = "ready"


class Document(db.Model):  # type: ignore[name-defined,misc]
    """A document produced on a case, such as the reply letter (its text and its PDF)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    # None while the PDF is being prepared by the background job (webapp/casework/replies/preparation.py).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # preparing → ready; a failed attempt stays preparing with its error and the time of the next try.
    status: Mapped[str] = mapped_column(
        String(20), default=DocumentStatus.READY, server_default=DocumentStatus.READY.value
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_documents_preparing", "status", "next_attempt_at"),)


class AppealNumberCounter(db.Model):  # type: ignore[name-defined,misc]
    """The last registration number issued in a year; incremented atomically."""

    __tablename__ = "appeal_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
