"""Monitoring of cooperation (issue 19, item 5): per partner organisation and per district —
referrals sent in a period, acknowledged in time, answered in time, median days to answer, and
how many are overdue now.

"In time" is by the referral's own norms (5 and 15 working days, webapp/cooperation/referrals/norms.py);
days to answer are calendar days from sending to the answer. A withdrawn or re-routed referral
counts as sent but is neither answered nor overdue. The rows of one district are few (hundreds a
month), so the medians are taken in Python over the fetched dates.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.referrals.models import OPEN_STATUSES, Referral
from webapp.extensions import db
from webapp.platform.territory.models import District


@dataclass(frozen=True)
class CooperationRow:
    key: str  # the organisation's id, or the district's code for a district's total
    name: str
    district: str
    sent: int
    acknowledged_on_time: int
    answered: int
    answered_on_time: int
    median_days_to_answer: float | None
    overdue_now: int

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.sent if self.sent else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Fact:
    organisation_id: int | None
    organisation: str
    district_code: str
    district: str
    in_period: bool
    acknowledged_on_time: bool
    answered: bool
    answered_on_time: bool
    days_to_answer: int | None
    overdue_now: bool


def _facts(where: ColumnElement[bool], first: dt.date, last: dt.date, today: dt.date) -> list[_Fact]:
    """The referrals sent in the period, and the open ones overdue today whenever they were sent."""
    rows = db.session.execute(
        select(Referral, PartnerOrganisation.name, District.code, District.name)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == Referral.organisation_id)
        .join(District, District.id == Referral.district_id)
        .where(
            where,
            or_(
                Referral.sent_on.between(first, last),
                Referral.status.in_(OPEN_STATUSES) & (Referral.answer_due < today),
            ),
        )
    ).all()
    facts = []
    for referral, organisation, district_code, district in rows:
        answered = referral.answered_on is not None
        facts.append(
            _Fact(
                organisation_id=referral.organisation_id,
                organisation=organisation or "—",
                district_code=district_code,
                district=district,
                in_period=first <= referral.sent_on <= last,
                acknowledged_on_time=bool(referral.acknowledged_in_time),
                answered=answered,
                answered_on_time=bool(referral.answered_in_time),
                days_to_answer=(referral.answered_on - referral.sent_on).days if referral.answered_on else None,
                overdue_now=referral.is_open and referral.answer_due < today,
            )
        )
    return facts


def _row(key: str, name: str, district: str, facts: Iterable[_Fact]) -> CooperationRow:
    facts = list(facts)
    sent = [f for f in facts if f.in_period]
    days = [f.days_to_answer for f in sent if f.days_to_answer is not None]
    return CooperationRow(
        key=key,
        name=name,
        district=district,
        sent=len(sent),
        acknowledged_on_time=sum(f.acknowledged_on_time for f in sent),
        answered=sum(f.answered for f in sent),
        answered_on_time=sum(f.answered_on_time for f in sent),
        median_days_to_answer=float(statistics.median(days)) if days else None,
        overdue_now=sum(f.overdue_now for f in facts),
    )


@dataclass(frozen=True)
class Cooperation:
    partners: list[CooperationRow]
    districts: list[CooperationRow]
    total: CooperationRow

    def as_dict(self) -> dict[str, Any]:
        return {
            "partners": [r.as_dict() for r in self.partners],
            "districts": [r.as_dict() for r in self.districts],
            "total": self.total.as_dict(),
        }


def cooperation(
    first: dt.date, last: dt.date, today: dt.date, *, district_id: int | None = None, region_id: int | None = None
) -> Cooperation:
    """The figures of one district, or of a region's districts (one of the two ids)."""
    if district_id is not None:
        where: ColumnElement[bool] = Referral.district_id == district_id
    else:
        where = Referral.district_id.in_(select(District.id).where(District.region_id == region_id))
    facts = _facts(where, first, last, today)
    by_partner: dict[int | None, list[_Fact]] = {}
    by_district: dict[str, list[_Fact]] = {}
    for fact in facts:
        by_partner.setdefault(fact.organisation_id, []).append(fact)
        by_district.setdefault(fact.district_code, []).append(fact)
    partners = sorted(
        (_row(str(key or ""), group[0].organisation, group[0].district, group) for key, group in by_partner.items()),
        key=lambda r: (r.district, r.name),
    )
    districts = sorted(
        (_row(code, group[0].district, group[0].district, group) for code, group in by_district.items()),
        key=lambda r: r.name,
    )
    return Cooperation(partners, districts, _row("", "", "", facts))


def rule_inputs(figures: Cooperation) -> dict[str, Any]:
    """What the report's recommendation rules may read of the cooperation figures."""
    total = figures.total
    return {
        "referrals_sent": total.sent,
        "referrals_on_time_rate": round(100.0 * total.on_time_share, 1) if total.on_time_share is not None else 100.0,
        "referrals_overdue": total.overdue_now,
    }
