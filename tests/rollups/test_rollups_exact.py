"""The rollups against the raw queries: counts and sums equal exactly, percentiles within tolerance.

Random appeals, ratings and task timings are written through the ORM and plain SQL updates (the
triggers see every path); then changed (closed, recategorised, moved, rated, unrated, deleted),
and the figures compared again; finally a rebuild from the raw rows must give the same rollups
as the triggers kept. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import delete, select, update

from tests.conftest import World
from webapp.analytics.bottlenecks import service as bottlenecks
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.rollups import ddl
from webapp.analytics.rollups import service as rollups
from webapp.analytics.rollups.models import AppealRollup, TaskRollup
from webapp.analytics.rollups.percentiles import percentile, within_tolerance
from webapp.analytics.stats import service as stats
from webapp.cases.versions import current_version
from webapp.casework.appeals.models import Appeal, AppealRating
from webapp.extensions import db

TODAY = dt.date(2026, 11, 3)
START = dt.date(2026, 6, 1)
DAY = 86400.0
COUNTED = (*ddl.APPEAL_MEASURES, "overdue_open")
PERIODS = (
    (dt.date(2026, 6, 14), dt.date(2026, 10, 9)),  # days, whole months, days
    (dt.date(2026, 7, 1), dt.date(2026, 8, 31)),  # whole months only
    (dt.date(2026, 6, 3), dt.date(2026, 6, 21)),  # days only
    (dt.date(2026, 5, 1), dt.date(2026, 11, 3)),  # beyond the data at both ends
    (dt.date(2026, 6, 3), dt.date(2026, 9, 28)),  # months less days at both ends
    (dt.date(2026, 6, 12), dt.date(2026, 10, 9)),  # a month less days, whole months, days
)
STATUSES = ("registered", "under_review", "resolved", "answered", "answered", "answered", "forwarded", "rejected")


def _appeals(world: World, rng: random.Random, count: int) -> list[Appeal]:
    places = (world.mahalla, world.second_mahalla, world.foreign_mahalla)
    appeals = []
    for number in range(1, count + 1):
        registered = START + dt.timedelta(days=rng.randrange(150))
        received = dt.datetime.combine(registered, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.UTC)
        status = rng.choice(STATUSES)
        closed = None
        if status in ("answered", "forwarded", "rejected"):
            # From seconds to months (every bucket scale), now and then exactly on a whole day.
            closed = received + dt.timedelta(seconds=rng.choice((0.5, 30, 3600, DAY, rng.lognormvariate(13, 1.5))))
        place = rng.choice(places)
        appeal = Appeal(
            number=f"2026-{number}",
            year=2026,
            sequence=number,
            channel=rng.choice(("walk_in", "web", "written")),
            kind=rng.choice(("ariza", "shikoyat")),
            category=rng.choice(("crime_prevention", "utilities", "other")),
            text="Murojaat matni",
            mahalla_id=place.id,
            district_id=place.district_id,
            status=status,
            is_open=closed is None and status != "resolved",
            received_at=received,
            registered_on=registered,
            deadline=registered + dt.timedelta(days=rng.choice((5, 15, 30))),
            closed_at=closed,
            is_repeated=rng.random() < 0.2,
            categorisation_overridden=rng.random() < 0.1,
        )
        db.session.add(appeal)
        appeals.append(appeal)
    db.session.flush()
    for appeal in appeals:
        for _ in range(rng.choice((0, 0, 1, 2))):
            db.session.add(AppealRating(appeal_id=appeal.id, score=rng.randint(1, 5), resolved=True, comment=""))
    db.session.commit()
    return appeals


def _filters(world: World) -> list[stats.StatsFilter]:
    result = []
    for first, last in PERIODS:
        result += [
            stats.StatsFilter(first, last, district_id=world.district.id),
            stats.StatsFilter(first, last, region_id=world.region.id),
            stats.StatsFilter(first, last),
        ]
    return result


def _assert_figures_agree(world: World) -> int:
    """Every breakdown the rollups serve, against the raw query; returns the comparisons made."""
    compared = 0
    for flt in _filters(world):
        scope = rollups.Scope.of(flt.region_id, flt.district_id)
        for by in (None, "category", "kind", "channel", "mahalla", "district", "week", "month"):
            if rollups.dimension(scope, by) is None:
                continue
            served = stats._counts(flt, by, TODAY)
            raw = stats._raw_counts(flt, by, TODAY)
            where = (flt, by)
            assert set(served) == set(raw), where
            for group, exact in raw.items():
                for name in COUNTED:
                    assert int(served[group][name] or 0) == int(exact[name] or 0), (where, group, name)
                assert int(served[group]["rating_total"] or 0) == int(exact["rating_total"] or 0), (where, group)
                for name in ("median_days", "p90_days"):
                    assert within_tolerance(served[group][name], exact.get(name), DAY), (where, group, name)
                compared += 1
    return compared


def _rows(model: Any, measures: tuple[str, ...]) -> set[tuple[Any, ...]]:
    """The rollup rows with anything counted (the triggers leave rows that fell back to zero)."""
    columns = [c for c in model.__table__.columns]
    rows = db.session.execute(select(*columns)).all()
    index = [c.name for c in columns]
    return {tuple(row) for row in rows if any(row[index.index(m)] for m in measures)}


def test_appeal_rollups_equal_the_raw_figures_through_changes_and_rebuild(world: World) -> None:
    rng = random.Random(16)
    appeals = _appeals(world, rng, 160)
    assert _assert_figures_agree(world) > 100

    # Changes by every path: plain SQL updates (as the case runtime makes them) and the ORM.
    open_ids = [a.id for a in appeals if a.is_open][:25]
    for appeal_id in open_ids[:15]:
        db.session.execute(
            update(Appeal.__table__)
            .where(Appeal.id == appeal_id)
            .values(status="answered", is_open=False, closed_at=dt.datetime(2026, 10, 30, 12, tzinfo=dt.UTC))
        )
    db.session.execute(update(Appeal.__table__).where(Appeal.id.in_(open_ids[15:])).values(deadline=TODAY))
    for appeal in appeals[:20]:
        appeal.category = "utilities" if appeal.category != "utilities" else "other"
        appeal.categorisation_overridden = not appeal.categorisation_overridden
    for appeal in appeals[20:30]:  # moved to the other district (and region figures stay)
        appeal.mahalla_id, appeal.district_id = world.foreign_mahalla.id, world.foreign_mahalla.district_id
    for appeal in appeals[30:35]:
        appeal.registered_on = appeal.registered_on + dt.timedelta(days=40)
    db.session.commit()
    ratings = list(db.session.scalars(select(AppealRating).order_by(AppealRating.id)))
    for rating in ratings[:5]:
        db.session.delete(rating)
    for rating in ratings[5:10]:
        rating.score = 6 - rating.score
    db.session.execute(update(AppealRating.__table__).where(AppealRating.id == ratings[10].id).values(score=5))
    db.session.add(AppealRating(appeal_id=appeals[40].id, score=4, resolved=True, comment=""))
    unrated = [a for a in appeals[45:] if not db.session.scalar(select(AppealRating.id).filter_by(appeal_id=a.id))]
    db.session.execute(delete(Appeal.__table__).where(Appeal.id.in_([a.id for a in unrated[:3]])))
    db.session.commit()
    assert _assert_figures_agree(world) > 100

    kept = _rows(AppealRollup, ddl.APPEAL_MEASURES), _rows(TaskRollup, ("completed",))
    rollups.rebuild()
    db.session.commit()
    assert (_rows(AppealRollup, ddl.APPEAL_MEASURES), _rows(TaskRollup, ("completed",))) == kept


def _timings(world: World, rng: random.Random, appeal_ids: list[int], version_id: int) -> None:
    places = (world.mahalla, world.second_mahalla, world.foreign_mahalla)
    tasks = ("check_registration", "write_conclusion", "prepare_reply")
    for number in range(400):
        place = rng.choice(places)
        completed = dt.datetime.combine(
            START + dt.timedelta(days=rng.randrange(150)), dt.time(rng.randrange(24)), tzinfo=dt.UTC
        )
        seconds = rng.choice((0.2, 5.0, rng.lognormvariate(10, 1.2)))
        db.session.add(
            TaskTiming(
                task_id=f"00000000-0000-4000-8000-{number:012d}",
                appeal_id=rng.choice(appeal_ids),
                process_version_id=version_id,
                task_name=rng.choice(tasks),
                district_id=place.district_id,
                mahalla_id=place.id,
                ready_at=completed - dt.timedelta(seconds=seconds),
                completed_at=completed,
                seconds=seconds,
            )
        )
    db.session.commit()


def _assert_durations_agree(world: World, version_id: int) -> None:
    version = current_version()
    for first, last in PERIODS:
        for territory, user in (
            (bottlenecks.Territory(district=world.district), world.methodologist),
            (bottlenecks.Territory(region=world.region), world.methodologist),
            (bottlenecks.Territory(), world.methodologist),
            (bottlenecks.Territory(), world.supervisor),  # the supervisor's own district
        ):
            query = bottlenecks.Query(version, territory, first, last)
            scope = bottlenecks.rollup_scope(user, territory)
            assert scope is not None
            served = rollups.task_durations(scope, version_id, first, last)
            condition = bottlenecks._timing_filter(user, query)
            exact = bottlenecks._durations_streamed(condition)
            assert set(served) == set(exact), (first, territory)
            for name, (count, median, p90) in exact.items():
                assert served[name][0] == count
                assert within_tolerance(served[name][1], median) and within_tolerance(served[name][2], p90)
            counts = rollups.task_counts(scope, [version_id], first, last)
            assert counts.get(version_id, 0) == sum(count for count, _m, _p in exact.values())


def test_task_rollups_give_the_bottleneck_figures(world: World) -> None:
    rng = random.Random(19)
    appeals = _appeals(world, rng, 20)
    version_id = current_version().id
    db.session.commit()
    _timings(world, rng, [a.id for a in appeals], version_id)
    _assert_durations_agree(world, version_id)
    doomed = list(db.session.scalars(select(TaskTiming).order_by(TaskTiming.task_id).limit(50)))
    for timing in doomed:
        db.session.delete(timing)
    db.session.commit()
    _assert_durations_agree(world, version_id)


def test_segments_cover_the_period_with_whole_months_and_edge_days() -> None:
    assert rollups.segments(dt.date(2026, 6, 14), dt.date(2026, 10, 9)) == [
        ("m", dt.date(2026, 7, 1), dt.date(2026, 9, 30), 1),
        ("d", dt.date(2026, 6, 14), dt.date(2026, 6, 30), 1),
        ("d", dt.date(2026, 10, 1), dt.date(2026, 10, 9), 1),
    ]
    assert rollups.segments(dt.date(2026, 7, 1), dt.date(2026, 8, 31)) == [
        ("m", dt.date(2026, 7, 1), dt.date(2026, 8, 31), 1)
    ]
    assert rollups.segments(dt.date(2026, 6, 3), dt.date(2026, 6, 30)) == [
        ("d", dt.date(2026, 6, 3), dt.date(2026, 6, 30), 1)
    ]
    assert rollups.segments(dt.date(2026, 7, 1), dt.date(2026, 8, 31), days_only=True) == [
        ("d", dt.date(2026, 7, 1), dt.date(2026, 8, 31), 1)
    ]


def test_a_long_edge_is_its_month_less_the_other_days() -> None:
    """Two years back from a 5th: the first month's 26 days are its month less 4 days; this
    month's 5 days stay days."""
    assert rollups.segments(dt.date(2024, 12, 6), dt.date(2026, 12, 5)) == [
        ("m", dt.date(2024, 12, 1), dt.date(2026, 11, 30), 1),
        ("d", dt.date(2024, 12, 1), dt.date(2024, 12, 5), -1),
        ("d", dt.date(2026, 12, 1), dt.date(2026, 12, 5), 1),
    ]
    assert rollups.segments(dt.date(2026, 6, 3), dt.date(2026, 9, 28)) == [
        ("m", dt.date(2026, 6, 1), dt.date(2026, 9, 1), 1),
        ("d", dt.date(2026, 6, 1), dt.date(2026, 6, 2), -1),
        ("d", dt.date(2026, 9, 29), dt.date(2026, 9, 30), -1),
    ]


def test_bucketed_percentiles_stay_within_the_stated_tolerance() -> None:
    import math

    from webapp.analytics.stats.sqlfuncs import interpolated_percentile

    rng = random.Random(5)
    for size in (1, 2, 3, 10, 101, 2000):
        values = sorted(rng.choice((rng.uniform(0, 1), rng.lognormvariate(11, 2))) for _ in range(size))
        counts: dict[int, int] = {}
        for value in values:
            bucket = 0 if value < 1 else 1 + math.floor(math.log(value) / math.log(ddl.BUCKET_BASE))
            counts[bucket] = counts.get(bucket, 0) + 1
        for fraction in (0.5, 0.9):
            assert within_tolerance(percentile(counts, fraction), interpolated_percentile(values, fraction))
    assert percentile({}, 0.5) is None
