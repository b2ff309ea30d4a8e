"""The monthly analytical report of a district or region, built on the stats service.

Every figure comes from ``webapp.analytics.stats.service`` (the same aggregates as the dashboards); this
module only compares the month with the previous calendar month, ranks what changed most, adds
the repeated-appeal addresses and asks the DMN table ``report_recommendations`` (a lineage of
its own in the process library, edited and versioned by methodologists) what to recommend.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, true

from webapp.analytics.reports.models import MonthlyReport
from webapp.analytics.reports.pdf import report_pdf
from webapp.analytics.stats import service as stats
from webapp.cases.versions import current_version, decide_with_latest, register_bundled_lineage
from webapp.casework.appeals.models import Appeal
from webapp.cooperation.referrals.figures import cooperation
from webapp.cooperation.referrals.figures import rule_inputs as cooperation_inputs
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import local_today, utcnow

RULES = "report_recommendations"  # the lineage (processes/report_recommendations/) and the decision id
register_bundled_lineage(RULES, "report_recommendations")

LANGUAGES = ("uz", "ru")
SCOPES = ("district", "region")
TOP = 5
MIN_FOR_GROWTH = 5  # a category's growth counts for the rules from this many appeals last month
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReportInputError(ValueError):
    """Bad request input: ``field`` names it, ``message`` says what is wrong (translatable)."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Territory:
    scope: str
    code: str
    name: str
    region: Region
    district: District | None

    def stats_filter(self, first: dt.date, last: dt.date) -> stats.StatsFilter:
        if self.district is not None:
            return stats.StatsFilter(first, last, district_id=self.district.id)
        return stats.StatsFilter(first, last, region_id=self.region.id)


