"""A small hand-built set of appeals with known figures, and the web fixtures of tests/webapp.

Current period: November 2026 in district D1 (mahallas M1, M2); "today" is 5 December 2026.
Previous period of the same length (30 days): 2–31 October 2026. Times are UTC (Tashkent = UTC+5).

 #  mahalla reg.   status        closed (UTC)     days  deadline on time  other
 1  M1      11-02  answered      11-04 04:00      2     11-17    yes      crime, rated 5, inspector1
 2  M1      11-03  answered      11-13 04:00      10    11-18    yes      safety, web, repeated, rated 4, inspector1
 3  M2      11-05  answered      11-25 04:00      20    11-20    no       crime, complaint, written, rated 2, inspector2
 4  M2      11-10  answered      11-14 16:00      4.5   11-14    yes      crime (closed 21:00 local, same day)
 5  M2      11-11  answered      11-15 19:00      4.625 11-15    no       closed 00:00 local on 11-16: late
 6  M1      11-20  under_review  –                      12-01    overdue  family conflict, category overridden
 7  M1      11-29  registered    –                      12-10             a Sunday: week of 11-23
 8  M2      11-26  forwarded     11-27 04:00            12-11
 9  M2      11-27  rejected      11-28 04:00            12-12
10  M1      11-28  resolved      –                      12-13
11  M3(D2)  11-05  answered      11-06 04:00      1     11-20    yes      other district
P1  M1      10-31  answered      11-01 04:00      1     11-15    yes      previous period
P2  M1      10-15  answered      10-20 04:00      5     10-30    yes      previous period
P3  M1      10-01  answered      10-02 04:00      1     10-16    yes      before the previous period
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.webapp.conftest import (  # noqa: F401 - shared web fixtures
    Api,
    as_user,
    bearer_api,
    fresh_g_per_request,
)
from webapp.analytics.stats.service import StatsFilter
from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal, AppealRating
from webapp.extensions import db
from webapp.platform.territory.models import Mahalla

TODAY = dt.date(2026, 12, 5)
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def day(month: int, day_: int) -> dt.date:
    return dt.date(2026, month, day_)


def utc(month: int, day_: int, hour: int = 4, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day_, hour, minute, tzinfo=dt.UTC)


@dataclass
class Dataset:
    world: World
    appeals: dict[str, Appeal]

    def filter(self, **fields: object) -> StatsFilter:
        values: dict[str, object] = {"date_from": NOVEMBER[0], "date_to": NOVEMBER[1], **fields}
        return StatsFilter(**values)  # type: ignore[arg-type]


def _appeal(
    number: str,
    mahalla: Mahalla,
    registered: dt.date,
    deadline: dt.date,
    status: str,
    closed: dt.datetime | None = None,
    *,
    received_hour: int = 4,
    category: str = "other",
    kind: str = "ariza",
    channel: str = "walk_in",
    repeated: bool = False,
    overridden: bool = False,
) -> Appeal:
    appeal = Appeal(
        number=number,
        year=registered.year,
        sequence=int(number.split("-")[1]),
        channel=channel,
        kind=kind,
        category=category,
        text="Murojaat matni",
        mahalla_id=mahalla.id,
        district_id=mahalla.district_id,
        status=status,
        is_open=closed is None,
        received_at=dt.datetime.combine(registered, dt.time(received_hour), tzinfo=dt.UTC),
        registered_on=registered,
        deadline=deadline,
        closed_at=closed,
        is_repeated=repeated,
        categorisation_overridden=overridden,
    )
    db.session.add(appeal)
    return appeal


@pytest.fixture
def dataset(world: World) -> Dataset:
    m1, m2, m3 = world.mahalla, world.second_mahalla, world.foreign_mahalla
    a = {
        "1": _appeal("2026-1", m1, day(11, 2), day(11, 17), "answered", utc(11, 4), category="crime_prevention"),
        "2": _appeal(
            "2026-2",
            m1,
            day(11, 3),
            day(11, 18),
            "answered",
            utc(11, 13),
            category="public_safety",
            channel="web",
            repeated=True,
        ),
        "3": _appeal(
            "2026-3",
            m2,
            day(11, 5),
            day(11, 20),
            "answered",
            utc(11, 25),
            category="crime_prevention",
            kind="shikoyat",
            channel="written",
        ),
        "4": _appeal("2026-4", m2, day(11, 10), day(11, 14), "answered", utc(11, 14, 16), category="crime_prevention"),
        "5": _appeal("2026-5", m2, day(11, 11), day(11, 15), "answered", utc(11, 15, 19)),
        "6": _appeal(
            "2026-6", m1, day(11, 20), day(12, 1), "under_review", category="family_conflict", overridden=True
        ),
        "7": _appeal("2026-7", m1, day(11, 29), day(12, 10), "registered"),
        "8": _appeal("2026-8", m2, day(11, 26), day(12, 11), "forwarded", utc(11, 27)),
        "9": _appeal("2026-9", m2, day(11, 27), day(12, 12), "rejected", utc(11, 28)),
        "10": _appeal("2026-10", m1, day(11, 28), day(12, 13), "resolved"),
        "11": _appeal("2026-11", m3, day(11, 5), day(11, 20), "answered", utc(11, 6)),
        "P1": _appeal("2026-12", m1, day(10, 31), day(11, 15), "answered", utc(11, 1)),
        "P2": _appeal("2026-13", m1, day(10, 15), day(10, 30), "answered", utc(10, 20)),
        "P3": _appeal("2026-14", m1, day(10, 1), day(10, 16), "answered", utc(10, 2)),
    }
    db.session.flush()
    for key, score in (("1", 5), ("2", 4), ("3", 2), ("P1", 5)):
        db.session.add(AppealRating(appeal_id=a[key].id, score=score, resolved=score >= 4))
    for key, user in (("1", world.inspector), ("1", world.inspector), ("2", world.inspector), ("3", world.inspector2)):
        db.session.add(CaseEvent(appeal_id=a[key].id, actor_id=user.id, kind="task_completed", data={}))
    # A supervisor's completed task does not make them the case's inspector.
    db.session.add(CaseEvent(appeal_id=a["1"].id, actor_id=world.supervisor.id, kind="task_completed", data={}))
    db.session.commit()
    return Dataset(world, a)
