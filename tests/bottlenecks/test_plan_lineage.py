"""The bottlenecks of prevention plans: a plan task's completion is timed like an appeal task's, and
the page shows the prevention-plan lineage (its versions in the version choice, its diagram's heat)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from engine.clock import frozen_at
from tests.conftest import World
from tests.prevention.conftest import PLAN_ANSWERS, person_input
from tests.webapp.cases import register
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.cases.versions import latest_version
from webapp.extensions import db
from webapp.platform.timeutil import utcnow
from webapp.prevention.registry.plans import PLAN_PROCESS, complete_plan_task, open_plan, tasks_of_plan
from webapp.prevention.registry.service import register_person

HOURS = 5


@pytest.fixture
def drafted(world: World) -> Any:
    """A plan opened ten days ago whose draft was written five hours later (it waits for approval)."""
    person = register_person(person_input(world), world.inspector)
    start = (utcnow() - dt.timedelta(days=10)).replace(microsecond=0)
    with frozen_at(start):
        plan = open_plan(person, world.inspector)
    (task,) = tasks_of_plan(plan.id)
    with frozen_at(start + dt.timedelta(hours=HOURS)):
        complete_plan_task(task, world.inspector, PLAN_ANSWERS["draft_plan"])
    return plan


def test_a_plan_tasks_completion_is_timed(world: World, drafted: Any) -> None:
    timing = db.session.scalar(select(TaskTiming).where(TaskTiming.subject_kind == "prevention_plan"))
    assert timing is not None
    assert (timing.task_name, timing.subject_id, timing.appeal_id) == ("draft_plan", drafted.id, None)
    assert (timing.district_id, timing.mahalla_id, timing.actor_id) == (
        world.mahalla.district_id,
        world.mahalla.id,
        world.inspector.id,
    )
    assert timing.seconds == pytest.approx(HOURS * 3600, abs=1)


def test_the_page_shows_the_prevention_plan_lineage(world: World, drafted: Any, as_user: Any) -> None:
    version = latest_version(PLAN_PROCESS)
    assert version is not None
    register(world)  # an appeal case: the page opens on the appeals' lineage
    client = as_user(world.supervisor)
    default = client.get("/bottlenecks").get_data(as_text=True)
    assert f'<option value="{version.id}"' in default  # offered in the version choice
    assert 'data-task="draft_plan"' not in default  # the page still opens on the appeals

    page = client.get(f"/bottlenecks?version={version.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-task="draft_plan"' in html and 'data-task="approve_plan"' in html
    data = client.get(f"/bottlenecks/diagrams.json?version={version.id}").get_json()
    (entry,) = data["diagrams"]
    assert entry["process_id"] == PLAN_PROCESS
    assert entry["heat"]["draft_plan"]["completed"] == 1 and entry["heat"]["draft_plan"]["level"] == 1.0
    assert entry["heat"]["approve_plan"]["waiting"] == 1
    assert client.get(entry["xml_url"]).status_code == 200
    foreign = as_user(world.foreign_supervisor).get(f"/bottlenecks/diagrams.json?version={version.id}").get_json()
    assert foreign["diagrams"][0]["heat"]["draft_plan"]["completed"] == 0  # another district's figures
