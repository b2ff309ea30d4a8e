"""GET /api/v1/stats/appeals on the hand-built dataset: figures, groups, scope and bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from tests.stats.conftest import Api, Dataset
from webapp.analytics.rollups.percentiles import TOLERANCE
from webapp.analytics.stats.service import GROUPS
from webapp.platform.auth.models import User

NOVEMBER = "from=2026-11-01&to=2026-11-30"
ApiFor = Callable[[User], Api]


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def fields(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["status"] == status and error["message"]
    return [item["field"] for item in error["fields"]]


def test_district_figures_and_change(bearer_api: ApiFor, dataset: Dataset) -> None:
    body = ok(bearer_api(dataset.world.supervisor)("GET", f"/stats/appeals?{NOVEMBER}&district=D1"))
    totals = body["totals"]
    assert (totals["received"], totals["answered"], totals["answered_on_time"], totals["answered_late"]) == (
        10,
        5,
        3,
        2,
    )
    assert totals["on_time_share"] == 0.6
    # 4.625 and 16 exactly; read from the rollups' duration buckets, within their tolerance
    assert totals["median_days"] == pytest.approx(4.625, rel=TOLERANCE)
    assert totals["p90_days"] == pytest.approx(16.0, rel=TOLERANCE)
    assert (totals["repeated"], totals["forwarded"], totals["unconsidered"]) == (1, 1, 1)
    assert (totals["ratings"], totals["rating_average"], totals["satisfied_share"]) == (3, 3.67, 0.6667)
    assert totals["categorisation_overrides"] == 1
    assert body["previous_period"] == {"from": "2026-10-02", "to": "2026-10-31"}
    assert body["previous_totals"]["received"] == 2
    assert body["change"]["received"] == {"current": 10, "previous": 2, "delta": 8, "percent": 400.0}
    assert body["filter"]["district"] == "D1" and body["filter"]["region"] == "R1"
    assert body["groups"] == []


def test_caller_territory_is_the_default(bearer_api: ApiFor, dataset: Dataset) -> None:
    world = dataset.world
    assert ok(bearer_api(world.supervisor)("GET", f"/stats/appeals?{NOVEMBER}"))["totals"]["received"] == 10
    assert ok(bearer_api(world.region_supervisor)("GET", f"/stats/appeals?{NOVEMBER}"))["totals"]["received"] == 11
    country = ok(bearer_api(world.admin)("GET", f"/stats/appeals?{NOVEMBER}"))
    assert country["totals"]["received"] == 11 and country["filter"]["region"] is None
    assert (
        ok(bearer_api(world.methodologist)("GET", f"/stats/appeals?{NOVEMBER}&mahalla=M3"))["totals"]["received"] == 1
    )


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("category", {"other": 5, "crime_prevention": 3, "family_conflict": 1, "public_safety": 1}),
        ("mahalla", {"M1": 5, "M2": 5}),
        ("inspector", {"inspector1": 2, "inspector2": 1}),
        ("kind", {"ariza": 9, "shikoyat": 1}),
        ("channel", {"walk_in": 8, "web": 1, "written": 1}),
        ("district", {"D1": 10}),
        ("month", {"2026-11": 10}),
    ],
)
def test_group_by(bearer_api: ApiFor, dataset: Dataset, group_by: str, expected: dict[str, int]) -> None:
    body = ok(bearer_api(dataset.world.supervisor)("GET", f"/stats/appeals?{NOVEMBER}&group_by={group_by}"))
    assert {group["key"]: group["figures"]["received"] for group in body["groups"]} == expected
    assert all(group["label"] for group in body["groups"])


def test_group_by_week_lists_every_week(bearer_api: ApiFor, dataset: Dataset) -> None:
    body = ok(
        bearer_api(dataset.world.region_supervisor)("GET", f"/stats/appeals?{NOVEMBER}&district=D1&group_by=week")
    )
    assert [(g["key"], g["figures"]["received"]) for g in body["groups"]] == [
        ("2026-10-26", 0),
        ("2026-11-02", 3),
        ("2026-11-09", 2),
        ("2026-11-16", 1),
        ("2026-11-23", 4),
        ("2026-11-30", 0),
    ]


def test_filters(bearer_api: ApiFor, dataset: Dataset) -> None:
    call = bearer_api(dataset.world.region_supervisor)
    assert ok(call("GET", f"/stats/appeals?{NOVEMBER}&region=R1&category=crime_prevention"))["totals"]["received"] == 3
    assert ok(call("GET", f"/stats/appeals?{NOVEMBER}&mahalla=M2&kind=ariza"))["totals"]["received"] == 4
    assert ok(call("GET", f"/stats/appeals?{NOVEMBER}&channel=web"))["totals"]["received"] == 1
    assert ok(call("GET", "/stats/appeals?from=2026-11-05&to=2026-11-05"))["totals"]["received"] == 2


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("from=2026-11-31&to=2026-12-01", 400, "from"),
        ("from=01.11.2026", 400, "from"),
        ("from=2026-11-01&to=tomorrow", 400, "to"),
        ("from=2026-12-01&to=2026-11-01", 400, "from"),
        ("from=2020-01-01&to=2026-11-30", 400, "to"),
        ("period=decade", 400, "period"),
        ("category=colours", 400, "category"),
        ("kind=letter", 400, "kind"),
        ("channel=pigeon", 400, "channel"),
        ("district=NOPE", 404, "district"),
        ("region=NOPE", 404, "region"),
        ("mahalla=NOPE", 404, "mahalla"),
        ("region=R1&district=NOPE", 404, "district"),
        ("district=D2&mahalla=M1", 400, "mahalla"),
    ],
)
def test_bad_input_names_the_field(bearer_api: ApiFor, world: World, query: str, status: int, field: str) -> None:
    assert fields(bearer_api(world.admin)("GET", f"/stats/appeals?{query}"), status) == [field]


def test_unknown_group_by_lists_the_choices(bearer_api: ApiFor, world: World) -> None:
    response = bearer_api(world.supervisor)("GET", "/stats/appeals?group_by=colour")
    assert fields(response, 400) == ["group_by"]
    assert all(name in response.get_json()["error"]["message"] for name in GROUPS)


@pytest.mark.parametrize(
    ("who", "query", "field"),
    [
        ("supervisor", "district=D2", "district"),
        ("supervisor", "mahalla=M3", "mahalla"),
        ("supervisor", "region=R1", "region"),
        ("foreign_supervisor", "district=D1", "district"),
    ],
)
def test_outside_the_callers_territory_is_403(
    bearer_api: ApiFor, world: World, who: str, query: str, field: str
) -> None:
    assert fields(bearer_api(getattr(world, who))("GET", f"/stats/appeals?{query}"), 403) == [field]


def test_inspectors_and_anonymous_callers_are_refused(bearer_api: ApiFor, client: FlaskClient, world: World) -> None:
    assert bearer_api(world.inspector)("GET", "/stats/appeals").status_code == 403
    assert client.get("/api/v1/stats/appeals").status_code == 401


def test_in_the_openapi_document(client: FlaskClient, world: World) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    spec = document["paths"]["/api/v1/stats/appeals"]["get"]
    assert {parameter["name"] for parameter in spec["parameters"]} >= {"from", "to", "district", "group_by"}
    assert set(spec["responses"]) == {"200", "400", "403", "404"}
    assert "StatsOut" in document["components"]["schemas"]
