"""The statistics service on the hand-built dataset of conftest.py (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.stats.conftest import TODAY, Dataset
from webapp.analytics.rollups.percentiles import TOLERANCE
from webapp.analytics.stats import service
from webapp.analytics.stats.service import StatsFilter
from webapp.analytics.stats.sqlfuncs import interpolated_percentile


def test_district_totals(dataset: Dataset) -> None:
    figures = service.figures(dataset.filter(district_id=dataset.world.district.id), TODAY)

    assert figures.received == 10
    assert figures.resolved == 6  # five answered + one resolved
    assert figures.answered == 5
    assert figures.answered_on_time == 3  # #4 answered at 21:00 local on its deadline day counts
    assert figures.answered_late == 2  # #5 closed at 19:00 UTC = the next day in Tashkent
    assert figures.on_time_share == pytest.approx(0.6)
    assert figures.open == 3
    assert figures.overdue_open == 1
    assert figures.overdue == 3
    assert figures.repeated == 1
    assert figures.forwarded == 1
    assert figures.unconsidered == 1
    assert figures.overrides == 1
    # days to answer: 2, 4.5, 4.625, 10, 20
    assert figures.median_days == pytest.approx(4.625, rel=TOLERANCE)
    assert figures.p90_days == pytest.approx(16.0, rel=TOLERANCE)
    assert figures.ratings == 3
    assert figures.rating_average == pytest.approx(11 / 3)
    assert figures.satisfied == 2
    assert figures.satisfied_share == pytest.approx(2 / 3)


def test_territory_and_attribute_filters(dataset: Dataset) -> None:
    world = dataset.world
    assert service.figures(dataset.filter(region_id=world.region.id), TODAY).received == 11
    assert service.figures(dataset.filter(), TODAY).received == 11  # the whole country
    assert service.figures(dataset.filter(district_id=world.other_district.id), TODAY).received == 1
    m2 = service.figures(dataset.filter(mahalla_id=world.second_mahalla.id), TODAY)
    assert (m2.received, m2.answered, m2.answered_late) == (5, 3, 2)
    crime = service.figures(dataset.filter(district_id=world.district.id, category="crime_prevention"), TODAY)
    assert (crime.received, crime.answered_on_time, crime.ratings) == (3, 2, 2)
    assert service.figures(dataset.filter(district_id=world.district.id, kind="shikoyat"), TODAY).received == 1
    assert service.figures(dataset.filter(district_id=world.district.id, channel="web"), TODAY).received == 1
    one_day = dataset.filter(date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 5))
    assert service.figures(one_day, TODAY).received == 2


def test_empty_period_has_no_percentiles(dataset: Dataset) -> None:
    figures = service.figures(dataset.filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 31)), TODAY)
    assert figures.received == 0
    assert figures.median_days is None and figures.rating_average is None and figures.on_time_share is None


def test_previous_period_and_change(dataset: Dataset) -> None:
    flt = dataset.filter(district_id=dataset.world.district.id)
    assert flt.previous() == StatsFilter(
        dt.date(2026, 10, 2), dt.date(2026, 10, 31), district_id=dataset.world.district.id
    )
    result = service.comparison(flt, TODAY)
    assert result.previous.received == 2  # P1 and P2; P3 (1 October) is outside
    assert result.previous.answered_on_time == 2
    assert result.previous.median_days == pytest.approx(3.0, rel=TOLERANCE)  # 1 and 5 days
    received = result.changes["received"]
    assert (received.current, received.previous, received.delta, received.percent) == (10, 2, 8, 400.0)
    on_time = result.changes["on_time_share"]
    assert on_time.delta == pytest.approx(-0.4)
    assert result.changes["rating_average"].previous == pytest.approx(5.0)
    assert result.changes["forwarded"].percent is None  # nothing forwarded before: no percentage


def test_grouped_by_mahalla_category_and_inspector(dataset: Dataset) -> None:
    world = dataset.world
    flt = dataset.filter(district_id=world.district.id)
    by_mahalla = {group.key: group for group in service.grouped(flt, "mahalla", TODAY)}
    assert set(by_mahalla) == {"M1", "M2"}
    assert by_mahalla["M1"].label == "Bunyodkor MFY"
    assert (by_mahalla["M1"].figures.received, by_mahalla["M1"].figures.overdue_open) == (5, 1)
    assert by_mahalla["M1"].figures.rating_average == pytest.approx(4.5)
    assert by_mahalla["M2"].figures.median_days == pytest.approx(4.625, rel=TOLERANCE)  # 4.5, 4.625, 20
    assert by_mahalla["M2"].figures.p90_days == pytest.approx(4.625 + 0.8 * (20 - 4.625), rel=TOLERANCE)

    categories = service.grouped(flt, "category", TODAY)
    # largest first, ties by code
    assert [(group.key, group.figures.received) for group in categories] == [
        ("other", 5),
        ("crime_prevention", 3),
        ("family_conflict", 1),
        ("public_safety", 1),
    ]

    inspectors = {group.key: group.figures for group in service.grouped(flt, "inspector", TODAY)}
    assert set(inspectors) == {"inspector1", "inspector2"}  # the supervisor is not an inspector
    assert (inspectors["inspector1"].received, inspectors["inspector1"].ratings) == (2, 2)  # #1 counted once
    assert inspectors["inspector2"].answered_late == 1

    channels = {group.key: group.figures.received for group in service.grouped(flt, "channel", TODAY)}
    assert channels == {"walk_in": 8, "web": 1, "written": 1}
    kinds = {group.key: group.figures.received for group in service.grouped(flt, "kind", TODAY)}
    assert kinds == {"ariza": 9, "shikoyat": 1}
    districts = service.grouped(dataset.filter(region_id=world.region.id), "district", TODAY)
    assert [(group.key, group.figures.received) for group in districts] == [("D1", 10), ("D2", 1)]


def test_weeks_and_months(dataset: Dataset) -> None:
    flt = dataset.filter(district_id=dataset.world.district.id)
    weeks = service.grouped(flt, "week", TODAY)
    assert [(group.key, group.figures.received) for group in weeks] == [
        ("2026-10-26", 0),  # 1 November is a Sunday
        ("2026-11-02", 3),
        ("2026-11-09", 2),
        ("2026-11-16", 1),
        ("2026-11-23", 4),  # includes Sunday 29 November
        ("2026-11-30", 0),
    ]
    two_months = dataset.filter(district_id=dataset.world.district.id, date_from=dt.date(2026, 10, 1))
    months = service.grouped(two_months, "month", TODAY)
    assert [(group.key, group.figures.received, group.figures.answered) for group in months] == [
        ("2026-10", 3, 3),
        ("2026-11", 10, 5),
    ]
    current, previous = service.trend(flt, "month", TODAY)
    assert [group.figures.received for group in current] == [10]
    assert [(group.key, group.figures.received) for group in previous] == [("2026-10", 2)]


def test_overdue_now_ignores_the_period(dataset: Dataset) -> None:
    world = dataset.world
    flt = dataset.filter(district_id=world.district.id, date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 1, 2))
    assert service.overdue_now(flt, TODAY) == 1
    assert service.overdue_now(flt, dt.date(2026, 12, 11)) == 2  # #7's deadline has passed too
    assert service.overdue_now(dataset.filter(district_id=world.other_district.id), TODAY) == 0


def test_unknown_grouping_is_refused(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="grouping"):
        service.grouped(dataset.filter(), "colour", TODAY)


def test_presets() -> None:
    today = dt.date(2026, 5, 17)
    assert service.period_preset("this_month", today) == (dt.date(2026, 5, 1), today)
    assert service.period_preset("last_month", today) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert service.period_preset("quarter", today) == (dt.date(2026, 4, 1), today)
    assert service.period_preset("year", today) == (dt.date(2026, 1, 1), today)
    assert service.period_preset("last_month", dt.date(2026, 1, 9)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_percentile_matches_percentile_cont() -> None:
    assert interpolated_percentile([], 0.5) is None
    assert interpolated_percentile([7.0], 0.9) == 7.0
    assert interpolated_percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert interpolated_percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == pytest.approx(9.1)
