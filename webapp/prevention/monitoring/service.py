"""Monitoring of prevention work per mahalla and district, and the mahalla risk colour.

The colour comes from the DMN table ``mahalla_risk`` (processes/mahalla_risk/), a lineage of its
own: a methodologist edits and publishes it in the process library, and the next page view uses
the new version. Every rule that fits fires (COLLECT); the most severe colour wins and the
reasons of the rules that gave it are shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from engine import EngineError, FiredRule
from webapp.cases.versions import decide_many_with_latest, register_bundled_lineage
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import (
    PersonStatus,
    PlanStatus,
    PreventionPlan,
    SupervisedPerson,
    supervised_person_appeals,
)
from webapp.prevention.work.models import (
    AdvocacyEvent,
    EventStatus,
    PatrolIncident,
    PatrolReport,
    YoungPerson,
    YouthReferral,
)
from webapp.prevention.work.scope import ListFilters, territory_scope

logger = logging.getLogger(__name__)

RISK_LINEAGE = "mahalla_risk"
RISK_DECISION = "mahalla_risk"
register_bundled_lineage(RISK_LINEAGE, "mahalla_risk")

SEVERITY = {"red": 3, "yellow": 2, "green": 1}
# The figures the decision table reads (its inputs), as named in the DMN.
DECISION_INPUTS = ("open_crime_appeals", "registry_count", "overdue_plans", "repeat_offences", "incidents")


@dataclass
class Figures:
    registry_count: int = 0
    risk_groups: dict[str, int] = field(default_factory=dict)
    plans_on_time: int = 0
    overdue_plans: int = 0
    repeat_offences: int = 0
    youth_placed: int = 0
    patrols_held: int = 0
    events_held: int = 0
    open_crime_appeals: int = 0
    incidents: int = 0

    def add(self, other: Figures) -> None:
        for name in (
            "registry_count",
            "plans_on_time",
            "overdue_plans",
            "repeat_offences",
            "youth_placed",
            "patrols_held",
            "events_held",
            "open_crime_appeals",
            "incidents",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for group, count in other.risk_groups.items():
            self.risk_groups[group] = self.risk_groups.get(group, 0) + count

    def decision_inputs(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in DECISION_INPUTS}


@dataclass(frozen=True)
class Risk:
    colour: str  # red | yellow | green | unknown (the table could not be evaluated)
    reasons: tuple[str, ...] = ()


@dataclass
class MahallaLine:
    mahalla: Mahalla
    district: District
    figures: Figures
    risk: Risk


@dataclass
class DistrictLine:
    district: District
    figures: Figures
    colours: dict[str, int]


@dataclass
class Monitoring:
    date_from: dt.date
    date_to: dt.date
    mahallas: list[MahallaLine]
    districts: list[DistrictLine]
    total: Figures


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Since the start of the year (yil boshidan), as the service's statistics are kept."""
    today = today or local_today()
    return today.replace(month=1, day=1), today


def _counts(query: Any) -> dict[int, int]:
    return {int(mahalla_id): int(count) for mahalla_id, count in db.session.execute(query)}


def _between(column: Any, date_from: dt.date, date_to: dt.date) -> ColumnElement[bool]:
    return and_(column >= date_from, column <= date_to)


