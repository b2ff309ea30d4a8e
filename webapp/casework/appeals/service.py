"""Registering appeals and reading them within the caller's territory."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import current_app
from pydantic import Field, model_validator
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from webapp.cases.events import log_event
from webapp.casework.appeals.access_notice import send_access_code
from webapp.casework.appeals.categorisation import chosen_or_suggested, suggestion_for
from webapp.casework.appeals.deadlines import DEFAULT_TERM, add_term, registration_date
from webapp.casework.appeals.models import Appeal, AppealKind, AppealNumberCounter, AppealStatus, CoApplicant
from webapp.casework.appeals.runtime import start_case
from webapp.casework.appeals.search import appeal_search_text, search_condition, search_rank
from webapp.casework.supervision.service import FilterArgs, Filters
from webapp.extensions import db
from webapp.intake.attachments.files import Upload
from webapp.intake.attachments.service import store_uploads
from webapp.platform.auth.models import User
from webapp.platform.query_params import IsoDate, check_period, parse
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.territory.service import appeal_scope
from webapp.platform.timeutil import TASHKENT, local_today, utcnow
from webapp.platform.transaction import transaction
from webapp.platform.write_batch import update_row


@dataclass(frozen=True)
class NewAppeal:
    """What intake collects about an appeal (already validated by the route's form or schema)."""

    mahalla: Mahalla
    kind: str
    text: str
    channel: str
    applicant_name: str = ""
    applicant_phone: str = ""
    address: str = ""
    anonymous: bool = False
    category: str = ""  # empty: take the DMN suggestion
    urgency: str = ""
    applicant_email: str = ""
    applicant_passport: str = ""
    # Further signatories of a collective appeal: (name, phone, address).
    co_applicants: tuple[tuple[str, str, str], ...] = ()
    applicant_is_minor: bool = False
    legal_representative: str = ""
    representative_name: str = ""
    power_of_attorney: str = ""
    latitude: float | None = None
    longitude: float | None = None
    open311_client_id: int | None = None
    # Checked files (webapp.intake.attachments.files.check_upload), stored in the registration transaction.
    attachments: tuple[Upload, ...] = ()


ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_access_code() -> str:
    """The code a citizen uses with the registration number to follow the appeal (8 characters)."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(8))


def access_code_key() -> bytes:
    """The server secret of access-code hashes: ACCESS_CODE_KEY, else derived from SECRET_KEY."""
    configured = str(current_app.config.get("ACCESS_CODE_KEY") or "")
    if configured:
        return configured.encode()
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"mahalla access codes", hashlib.sha256).digest()


def access_code_digest(number: str, code: str) -> str:
    """What is stored of a citizen's access code: a keyed hash (HMAC-SHA-256 with the server secret)
    of the SHA-256 of number and code, so a copied database gives nothing to brute-force offline.
    (The inner SHA-256 is what older releases stored; migration c4e1a9d2b7f0 keyed those rows.)"""
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    plain = hashlib.sha256(f"{number}:{normalised}".encode()).hexdigest()
    return hmac.new(access_code_key(), plain.encode(), hashlib.sha256).hexdigest()


def issue_access_code(appeal: Appeal) -> str:
    """A new tracking code for the appeal: only its digest is kept (the old code stops working);
    the caller hands the returned code to the citizen and commits."""
    code = new_access_code()
    appeal.access_code_hash = access_code_digest(appeal.number, code)
    return code


def _next_sequence(year: int) -> int:
    """Atomically take the next registration number of the year."""
    counter = AppealNumberCounter.__table__
    stmt = (
        update(counter)
        .where(counter.c.year == year)
        .values(last_value=counter.c.last_value + 1)
        .returning(counter.c.last_value)
    )
    value = db.session.execute(stmt).scalar_one_or_none()
    if value is not None:
        return int(value)
    try:
        with db.session.begin_nested():
            db.session.execute(insert(counter).values(year=year, last_value=1))
        return 1
    except IntegrityError:
        return int(db.session.execute(stmt).scalar_one())


def format_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:06d}"


def register_appeal(
    new: NewAppeal,
    actor: User | None,
    *,
    received_at: dt.datetime | None = None,
    also: Callable[[Appeal], None] | None = None,
) -> Appeal:
    """Register the appeal and start its lifecycle in one transaction; commit on success.

    The returned appeal carries ``issued_access_code``: the citizen's tracking code, shown to them
    once (only its hash is stored). ``also`` adds the caller's own writes to the same transaction.
    """
    received = received_at or utcnow()
    registered_on = registration_date(received)
    with transaction():
        suggestion, model_version = suggestion_for(new.text, new.channel)
        year = registered_on.year
        sequence = _next_sequence(year)
        appeal = Appeal(
            number=format_number(year, sequence),
            year=year,
            sequence=sequence,
            channel=new.channel,
            kind=AppealKind(new.kind).value,
            category=chosen_or_suggested(new.category, suggestion.category, "other"),
            urgency=chosen_or_suggested(new.urgency, suggestion.urgency, "normal"),
            suggested_category=suggestion.category,
            suggested_urgency=suggestion.urgency,
            suggested_route=suggestion.route,
            suggested_confidence=suggestion.confidence if model_version is not None else None,
            suggestion_review=suggestion.review,
            categoriser_version=model_version,
            anonymous=new.anonymous,
            applicant_name="" if new.anonymous else new.applicant_name.strip(),
            applicant_phone=new.applicant_phone.strip(),
            address=new.address.strip(),
            text=new.text.strip(),
            mahalla_id=new.mahalla.id,
            district_id=new.mahalla.district_id,
            mahalla=new.mahalla,
            status=AppealStatus.REGISTERED.value,
            stage=1,
            received_at=received,
            registered_on=registered_on,
            deadline=add_term(registered_on, DEFAULT_TERM),
            registered_by_id=actor.id if actor else None,
            applicant_email=new.applicant_email.strip(),
            applicant_passport=new.applicant_passport.strip().upper(),
            is_collective=bool(new.co_applicants),
            applicant_is_minor=new.applicant_is_minor,
            legal_representative=new.legal_representative.strip(),
            representative_name=new.representative_name.strip(),
            power_of_attorney=new.power_of_attorney.strip(),
            latitude=new.latitude,
            longitude=new.longitude,
            open311_client_id=new.open311_client_id,
            co_applicants=[
                CoApplicant(name=n.strip(), phone=p.strip(), address=a.strip()) for n, p, a in new.co_applicants
            ],
        )
        access_code = issue_access_code(appeal)
        appeal.search_text = appeal_search_text(appeal)
        db.session.add(appeal)
        db.session.flush()
        send_access_code(appeal, access_code)
        log_event(appeal, "registered", actor, data={"channel": new.channel, "kind": appeal.kind})
        start_case(appeal, actor)
        if also is not None:
            also(appeal)
        store_uploads(appeal, new.attachments, actor)
    appeal.issued_access_code = access_code  # type: ignore[assignment]
    return appeal


def index_reply(appeal: Appeal, reply_text: str) -> None:
    """Make the reply findable: the appeal's search text now includes it (in the caller's transaction)."""
    update_row(Appeal.__table__, appeal.id, {"search_text": appeal_search_text(appeal, reply_text)})


def appeal_for(user: User, number: str) -> Appeal | None:
    """The appeal with this number if the user may see it; None otherwise (callers answer 404)."""
    return db.session.scalar(select(Appeal).where(Appeal.number == number, appeal_scope(user)))


def recent_appeals(user: User, *, limit: int = 50, open_only: bool = False) -> list[Appeal]:
    query = select(Appeal).where(appeal_scope(user, resolved=True))
    if open_only:
        query = query.where(Appeal.is_open.is_(True))
    return list(db.session.scalars(query.order_by(Appeal.received_at.desc()).limit(limit)))


def visible_appeal(user: User, appeal_id: int) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.id == appeal_id, appeal_scope(user)))


# --- the appeals list: filters, the page's rows and the export's stream -------------------------


class AppealListArgs(FilterArgs):
    """The appeals list's parameters (the page and its export): the console's filters and its own;
    a bad value (an unknown status, a malformed date, a period ending before it starts) is an error."""

    status: AppealStatus | None = None
    state: Literal["open", "closed"] | None = None
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    q: str = Field("", max_length=100)

    @model_validator(mode="after")
    def _ordered(self) -> AppealListArgs:
        check_period(self.date_from, self.date_to)
        return self


@dataclass(frozen=True)
class AppealFilters:
    """The appeals list's filters: the console's (territory, category, stage, kind) and more."""

    base: Filters = field(default_factory=Filters)
    status: str = ""
    state: str = ""  # "open", "closed" or "" (both)
    date_from: dt.date | None = None  # received on or after (Tashkent day)
    date_to: dt.date | None = None
    q: str = ""  # what the user typed: see webapp.casework.appeals.search
    overdue: bool = False  # open and past the deadline

    KEYS = ("district", "mahalla", "category", "stage", "kind", "status", "state", "from", "to", "q")

    @classmethod
    def from_args(cls, args: Any) -> AppealFilters:
        """Parse request arguments (a mapping); BadParameter names a bad one."""
        return cls.parsed(parse(AppealListArgs, args))

    @classmethod
    def parsed(cls, given: AppealListArgs) -> AppealFilters:
        return cls(
            base=given.filters(),
            status=given.status.value if given.status else "",
            state=given.state or "",
            date_from=given.date_from,
            date_to=given.date_to,
            q=given.q,
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as request arguments (for links and background exports)."""
        values = {
            "district": self.base.district,
            "mahalla": self.base.mahalla,
            "category": self.base.category,
            "stage": self.base.stage,
            "kind": self.base.kind,
            "status": self.status,
            "state": self.state,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
        }
        return {name: value for name, value in values.items() if value not in (None, "")}

    def condition(self) -> Any:
        parts = [self.base.condition()]
        if self.status:
            parts.append(Appeal.status == self.status)
        if self.state:
            parts.append(Appeal.is_open.is_(self.state == "open"))
        if self.date_from:
            parts.append(Appeal.received_at >= _tashkent_midnight(self.date_from))
        if self.date_to:
            parts.append(Appeal.received_at < _tashkent_midnight(self.date_to + dt.timedelta(days=1)))
        if self.q:
            parts.append(search_condition(self.q))
        if self.overdue:
            parts.append(and_(Appeal.is_open.is_(True), Appeal.deadline < local_today()))
        return and_(*parts)


