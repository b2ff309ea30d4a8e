"""Territory scopes, list filters and pagination shared by every prevention-work register.

Who sees what: inspectors and youth advisers the mahallas they serve, supervisors their
district or region, administrators everything. Each register stores ``mahalla_id`` and
``district_id`` on its rows, so a scope is one indexed comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true

from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.query_params import Id, IsoDate, Page, QueryModel, check_period, one_of
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.territory.service import served_mahalla_ids
from webapp.platform.timeutil import TASHKENT

# Roles with a territory of mahallas (user_mahallas).
MAHALLA_ROLES = (Role.INSPECTOR.value, Role.YOUTH_ADVISER.value)
# A list query of any shape (one entity, or an entity with extra columns).
Query = Select[*tuple[Any, ...]]
MAX_EXPORT_ROWS = 100_000


def territory_scope(user: User, mahalla_id: Any, district_id: Any) -> ColumnElement[bool]:
    """Condition on a row's mahalla and district columns: the rows the user may see."""
    if user.role == Role.ADMIN.value:
        return true()
    if user.role in MAHALLA_ROLES:
        return mahalla_id.in_(served_mahalla_ids(user))
    if user.role == Role.SUPERVISOR.value:
        if user.district_id is not None:
            return district_id == user.district_id
        if user.region_id is not None:
            return district_id.in_(select(District.id).where(District.region_id == user.region_id).scalar_subquery())
    return false()


def served_district_ids(user: User) -> Any:
    """Districts of the mahallas an inspector or adviser serves (for district-wide records)."""
    return select(Mahalla.district_id).where(Mahalla.id.in_(served_mahalla_ids(user))).scalar_subquery()


def mahallas_in_scope(user: User) -> list[Mahalla]:
    return list(
        db.session.scalars(
            select(Mahalla).where(territory_scope(user, Mahalla.id, Mahalla.district_id)).order_by(Mahalla.name)
        )
    )


def districts_in_scope(user: User) -> list[District]:
    """Districts the user may see (for inspectors: those of their mahallas)."""
    if user.role in MAHALLA_ROLES:
        condition: ColumnElement[bool] = District.id.in_(served_district_ids(user))
    else:
        condition = territory_scope(user, District.id, District.id)
    return list(db.session.scalars(select(District).where(condition).order_by(District.name)))


def regions_in_scope(user: User) -> list[Region]:
    ids = {d.region_id for d in districts_in_scope(user)}
    return list(db.session.scalars(select(Region).where(Region.id.in_(ids)).order_by(Region.name))) if ids else []


def mahalla_in_scope(user: User, mahalla_id: int | None) -> Mahalla | None:
    """The mahalla if the user may work in it; None otherwise (callers answer 403)."""
    if mahalla_id is None:
        return None
    return db.session.scalar(
        select(Mahalla).where(Mahalla.id == mahalla_id, territory_scope(user, Mahalla.id, Mahalla.district_id))
    )


def district_in_scope(user: User, district_id: int | None) -> District | None:
    if district_id is None:
        return None
    return next((d for d in districts_in_scope(user) if d.id == district_id), None)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TASHKENT).astimezone(dt.UTC)


# --- filters ---------------------------------------------------------------------------------


class WorkListArgs(QueryModel):
    """The query string of a prevention-work list (pages, exports and the API): territory ids, the
    period, the status (checked against the list's own values by ``filters``), a search text and
    the page. A bad value is a BadParameter naming it."""

    region: Id | None = None
    district: Id | None = None
    mahalla: Id | None = None
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    status: str = ""
    q: str = Field("", max_length=100)
    page: Page = 1

    @model_validator(mode="after")
    def _ordered(self) -> WorkListArgs:
        check_period(self.date_from, self.date_to)
        return self

    def filters(self, statuses: Sequence[str] = ()) -> ListFilters:
        return ListFilters(
            region=self.region,
            district=self.district,
            mahalla=self.mahalla,
            date_from=self.date_from,
            date_to=self.date_to,
            status=one_of("status", self.status, statuses),
            query=self.q.strip(),
            page=self.page,
        )


@dataclass(frozen=True)
class ListFilters:
    """Territory, period and status filters of a list; empty means all."""

    region: int | None = None
    district: int | None = None
    mahalla: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    query: str = ""
    page: int = 1

    def territory(self, mahalla_id: Any, district_id: Any) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = [true()]
        if self.region is not None:
            parts.append(
                district_id.in_(select(District.id).where(District.region_id == self.region).scalar_subquery())
            )
        if self.district is not None:
            parts.append(district_id == self.district)
        if self.mahalla is not None:
            parts.append(mahalla_id == self.mahalla)
        return and_(*parts)

    def period(self, column: Any) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = [true()]
        if self.date_from is not None:
            parts.append(column >= self.date_from)
        if self.date_to is not None:
            parts.append(column <= self.date_to)
        return and_(*parts)

    def period_of_timestamp(self, column: Any) -> ColumnElement[bool]:
        """The period on a timestamp column: whole local (Tashkent) days."""
        parts: list[ColumnElement[bool]] = [true()]
        if self.date_from is not None:
            parts.append(column >= _local_midnight(self.date_from))
        if self.date_to is not None:
            parts.append(column < _local_midnight(self.date_to + dt.timedelta(days=1)))
        return and_(*parts)

    def text(self, *columns: Any) -> ColumnElement[bool]:
        if not self.query:
            return true()
        pattern = f"%{self.query.lower()}%"
        return or_(*[func.lower(column).like(pattern) for column in columns])

    def args(self, **changes: Any) -> dict[str, Any]:
        """The filters as query arguments (for links to other pages and to the export)."""
        values = {
            "region": self.region,
            "district": self.district,
            "mahalla": self.mahalla,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "status": self.status,
            "q": self.query,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}


def all_rows(query: Query) -> list[Any]:
    result = db.session.execute(query.limit(MAX_EXPORT_ROWS))
    return list(result.scalars()) if len(query.column_descriptions) == 1 else list(result.all())