def _figures(mahalla_ids: list[int], date_from: dt.date, date_to: dt.date, today: dt.date) -> dict[int, Figures]:
    figures = {mahalla_id: Figures() for mahalla_id in mahalla_ids}
    if not mahalla_ids:
        return figures

    def put(name: str, counts: dict[int, int]) -> None:
        for mahalla_id, count in counts.items():
            if mahalla_id in figures:
                setattr(figures[mahalla_id], name, count)

    person_in = SupervisedPerson.mahalla_id.in_(mahalla_ids)
    for mahalla_id, group, count in db.session.execute(
        select(SupervisedPerson.mahalla_id, SupervisedPerson.risk_group, func.count())
        .where(person_in, SupervisedPerson.status == PersonStatus.ACTIVE)
        .group_by(SupervisedPerson.mahalla_id, SupervisedPerson.risk_group)
    ):
        line = figures[int(mahalla_id)]
        line.risk_groups[str(group)] = int(count)
        line.registry_count += int(count)

    active_plan = and_(PreventionPlan.mahalla_id.in_(mahalla_ids), PreventionPlan.status == PlanStatus.ACTIVE)
    overdue = PreventionPlan.next_due_on < today
    put(
        "overdue_plans",
        _counts(
            select(PreventionPlan.mahalla_id, func.count())
            .where(active_plan, overdue)
            .group_by(PreventionPlan.mahalla_id)
        ),
    )
    put(
        "plans_on_time",
        _counts(
            select(PreventionPlan.mahalla_id, func.count())
            .where(active_plan, ~overdue | PreventionPlan.next_due_on.is_(None))
            .group_by(PreventionPlan.mahalla_id)
        ),
    )
    # Repeated offences: appeals about a person under an active plan registered after the plan
    # started, and patrol incidents linked to them after that date, within the period.
    started = and_(active_plan, PreventionPlan.starts_on.is_not(None))
    appeals = (
        select(PreventionPlan.mahalla_id, func.count(func.distinct(Appeal.id)))
        .join(supervised_person_appeals, supervised_person_appeals.c.person_id == PreventionPlan.person_id)
        .join(Appeal, Appeal.id == supervised_person_appeals.c.appeal_id)
        .where(
            started,
            Appeal.registered_on >= PreventionPlan.starts_on,
            _between(Appeal.registered_on, date_from, date_to),
        )
        .group_by(PreventionPlan.mahalla_id)
    )
    incidents = (
        select(PreventionPlan.mahalla_id, func.count(func.distinct(PatrolIncident.id)))
        .join(PatrolIncident, PatrolIncident.person_id == PreventionPlan.person_id)
        .where(
            started,
            PatrolIncident.occurred_on >= PreventionPlan.starts_on,
            _between(PatrolIncident.occurred_on, date_from, date_to),
        )
        .group_by(PreventionPlan.mahalla_id)
    )
    repeated: dict[int, int] = defaultdict(int)
    for counts in (_counts(appeals), _counts(incidents)):
        for mahalla_id, count in counts.items():
            repeated[mahalla_id] += count
    put("repeat_offences", repeated)

    put(
        "youth_placed",
        _counts(
            select(YoungPerson.mahalla_id, func.count())
            .join(YouthReferral, YouthReferral.person_id == YoungPerson.id)
            .where(
                YoungPerson.mahalla_id.in_(mahalla_ids),
                YouthReferral.outcome == "placed",
                _between(YouthReferral.outcome_on, date_from, date_to),
            )
            .group_by(YoungPerson.mahalla_id)
        ),
    )
    put(
        "patrols_held",
        _counts(
            select(PatrolReport.mahalla_id, func.count())
            .where(PatrolReport.mahalla_id.in_(mahalla_ids), _between(PatrolReport.report_date, date_from, date_to))
            .group_by(PatrolReport.mahalla_id)
        ),
    )
    put(
        "events_held",
        _counts(
            select(AdvocacyEvent.mahalla_id, func.count())
            .where(
                AdvocacyEvent.mahalla_id.in_(mahalla_ids),
                AdvocacyEvent.status == EventStatus.HELD,
                _between(AdvocacyEvent.event_date, date_from, date_to),
            )
            .group_by(AdvocacyEvent.mahalla_id)
        ),
    )
    put(
        "incidents",
        _counts(
            select(PatrolIncident.mahalla_id, func.count())
            .where(PatrolIncident.mahalla_id.in_(mahalla_ids), _between(PatrolIncident.occurred_on, date_from, date_to))
            .group_by(PatrolIncident.mahalla_id)
        ),
    )
    put(
        "open_crime_appeals",
        _counts(
            select(Appeal.mahalla_id, func.count())
            .where(Appeal.mahalla_id.in_(mahalla_ids), Appeal.is_open.is_(True), Appeal.category == "crime_prevention")
            .group_by(Appeal.mahalla_id)
        ),
    )
    return figures


