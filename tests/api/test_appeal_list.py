"""GET /api/v1/appeals (filters, search, cursor pages, scope) and GET /api/v1/appeals/<n>/events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import World
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.platform.auth.models import User

Api = Callable[..., Any]


def numbers(body: dict[str, Any]) -> list[str]:
    return [a["number"] for a in body["appeals"]]


def at(day: int, hour: int = 6) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, 0, tzinfo=dt.UTC)


def file(world: World, received: dt.datetime, text: str = "Ko'chadagi chiroqlar yonmayapti.", **fields: Any) -> str:
    new = NewAppeal(
        mahalla=fields.pop("mahalla", world.mahalla),
        kind=fields.pop("kind", "ariza"),
        text=text,
        channel="walk_in",
        applicant_name=fields.pop("applicant_name", "Aliyev Vali"),
        **fields,
    )
    return register_appeal(new, world.inspector, received_at=received).number


def test_cursor_pages_walk_every_appeal_once_newest_first(bearer_api: Callable[[User], Api], world: World) -> None:
    filed = [file(world, at(day)) for day in (2, 3, 4, 5, 6)]
    call = bearer_api(world.supervisor)
    seen: list[str] = []
    cursor = ""
    for _page in range(5):
        body = call("GET", f"/appeals?limit=2{'&cursor=' + cursor if cursor else ''}").get_json()
        seen += numbers(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(filed))


def test_filters_and_scope(bearer_api: Callable[[User], Api], world: World) -> None:
    mine = file(world, at(3), kind="taklif")
    other = file(world, at(4), mahalla=world.second_mahalla)
    foreign = file(world, at(5), mahalla=world.foreign_mahalla)
    supervisor = bearer_api(world.supervisor)
    assert foreign not in numbers(supervisor("GET", "/appeals").get_json())
    assert numbers(supervisor("GET", "/appeals?kind=taklif").get_json()) == [mine]
    assert numbers(supervisor("GET", f"/appeals?mahalla={world.second_mahalla.code}").get_json()) == [other]
    assert numbers(supervisor("GET", "/appeals?from=2026-02-04&to=2026-02-04").get_json()) == [other]
    assert set(numbers(supervisor("GET", "/appeals?status=registered&stage=1").get_json())) == {mine, other}
    assert numbers(bearer_api(world.inspector)("GET", "/appeals").get_json()) == [mine]  # M1 only
    assert numbers(supervisor("GET", f"/appeals?district={world.other_district.code}").get_json()) == []
    assert numbers(supervisor("GET", "/appeals?overdue=true").get_json()) == [mine, other][::-1]  # Feb: past due


def test_search_by_text_and_phone(bearer_api: Callable[[User], Api], world: World) -> None:
    drugs = file(world, at(3), text="Yoshlar orasida giyohvand moddalar tarqatilmoqda, choralar ko'ring.")
    phone = file(world, at(4), applicant_phone="+998 90 123 45 67")
    call = bearer_api(world.supervisor)
    assert numbers(call("GET", "/appeals?q=giyohvand").get_json()) == [drugs]
    assert phone in numbers(call("GET", "/appeals?q=123 45 67").get_json())


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("cursor=garbage", "cursor"),
        ("status=lost", "status"),
        ("stage=9", "stage"),
        ("from=2026-13-01", "from"),
        ("from=2026-02-05&to=2026-02-01", "from"),
        ("mahalla=NOPE", "mahalla"),
        ("overdue=perhaps", "overdue"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(
    bearer_api: Callable[[User], Api], world: World, query: str, field: str
) -> None:
    response = bearer_api(world.supervisor)("GET", f"/appeals?{query}")
    assert response.status_code == 400
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == [field]


def test_limit_defaults_to_50_and_methodologists_are_refused(bearer_api: Callable[[User], Api], world: World) -> None:
    assert bearer_api(world.methodologist)("GET", "/appeals").status_code == 403


def test_timeline_newest_last_with_actor_and_scope(bearer_api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    body = bearer_api(world.supervisor)("GET", f"/appeals/{appeal.number}/events").get_json()
    types = [e["type"] for e in body["events"]]
    assert types[0] == "registered" and "task_completed" in types and "status_changed" in types
    times = [e["time"] for e in body["events"]]
    assert times == sorted(times)
    completed = next(e for e in body["events"] if e["type"] == "task_completed")
    assert completed["actor"]["username"] == world.inspector.username
    assert bearer_api(world.foreign_supervisor)("GET", f"/appeals/{appeal.number}/events").status_code == 404
    assert bearer_api(world.supervisor)("GET", "/appeals/2020-999999/events").status_code == 404


def test_the_list_is_in_the_openapi_document(bearer_api: Callable[[User], Api], world: World) -> None:
    document = bearer_api(world.supervisor)("GET", "/openapi.json").get_json()
    get = document["paths"]["/api/v1/appeals"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"q", "status", "limit", "cursor", "overdue", "mahalla"}
    assert "/api/v1/appeals/{number}/events" in document["paths"]
