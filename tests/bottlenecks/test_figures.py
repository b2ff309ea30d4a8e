"""Time spent in each user task: figures from real cases completed at known times, scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.bottlenecks.conftest import HOUR, Timed
from tests.conftest import World
from webapp.analytics.bottlenecks import service
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.rollups.percentiles import TOLERANCE
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.query_params import BadParameter, parse
from webapp.platform.timeutil import local_today


def figures_for(user: User, **args: Any) -> dict[str, service.TaskFigures]:
    versions = service.lifecycle_versions()
    query = service.query_from(user, parse(service.BottleneckArgs, args), versions)
    assert query is not None
    return {task.name: task for task in service.task_figures(user, query).tasks}


def test_the_completion_records_when_the_task_became_ready_and_was_done(world: World, timed: Timed) -> None:
    first = timed.chilonzor[0]
    timing = db.session.scalar(select(TaskTiming).where(TaskTiming.appeal_id == first.id))
    assert timing is not None
    assert timing.task_name == "check_registration"
    assert timing.seconds == pytest.approx(2 * HOUR)
    assert (timing.district_id, timing.mahalla_id) == (world.district.id, world.mahalla.id)
    assert timing.actor_id == world.inspector.id


def test_a_district_supervisor_sees_median_and_p90_of_their_district(world: World, timed: Timed) -> None:
    tasks = figures_for(world.supervisor)
    check = tasks["check_registration"]
    assert check.completed == 3
    assert check.median == pytest.approx(4 * HOUR, rel=TOLERANCE)
    assert check.p90 == pytest.approx(8.8 * HOUR, rel=TOLERANCE)  # 4 + 0.8 × (10 − 4): percentile_cont's interpolation
    assert check.waiting == 0
    assert tasks["analyse_appeal"].waiting == 3
    assert tasks["analyse_appeal"].completed == 0
    assert tasks["analyse_appeal"].median is None
    assert tasks["take_measures"].process_id == "appeal_resolution"  # every task of the version is listed


def test_the_whole_territory_for_administrators_and_methodologists(world: World, timed: Timed) -> None:
    for user in (world.admin, world.methodologist, world.region_supervisor):
        check = figures_for(user)["check_registration"]
        assert check.completed == 4
        assert check.median == pytest.approx(7 * HOUR, rel=TOLERANCE)  # (4 + 10) / 2
        assert check.p90 == pytest.approx(73 * HOUR, rel=TOLERANCE)  # 10 + 0.7 × (100 − 10)
        assert figures_for(user)["analyse_appeal"].waiting == 4


def test_territory_and_period_filters_narrow_the_figures(world: World, timed: Timed) -> None:
    second = figures_for(world.supervisor, mahalla=str(world.second_mahalla.id))
    assert second["check_registration"].completed == 1
    assert second["check_registration"].median == pytest.approx(10 * HOUR, rel=TOLERANCE)
    assert second["analyse_appeal"].waiting == 1
    other = figures_for(world.admin, district=str(world.other_district.id))
    assert other["check_registration"].median == pytest.approx(100 * HOUR, rel=TOLERANCE)
    before = (timed.start - dt.timedelta(days=1)).date().isoformat()
    empty = figures_for(world.admin, **{"from": "2026-01-01", "to": before})
    assert empty["check_registration"].completed == 0
    assert empty["analyse_appeal"].waiting == 4  # waiting now does not depend on the period


def test_a_territory_outside_the_callers_scope_is_refused(app: Flask, world: World, timed: Timed) -> None:
    with pytest.raises(service.OutOfScope):
        figures_for(world.supervisor, district=str(world.other_district.id))
    with pytest.raises(service.OutOfScope):
        figures_for(world.supervisor, mahalla=str(world.foreign_mahalla.id))
    with app.test_request_context(), pytest.raises(service.BadFilter) as raised:
        figures_for(world.supervisor, district="999999")
    assert raised.value.field == "district"
    with app.test_request_context(), pytest.raises(BadParameter) as malformed:
        figures_for(world.supervisor, **{"from": "2026-13-01"})
    assert malformed.value.field == "from"


def test_the_page_shows_the_table_and_scope_is_enforced(world: World, timed: Timed, as_user: Any) -> None:
    page = as_user(world.supervisor).get("/bottlenecks")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-task="check_registration"' in html
    assert "Murojaatni tekshirish va tasniflash" in html  # the task's title from the diagram
    assert as_user(world.methodologist).get("/bottlenecks").status_code == 200
    assert as_user(world.inspector).get("/bottlenecks").status_code == 403
    outside = as_user(world.supervisor).get(f"/bottlenecks?district={world.other_district.id}")
    assert outside.status_code == 403
    assert (
        as_user(world.supervisor).get(f"/bottlenecks/diagrams.json?mahalla={world.foreign_mahalla.id}").status_code
        == 403
    )
    bad = as_user(world.supervisor).get("/bottlenecks?from=yesterday")
    assert bad.status_code == 400
    bad_json = as_user(world.supervisor).get("/bottlenecks/diagrams.json?to=2026-02-30")
    assert bad_json.status_code == 400
    assert bad_json.get_json()["error"]["field"] == "to"


def test_the_diagram_data_carries_the_heat_of_each_task_and_stage(world: World, timed: Timed, as_user: Any) -> None:
    client: FlaskClient = as_user(world.supervisor)
    data = client.get("/bottlenecks/diagrams.json?metric=p90").get_json()
    entries = {entry["process_id"]: entry for entry in data["diagrams"]}
    assert next(iter(entries)) == "appeal_lifecycle"
    assert set(entries) == {
        "appeal_lifecycle",
        "appeal_registration",
        "appeal_analysis",
        "appeal_resolution",
        "appeal_reply",
        "appeal_monitoring",
        "partner_referral",  # called from the analysis: a call inside a called process is drawn too
    }
    check = entries["appeal_registration"]["heat"]["check_registration"]
    assert check["level"] == 1.0  # the slowest task by p90: the only one measured
    assert check["completed"] == 3
    assert check["waiting"] == 0
    assert entries["appeal_analysis"]["heat"]["analyse_appeal"] == {
        "level": None,
        "median": "—",
        "p90": "—",
        "waiting": 3,
        "completed": 0,
    }
    stage = entries["appeal_lifecycle"]["heat"]["call_analysis"]
    assert stage["waiting"] == 3 and stage["stage"] is True
    xml = client.get(entries["appeal_registration"]["xml_url"])
    assert xml.status_code == 200 and b"check_registration" in xml.data


def test_the_table_exports_with_uzbek_titles(world: World, timed: Timed, as_user: Any) -> None:
    client = as_user(world.supervisor)
    response = client.get("/bottlenecks/export?format=csv", headers={"Accept-Language": "en"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith("\ufeff")
    line = next(row for row in text.splitlines() if "Murojaatni tekshirish" in row)
    # 3 completed, median 4 h and p90 8.8 h (estimated from the rollups' buckets), none waiting
    completed, median, p90, waiting = line.split(",")[-4:]
    assert (completed, waiting) == ("3", "0")
    assert float(median) == pytest.approx(4.0, rel=TOLERANCE) and float(p90) == pytest.approx(8.8, rel=TOLERANCE)
    xlsx = client.get("/bottlenecks/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    xlsx.close()
    bad = client.get("/bottlenecks/export?format=pdf")
    assert bad.status_code == 400
    assert 'data-parameter="format"' in bad.get_data(as_text=True)


def test_default_period_is_the_last_ninety_days() -> None:
    date_from, date_to = service.period_from(service.BottleneckArgs())
    assert date_to == local_today()
    assert (date_to - date_from).days == service.DEFAULT_PERIOD_DAYS - 1


def test_the_event_log_rebuilds_the_same_timings(world: World, timed: Timed) -> None:
    """Bulk-loaded data has events but no timings: the backfill derives them from the log."""
    written = {
        t.task_id: (t.task_name, t.seconds, t.district_id, t.actor_id) for t in db.session.scalars(select(TaskTiming))
    }
    assert len(written) == 4
    db.session.execute(TaskTiming.__table__.delete())
    db.session.commit()
    assert service.backfill_task_timings() == 4
    assert service.backfill_task_timings() == 0  # idempotent
    rebuilt = {
        t.task_id: (t.task_name, t.seconds, t.district_id, t.actor_id) for t in db.session.scalars(select(TaskTiming))
    }
    assert rebuilt.keys() == written.keys()
    for task_id, (name, seconds, district, actor) in written.items():
        assert rebuilt[task_id][0] == name and rebuilt[task_id][2:] == (district, actor)
        assert rebuilt[task_id][1] == pytest.approx(seconds, abs=1.0)


def test_the_default_version_is_the_newest_that_cases_run_on(world: World, timed: Timed) -> None:
    from webapp.cases.versions import current_version, publish_files

    running = current_version()
    files = dict(running.files)
    files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace("Sabablar va holatlar", "Sabablar", 1)
    newer = publish_files(running.process_id, files, note="no cases yet")
    versions = service.lifecycle_versions()
    assert versions[0].id == newer.id
    no_choice = service.BottleneckArgs()
    assert service.version_from(no_choice, versions) == running  # the fresh version has no figures to show
    assert service.version_from(service.BottleneckArgs(version=newer.id), versions) == newer