def _risk(fired: list[FiredRule]) -> Risk:
    outcomes = [(str(rule.outputs.get("colour", "")), str(rule.outputs.get("reason", "") or "")) for rule in fired]
    known = [(colour, reason) for colour, reason in outcomes if colour in SEVERITY]
    if not known:
        return Risk("unknown")
    worst = max(known, key=lambda outcome: SEVERITY[outcome[0]])[0]
    reasons = tuple(dict.fromkeys(reason for colour, reason in known if colour == worst and reason))
    return Risk(worst, reasons)


def risk_of(inputs: dict[str, int]) -> Risk:
    """The colour and reasons from the newest published version of the mahalla_risk table."""
    return _risks_of([inputs])[0]


def _risks_of(rows: list[dict[str, int]]) -> list[Risk]:
    """Risks for many inputs, evaluated together in one isolated call."""
    try:
        fired = decide_many_with_latest(RISK_LINEAGE, RISK_DECISION, list(rows))
    except EngineError as exc:
        logger.warning("mahalla_risk could not be evaluated: %s", exc)
        return [Risk("unknown") for _ in rows]
    return [_risk(rules) for rules in fired]


def _risks(lines: Iterable[Figures]) -> list[Risk]:
    """Risks of many mahallas: the distinct figures of the page decided in one isolated call."""
    keys = []
    distinct: dict[tuple[int, ...], dict[str, int]] = {}
    for figures in lines:
        inputs = figures.decision_inputs()
        key = tuple(inputs.values())
        distinct.setdefault(key, inputs)
        keys.append(key)
    decided = dict(zip(distinct, _risks_of(list(distinct.values())), strict=True))
    return [decided[key] for key in keys]


def monitoring(user: User, filters: ListFilters, today: dt.date | None = None) -> Monitoring:
    """Figures and colours of the mahallas of the user's territory under the filters."""
    today = today or local_today()
    start, end = default_period(today)
    date_from, date_to = filters.date_from or start, filters.date_to or end
    rows = db.session.execute(
        select(Mahalla, District)
        .join(District, District.id == Mahalla.district_id)
        .where(
            territory_scope(user, Mahalla.id, Mahalla.district_id),
            filters.territory(Mahalla.id, Mahalla.district_id),
        )
        .order_by(District.name, Mahalla.name)
    ).all()
    figures = _figures([m.id for m, _d in rows], date_from, date_to, today)
    ordered = [figures[m.id] for m, _d in rows]
    lines = [
        MahallaLine(mahalla, district, line, risk)
        for (mahalla, district), line, risk in zip(rows, ordered, _risks(ordered), strict=True)
    ]
    if filters.status:
        lines = [line for line in lines if line.risk.colour == filters.status]
    districts: dict[int, DistrictLine] = {}
    total = Figures()
    for line in lines:
        district_line = districts.setdefault(
            line.district.id, DistrictLine(line.district, Figures(), {"red": 0, "yellow": 0, "green": 0, "unknown": 0})
        )
        district_line.figures.add(line.figures)
        district_line.colours[line.risk.colour] += 1
        total.add(line.figures)
    return Monitoring(date_from, date_to, lines, list(districts.values()), total)


def export_rows(result: Monitoring, colour_label: Any, reason_label: Any) -> Iterator[list[Any]]:
    for line in result.mahallas:
        f = line.figures
        yield [
            line.district.name,
            line.mahalla.name,
            colour_label(line.risk.colour),
            "; ".join(reason_label(reason) for reason in line.risk.reasons),
            f.registry_count,
            ", ".join(f"{group}: {count}" for group, count in sorted(f.risk_groups.items())),
            f.plans_on_time,
            f.overdue_plans,
            f.repeat_offences,
            f.open_crime_appeals,
            f.incidents,
            f.youth_placed,
            f.patrols_held,
            f.events_held,
        ]
