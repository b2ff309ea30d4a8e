"""The statistics filter in a query string (dashboards, their exports and the API share it).

Parameters: ``period`` (a preset: last_30_days, this_month, last_month, quarter, year) or ``from`` and ``to``
(YYYY-MM-DD, Asia/Tashkent dates), and ``category``, ``kind``, ``channel``. A bad one raises BadParameter
(webapp.platform.query_params) naming it: the pages and the API answer 400.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from pydantic import Field, field_validator, model_validator

from webapp.analytics.stats.service import MAX_PERIOD_DAYS, PRESETS, period_preset
from webapp.casework.appeals.models import CATEGORIES, AppealKind, Channel
from webapp.platform.query_params import BadParameter, IsoDate, QueryModel, check_period, one_of
from webapp.platform.timeutil import local_today

DEFAULT_PRESET = "this_month"  # the API's default (its documented contract)
DASHBOARD_PRESET = "last_30_days"  # the dashboards': meaningful on the first days of a month too
KINDS = tuple(kind.value for kind in AppealKind)
CHANNELS = tuple(channel.value for channel in Channel)


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date
    preset: str  # the preset's name, or "custom"


class StatsArgs(QueryModel):
    """The period and the category / kind / channel filters (empty means all)."""

    period: str = ""
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    category: str = ""
    kind: AppealKind | None = None
    channel: Channel | None = None

    @field_validator("period")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        return "" if value == "custom" else one_of("period", value, PRESETS)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        return one_of("category", value, CATEGORIES)

    @model_validator(mode="after")
    def _ordered(self) -> StatsArgs:
        check_period(self.date_from, self.date_to)
        return self

    def period_of(self, today: dt.date | None = None, default: str = DEFAULT_PRESET) -> Period:
        """The period asked for: from/to if given (both, or one with the other defaulted), else a preset."""
        today = today or local_today()
        date_from, date_to = self.date_from, self.date_to
        if date_from is None and date_to is None:
            name = self.period or default
            start, end = period_preset(name, today)
            return Period(start, end, name)
        if date_from is None:
            assert date_to is not None
            date_from = date_to.replace(day=1)
        if date_to is None:
            date_to = max(today, date_from)
        check_period(date_from, date_to)
        if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
            raise BadParameter("to", "period_too_long", _("The period may be at most three years long."))
        return Period(date_from, date_to, "custom")

    def attributes(self) -> dict[str, str | None]:
        return {
            "category": self.category or None,
            "kind": self.kind.value if self.kind else None,
            "channel": self.channel.value if self.channel else None,
        }