def parse_month(raw: str | None, today: dt.date | None = None) -> dt.date:
    """The first day of a month given as YYYY-MM (not in the future, not before 2000)."""
    match = _MONTH.match((raw or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ReportInputError("month", _l("The month must be given as YYYY-MM, e.g. 2026-03."))
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    today = today or local_today()
    if first > today.replace(day=1):
        raise ReportInputError("month", _l("The month is in the future."))
    if first.year < 2000:
        raise ReportInputError("month", _l("The month is too far in the past."))
    return first


def month_end(first: dt.date) -> dt.date:
    return next_month(first) - dt.timedelta(days=1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def territory(scope: str, code: str) -> Territory | None:
    """The district or region with this code; None when there is none (callers answer 404)."""
    if scope == "district":
        district = stats.district_by_code(code)
        if district is None:
            return None
        return Territory(scope, district.code, district.name, district.region, district)
    if scope == "region":
        region = stats.region_by_code(code)
        return None if region is None else Territory(scope, region.code, region.name, region, None)
    return None


def may_view(user: User, place: Territory) -> bool:
    return stats.may_view(user, region=place.region if place.district is None else None, district=place.district)


def default_territory(user: User) -> Territory | None:
    """The territory a supervisor's reports are about by default."""
    if user.district is not None:
        return territory("district", user.district.code)
    if user.region is not None:
        return territory("region", user.region.code)
    region = db.session.scalar(select(Region).order_by(Region.name))
    return None if region is None else territory("region", region.code)


def territories_for(user: User) -> list[Territory]:
    """Every district and region whose report the user may open (for the report picker)."""
    if user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value):
        regions = list(db.session.scalars(select(Region).order_by(Region.name)))
    elif user.role == Role.SUPERVISOR.value and user.district is not None:
        return [Territory("district", user.district.code, user.district.name, user.district.region, user.district)]
    elif user.role == Role.SUPERVISOR.value and user.region is not None:
        regions = [user.region]
    else:
        return []
    places = []
    for region in regions:
        places.append(Territory("region", region.code, region.name, region, None))
        places += [Territory("district", d.code, d.name, region, d) for d in region.districts]
    return places


# --- building a report -------------------------------------------------------------------------


def _change_rows(current: Sequence[stats.Group], previous: Sequence[stats.Group]) -> list[dict[str, Any]]:
    before = {group.key: group for group in previous}
    rows = []
    for key in {group.key for group in current} | set(before):
        now = next((g for g in current if g.key == key), None)
        was = before.get(key)
        received_now = now.figures.received if now else 0
        received_was = was.figures.received if was else 0
        rows.append(
            {
                "key": key,
                "name": (now or was).name if (now or was) else "",  # type: ignore[union-attr]
                "current": received_now,
                "previous": received_was,
                "delta": received_now - received_was,
                "percent": round(100.0 * (received_now - received_was) / received_was, 1) if received_was else None,
            }
        )
    return rows


def _movers(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    up = sorted((r for r in rows if r["delta"] > 0), key=lambda r: (-r["delta"], r["key"]))[:TOP]
    down = sorted((r for r in rows if r["delta"] < 0), key=lambda r: (r["delta"], r["key"]))[:TOP]
    return up, down


def _repeated_addresses(place: Territory, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The addresses with the most repeated appeals in the month (ties: by address)."""
    # "= true", not "IS true": PostgreSQL matches the partial index of repeated appeals only with the former.
    where = [Appeal.is_repeated == true(), Appeal.registered_on >= first, Appeal.registered_on <= last]
    if place.district is not None:
        where.append(Appeal.district_id == place.district.id)
    else:
        where.append(Appeal.district_id.in_(select(District.id).where(District.region_id == place.region.id)))
    count = func.count().label("repeated")
    rows = db.session.execute(
        select(Appeal.address, Mahalla.name, count)
        .join(Mahalla, Mahalla.id == Appeal.mahalla_id)
        .where(*where, Appeal.address != "")
        .group_by(Appeal.address, Mahalla.name)
        .having(func.count() > 1)
        .order_by(count.desc(), Appeal.address)
        .limit(TOP)
    ).all()
    return [{"address": address, "mahalla": mahalla, "repeated": n} for address, mahalla, n in rows]


def rule_inputs(figures: stats.Figures, categories: list[dict[str, Any]]) -> dict[str, Any]:
    """What the recommendation rules read (see the DMN table's description)."""
    growth = [r["percent"] for r in categories if r["previous"] >= MIN_FOR_GROWTH and r["percent"] is not None]
    return {
        "on_time_rate": round(100.0 * figures.on_time_share, 1) if figures.on_time_share is not None else 100.0,
        "overdue_count": figures.overdue,
        "repeated_share": round(100.0 * figures.repeated / figures.received, 1) if figures.received else 0.0,
        "satisfaction": round(figures.rating_average, 2) if figures.rating_average is not None else 5.0,
        "category_growth": max(growth, default=0.0),
        "received": figures.received,
    }


def recommendations(inputs: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The recommendations of the newest published rules, most important first, and that version's id."""
    version = current_version(RULES)
    fired = decide_with_latest(RULES, RULES, inputs)
    items = [
        {
            "key": str(rule.outputs.get("key") or ""),
            "rule": rule.name,
            "uz": str(rule.outputs.get("text_uz") or ""),
            "ru": str(rule.outputs.get("text_ru") or ""),
            "priority": int(rule.outputs.get("priority") or 3),
        }
        for rule in fired
    ]
    return sorted(items, key=lambda item: item["priority"]), version.id  # shown as its number (vN)


def build(place: Territory, first: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """The report's content as plain data (stored as JSON in the archive, rendered as page and PDF)."""
    last = month_end(first)
    before = previous_month(first)
    current_filter = place.stats_filter(first, last)
    previous_filter = place.stats_filter(before, month_end(before))
    current = stats.figures(current_filter, today)
    previous = stats.figures(previous_filter, today)
    comparison = stats.compare(current, previous, previous_filter)
    mahallas = _change_rows(
        stats.grouped(current_filter, "mahalla", today), stats.grouped(previous_filter, "mahalla", today)
    )
    categories = _change_rows(
        stats.grouped(current_filter, "category", today), stats.grouped(previous_filter, "category", today)
    )
    inspectors: list[dict[str, Any]] = [
        {
            "key": g.key,
            "name": g.name,
            "overdue": g.figures.overdue,
            "overdue_open": g.figures.overdue_open,
            "answered_late": g.figures.answered_late,
            "received": g.figures.received,
        }
        for g in stats.grouped(current_filter, "inspector", today)
        if g.figures.overdue
    ]
    hot_mahallas: list[dict[str, Any]] = [
        {"key": g.key, "name": g.name, "repeated": g.figures.repeated, "received": g.figures.received}
        for g in stats.grouped(current_filter, "mahalla", today)
        if g.figures.repeated
    ]
    partners = cooperation(
        first,
        last,
        today or local_today(),
        district_id=place.district.id if place.district is not None else None,
        region_id=place.region.id,
    )
    inputs = {**rule_inputs(current, categories), **cooperation_inputs(partners)}
    advice, rules_version = recommendations(inputs)
    mahallas_up, mahallas_down = _movers(mahallas)
    categories_up, categories_down = _movers(categories)
    return {
        "scope": place.scope,
        "code": place.code,
        "name": place.name,
        "region": place.region.name,
        "month": first.strftime("%Y-%m"),
        "previous_month": before.strftime("%Y-%m"),
        "figures": current.as_dict(),
        "previous": previous.as_dict(),
        "changes": {name: change.as_dict() for name, change in comparison.changes.items()},
        "mahallas_up": mahallas_up,
        "mahallas_down": mahallas_down,
        "categories_up": categories_up,
        "categories_down": categories_down,
        "inspectors": sorted(inspectors, key=lambda r: (-r["overdue"], r["name"]))[:TOP],
        "hot_mahallas": sorted(hot_mahallas, key=lambda r: (-r["repeated"], r["name"]))[:TOP],
        "hot_addresses": _repeated_addresses(place, first, last),
        "cooperation": partners.as_dict(),
        "inputs": inputs,
        "recommendations": advice,
        "rules_version": rules_version,
        "built_at": utcnow().isoformat(timespec="seconds"),
    }


# --- the archive -------------------------------------------------------------------------------


def _all_territories() -> list[Territory]:
    places = []
    for region in db.session.scalars(select(Region).order_by(Region.code)):
        places.append(Territory("region", region.code, region.name, region, None))
        places += [Territory("district", d.code, d.name, region, d) for d in region.districts]
    return places


def archive_month(first: dt.date, *, limit: int | None = None, today: dt.date | None = None) -> int:
    """Build and store the month's report of every district and region in every language that is
    not archived yet (idempotent: one per territory, month and language). Returns how many were
    stored. ``limit``: at most this many territories in one run (the next run goes on)."""
    month = first.strftime("%Y-%m")
    done = set(
        db.session.execute(
            select(MonthlyReport.scope, MonthlyReport.territory_code, MonthlyReport.language).where(
                MonthlyReport.month == month
            )
        ).all()
    )
    stored = 0
    handled = 0
    for place in _all_territories():
        missing = [lang for lang in LANGUAGES if (place.scope, place.code, lang) not in done]
        if not missing:
            continue
        if limit is not None and handled >= limit:
            break
        handled += 1
        content = build(place, first, today)
        for language in missing:
            db.session.add(
                MonthlyReport(
                    scope=place.scope,
                    territory_code=place.code,
                    territory_name=place.name,
                    region_id=place.region.id,
                    district_id=place.district.id if place.district else None,
                    month=month,
                    language=language,
                    figures=content,
                    pdf=report_pdf(content, language),
                )
            )
            stored += 1
        db.session.commit()  # one territory at a time: a failure later keeps what is done
    return stored


def archive_previous_month(today: dt.date | None = None, limit: int | None = 50) -> int:
    """The job: on the 1st (or whenever some are missing) archive last month's reports."""
    today = today or local_today()
    return archive_month(previous_month(today.replace(day=1)), limit=limit, today=today)


def _archive_scope(user: User) -> Any:
    if user.role in (Role.ADMIN.value, Role.METHODOLOGIST.value):
        return MonthlyReport.id.is_not(None)
    if user.role == Role.SUPERVISOR.value and user.district_id is not None:
        return (MonthlyReport.scope == "district") & (MonthlyReport.district_id == user.district_id)
    if user.role == Role.SUPERVISOR.value and user.region_id is not None:
        return MonthlyReport.region_id == user.region_id
    return MonthlyReport.id.is_(None)


def archived(user: User, *, limit: int = 300) -> list[MonthlyReport]:
    """The archived reports the user may download, newest month first."""
    return list(
        db.session.scalars(
            select(MonthlyReport)
            .where(_archive_scope(user))
            .order_by(MonthlyReport.month.desc(), MonthlyReport.scope.desc(), MonthlyReport.territory_name)
            .limit(limit)
        )
    )


def archived_report(user: User, report_id: int) -> MonthlyReport | None:
    return db.session.scalar(select(MonthlyReport).where(MonthlyReport.id == report_id, _archive_scope(user)))


def archived_exists(report_id: int) -> bool:
    return db.session.scalar(select(MonthlyReport.id).where(MonthlyReport.id == report_id)) is not None
