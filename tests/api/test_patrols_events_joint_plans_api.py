"""GET /api/v1/prevention/{patrols,events,joint-plans} with data: lists in the user's territory,
the filters (territory, period, status, words; a bad one is a 400 naming it), cursor pages,
the detail, and foreign records answering 404 exactly like missing ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import World
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.events import service as events
from webapp.prevention.joint_plans import service as joint_plans
from webapp.prevention.patrols import service as patrols
from webapp.prevention.work.models import AdvocacyEvent, JointPlan, PatrolGroup

Api = Callable[..., Any]
BearerApi = Callable[[User], Api]


def group(mahalla: Mahalla, name: str, *, active: bool = True) -> PatrolGroup:
    return patrols.save_group(mahalla, name=name, leader_name="Otabek Karimov", leader_phone="", active=active)


def event(world: World, mahalla: Mahalla, topic: str, *, days: int, status: str = "held") -> AdvocacyEvent:
    data = events.EventData(
        topic=topic,
        event_date=local_today() + dt.timedelta(days=days),
        audience="school",
        status=status,
        planned_attendance=40,
        partner="Xalq ta'limi bo'limi",
    )
    return events.save_event(world.inspector, mahalla, data)


def plan(world: World, title: str, *, district: Any, mahalla: Mahalla | None, ended: bool = False) -> JointPlan:
    today = local_today()
    start, end = (
        (today - dt.timedelta(days=90), today - dt.timedelta(days=1))
        if ended
        else (today, today + dt.timedelta(days=60))
    )
    data = joint_plans.PlanData(
        title=title,
        kind="current",
        period_start=start,
        period_end=end,
        district=district,
        mahalla=mahalla,
        partners="Tuman hokimligi",
    )
    return joint_plans.save_plan(world.admin, data)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def bad_field(response: Any) -> str:
    assert response.status_code == 400, response.get_json()
    return str(response.get_json()["error"]["fields"][0]["field"])


def test_patrol_groups_listed_filtered_and_scoped(bearer_api: BearerApi, world: World) -> None:
    mine = group(world.mahalla, "Fidokor Yoshlar — Bunyodkor")
    second = group(world.second_mahalla, "Fidokor Yoshlar — Qatortol", active=False)
    foreign = group(world.foreign_mahalla, "Fidokor Yoshlar — Bodomzor")
    supervisor = bearer_api(world.supervisor)
    assert sorted(ids(supervisor("GET", "/prevention/patrols"))) == sorted([mine.id, second.id])
    assert ids(supervisor("GET", f"/prevention/patrols?mahalla={world.second_mahalla.id}")) == [second.id]
    assert ids(supervisor("GET", "/prevention/patrols?status=active")) == [mine.id]
    assert ids(supervisor("GET", "/prevention/patrols?q=qatortol")) == [second.id]
    assert ids(supervisor("GET", f"/prevention/patrols?mahalla={world.foreign_mahalla.id}")) == []
    assert ids(bearer_api(world.inspector)("GET", "/prevention/patrols")) == [mine.id]
    assert ids(bearer_api(world.foreign_supervisor)("GET", "/prevention/patrols")) == [foreign.id]
    assert sorted(ids(bearer_api(world.admin)("GET", "/prevention/patrols"))) == sorted(
        [mine.id, second.id, foreign.id]
    )

    detail = supervisor("GET", f"/prevention/patrols/{mine.id}")
    assert detail.status_code == 200
    body = detail.get_json()
    assert (body["id"], body["name"], body["mahalla_id"], body["active"]) == (
        mine.id,
        "Fidokor Yoshlar — Bunyodkor",
        world.mahalla.id,
        True,
    )
    assert "state" not in body and "version" not in body
    hidden = supervisor("GET", f"/prevention/patrols/{foreign.id}")
    missing = supervisor("GET", "/prevention/patrols/999999")
    assert hidden.status_code == missing.status_code == 404 and hidden.get_json() == missing.get_json()
    assert bearer_api(world.inspector)("GET", f"/prevention/patrols/{second.id}").status_code == 404
    assert bearer_api(world.methodologist)("GET", "/prevention/patrols").status_code == 403


def test_events_filter_by_period_status_and_words_and_page(bearer_api: BearerApi, world: World) -> None:
    old = event(world, world.mahalla, "Huquqiy madaniyat darsi", days=-40)
    recent = event(world, world.mahalla, "Voyaga yetmaganlar bilan suhbat", days=-2)
    planned = event(world, world.second_mahalla, "Ota-onalar yig'ilishi", days=5, status="planned")
    foreign = event(world, world.foreign_mahalla, "Bodomzor uchrashuvi", days=-1)
    call = bearer_api(world.supervisor)
    assert ids(call("GET", "/prevention/events")) == [planned.id, recent.id, old.id]  # newest event date first
    week_ago = (local_today() - dt.timedelta(days=7)).isoformat()
    assert ids(call("GET", f"/prevention/events?from={week_ago}")) == [planned.id, recent.id]
    assert ids(call("GET", f"/prevention/events?to={week_ago}")) == [old.id]
    assert ids(call("GET", "/prevention/events?status=planned")) == [planned.id]
    assert ids(call("GET", "/prevention/events?q=suhbat")) == [recent.id]
    assert ids(call("GET", f"/prevention/events?district={world.district.id}&status=held")) == [recent.id, old.id]

    first = call("GET", "/prevention/events?limit=2").get_json()
    assert [e["id"] for e in first["items"]] == [planned.id, recent.id] and first["next_cursor"]
    rest = call("GET", f"/prevention/events?limit=2&cursor={first['next_cursor']}").get_json()
    assert [e["id"] for e in rest["items"]] == [old.id] and rest["next_cursor"] is None

    detail = call("GET", f"/prevention/events/{recent.id}").get_json()
    assert (
        detail["topic"] == "Voyaga yetmaganlar bilan suhbat" and detail["event_date"] == recent.event_date.isoformat()
    )
    assert call("GET", f"/prevention/events/{foreign.id}").status_code == 404
    assert ids(bearer_api(world.foreign_inspector)("GET", "/prevention/events")) == [foreign.id]
    assert bearer_api(world.foreign_inspector)("GET", f"/prevention/events/{recent.id}").status_code == 404


def test_joint_plans_by_district_mahalla_and_status(bearer_api: BearerApi, world: World) -> None:
    district_wide = plan(world, "Tuman rejasi", district=world.district, mahalla=None)
    for_mahalla = plan(world, "Bunyodkor rejasi", district=world.district, mahalla=world.mahalla)
    finished = plan(world, "O'tgan chorak rejasi", district=world.district, mahalla=world.second_mahalla, ended=True)
    foreign = plan(world, "Yunusobod rejasi", district=world.other_district, mahalla=None)
    call = bearer_api(world.supervisor)
    assert sorted(ids(call("GET", "/prevention/joint-plans"))) == sorted(
        [district_wide.id, for_mahalla.id, finished.id]
    )
    # A mahalla's plans include the plans of its whole district.
    assert sorted(ids(call("GET", f"/prevention/joint-plans?mahalla={world.mahalla.id}"))) == sorted(
        [district_wide.id, for_mahalla.id]
    )
    assert ids(call("GET", "/prevention/joint-plans?status=finished")) == [finished.id]
    assert sorted(ids(call("GET", "/prevention/joint-plans?status=current"))) == sorted(
        [district_wide.id, for_mahalla.id]
    )
    assert ids(call("GET", "/prevention/joint-plans?q=bunyodkor")) == [for_mahalla.id]
    assert ids(call("GET", f"/prevention/joint-plans?district={world.other_district.id}")) == []

    detail = call("GET", f"/prevention/joint-plans/{for_mahalla.id}").get_json()
    assert (detail["title"], detail["district_id"], detail["mahalla_id"]) == (
        "Bunyodkor rejasi",
        world.district.id,
        world.mahalla.id,
    )
    assert call("GET", f"/prevention/joint-plans/{foreign.id}").status_code == 404
    assert ids(bearer_api(world.foreign_supervisor)("GET", "/prevention/joint-plans")) == [foreign.id]
    assert bearer_api(world.foreign_supervisor)("GET", f"/prevention/joint-plans/{district_wide.id}").status_code == 404
    region = bearer_api(world.region_supervisor)("GET", "/prevention/joint-plans")
    assert len(ids(region)) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=archived", "status"),
        ("from=31-12-2025", "from"),
        ("to=yesterday", "to"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("mahalla=abc", "mahalla"),
        ("district=-1", "district"),
        ("limit=0", "limit"),
    ],
)
@pytest.mark.parametrize("path", ["/prevention/patrols", "/prevention/events", "/prevention/joint-plans"])
def test_bad_filters_name_the_field(bearer_api: BearerApi, world: World, path: str, query: str, field: str) -> None:
    assert bad_field(bearer_api(world.supervisor)("GET", f"{path}?{query}")) == field


def test_the_filters_are_in_the_openapi_document(bearer_api: BearerApi, world: World) -> None:
    document = bearer_api(world.supervisor)("GET", "/openapi.json").get_json()
    parameters = {p["name"] for p in document["paths"]["/api/v1/prevention/events"]["get"]["parameters"]}
    assert {"limit", "cursor", "mahalla", "district", "from", "to", "status", "q"} <= parameters