def _tashkent_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TASHKENT).astimezone(dt.UTC)


SEARCH_CANDIDATES = 500  # a search ranks the newest this many matches (each costs a row read and a rank)


def appeal_list_query(user: User, filters: AppealFilters) -> Any:
    """The appeals the user may see that match the filters with their territory names: newest
    first, or by relevance among the newest ``SEARCH_CANDIDATES`` matches when searching."""
    query = (
        select(Appeal, Mahalla.name, District.name)
        .join(Mahalla, Mahalla.id == Appeal.mahalla_id)
        .join(District, District.id == Appeal.district_id)
    )
    if filters.q:
        candidates = (
            select(Appeal.id)
            .where(appeal_scope(user, resolved=True), filters.condition())
            .order_by(Appeal.id.desc())  # newest registered first: the primary key, no sort of all matches
            .limit(SEARCH_CANDIDATES)
        )
        return query.where(Appeal.id.in_(candidates)).order_by(*appeal_order(filters))
    return query.where(appeal_scope(user, resolved=True), filters.condition()).order_by(*appeal_order(filters))


def appeal_order(filters: AppealFilters) -> tuple[Any, ...]:
    """Relevance then number when searching, else newest received first."""
    if filters.q:
        return (search_rank(filters.q).desc(), Appeal.number)
    return (Appeal.received_at.desc(), Appeal.id.desc())


def filtered_appeals(user: User, filters: AppealFilters, *, limit: int = 100) -> list[Appeal]:
    return list(db.session.scalars(appeal_list_query(user, filters).with_only_columns(Appeal).limit(limit)))


def count_rows(query: Any) -> int:
    """How many rows a list query returns (its order dropped)."""
    return int(db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


def stream_rows(query: Any, batch: int = 1000) -> Iterator[Any]:
    """The rows of a query from a server-side cursor, ``batch`` at a time (constant memory)."""
    yield from db.session.execute(query.execution_options(yield_per=batch))
