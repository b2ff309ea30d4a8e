"""The person timeline is built from a list of sources; another package can add one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.conftest import World
from tests.prevention.conftest import step
from tests.webapp.cases import register
from webapp.prevention.registry import timeline as timeline_module
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.plans import open_plan
from webapp.prevention.registry.service import link_appeal
from webapp.prevention.registry.timeline import TimelineEntry, timeline, timeline_source


@pytest.fixture
def restore_sources() -> Iterator[None]:
    saved = list(timeline_module.SOURCES)
    yield
    timeline_module.SOURCES[:] = saved


def test_everything_about_a_person_in_order(world: World, person: SupervisedPerson) -> None:
    appeal = register(world)
    link_appeal(person, appeal, world.inspector)
    plan = open_plan(person, world.inspector, today=dt.date(2026, 2, 1))
    step(plan, world, "draft_plan", today=dt.date(2026, 2, 2))
    step(plan, world, "approve_plan", today=dt.date(2026, 2, 3))
    step(plan, world, "monthly_checkin", today=dt.date(2026, 3, 3))

    entries = timeline(person)
    kinds = [entry.kind for entry in entries]
    assert kinds.index("registered") < kinds.index("plan_opened") < kinds.index("checkin")
    assert {"appeal", "appeal_linked", "plan_approved"} <= set(kinds)
    assert [e.occurred_at for e in entries] == sorted(e.occurred_at for e in entries)
    checkin = next(e for e in entries if e.kind == "checkin")
    assert checkin.data["number"] == 1 and checkin.data["person_situation"] == "improving"


def test_another_package_adds_a_source(world: World, person: SupervisedPerson, restore_sources: None) -> None:
    moment = dt.datetime(2026, 1, 20, 9, 0, tzinfo=dt.UTC)

    @timeline_source
    def patrol_reports(_person: SupervisedPerson) -> list[TimelineEntry]:
        return [TimelineEntry(occurred_at=moment, kind="patrol_report", ref="P-7")]

    entries = timeline(person)
    assert [e.kind for e in entries] == ["registered", "patrol_report"]
