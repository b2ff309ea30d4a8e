"""The console's lists: stuck, overdue, due soon and workload, scoped by territory and filtered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World
from tests.sql_statements import sent_statements
from tests.supervision.conftest import Api, due_in, idle_for
from tests.webapp.cases import complete, register
from webapp.casework.supervision.service import Filters, due_soon, overdue_cases, stuck_cases, workload
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.query_params import BadParameter


def numbers(lines: list[Any]) -> list[str]:
    return [line.appeal.number for line in lines]


@pytest.fixture
def three(world: World) -> dict[str, Any]:
    """An idle case in M1 (10 days), one in M2 (3 days), and one in the other district (20 days)."""
    m1 = register(world)
    m2 = register(world, mahalla=world.second_mahalla, actor=world.inspector2, kind="taklif")
    foreign = register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector)
    idle_for(m1, 10)
    idle_for(m2, 3)
    idle_for(foreign, 20)
    return {"m1": m1, "m2": m2, "foreign": foreign}


def test_stuck_cases_are_scoped_to_the_supervisors_territory(world: World, three: dict[str, Any]) -> None:
    m1, m2, foreign = three["m1"], three["m2"], three["foreign"]
    assert numbers(stuck_cases(world.supervisor, 2)) == [m1.number, m2.number]
    assert numbers(stuck_cases(world.foreign_supervisor, 2)) == [foreign.number]
    assert numbers(stuck_cases(world.region_supervisor, 2)) == [foreign.number, m1.number, m2.number]
    assert numbers(stuck_cases(world.inspector, 2)) == [m1.number]  # the service scopes; the routes refuse


def test_stuck_days_decide_what_counts_as_stuck(world: World, three: dict[str, Any]) -> None:
    assert numbers(stuck_cases(world.supervisor, 5)) == [three["m1"].number]
    assert numbers(stuck_cases(world.supervisor, 11)) == []
    line = stuck_cases(world.supervisor, 5)[0]
    assert line.days_idle == 10
    assert [t.name for t in line.tasks] == ["check_registration"]


def test_completing_a_task_moves_the_case_out_of_stuck(world: World, three: dict[str, Any]) -> None:
    complete(world, three["m1"], "check_registration")
    assert numbers(stuck_cases(world.supervisor, 2)) == [three["m2"].number]


def test_filters_narrow_the_list(app: Flask, world: World, three: dict[str, Any]) -> None:
    sup, region = world.supervisor, world.region_supervisor
    assert numbers(stuck_cases(sup, 2, Filters(mahalla=world.second_mahalla.id))) == [three["m2"].number]
    assert numbers(stuck_cases(sup, 2, Filters(kind="taklif"))) == [three["m2"].number]
    assert numbers(stuck_cases(sup, 2, Filters(stage=2))) == []
    assert numbers(stuck_cases(region, 2, Filters(district=world.other_district.id))) == [three["foreign"].number]
    # a district filter cannot widen a district supervisor's territory
    assert numbers(stuck_cases(sup, 2, Filters(district=world.other_district.id))) == []
    category = three["m1"].category
    assert three["m1"].number in numbers(stuck_cases(sup, 2, Filters(category=category)))
    assert Filters.from_args({"category": category, "stage": "2", "kind": "taklif"}) == Filters(
        category=category, stage=2, kind="taklif"
    )
    for bad in ({"category": "nonsense"}, {"stage": "x"}, {"stage": "6"}, {"kind": "a"}, {"mahalla": "M1"}):
        with app.test_request_context(), pytest.raises(BadParameter) as raised:
            Filters.from_args(bad)
        assert raised.value.field == next(iter(bad))


def test_overdue_and_due_soon(world: World) -> None:
    late = register(world)
    soon = register(world)
    later = register(world)
    due_in(late, -4)
    due_in(soon, 2)
    due_in(later, 10)
    overdue = overdue_cases(world.supervisor)
    assert numbers(overdue) == [late.number]
    assert overdue[0].days_overdue == 4
    assert numbers(due_soon(world.supervisor)) == [soon.number]
    assert numbers(due_soon(world.supervisor, 12)) == [soon.number, later.number]
    assert numbers(overdue_cases(world.foreign_supervisor)) == []


def test_workload_per_inspector(world: World) -> None:
    first = register(world)
    register(world)
    register(world, mahalla=world.second_mahalla, actor=world.inspector2)
    complete(world, first, "check_registration")  # inspector1 completes one task this month
    due_in(first, -1)  # its next inspector task is overdue
    rows = {row.inspector.username: row for row in workload(world.supervisor)}
    assert set(rows) == {"inspector1", "inspector2"}
    assert (rows["inspector1"].open_tasks, rows["inspector1"].overdue, rows["inspector1"].completed_this_month) == (
        2,
        1,
        1,
    )
    assert (rows["inspector2"].open_tasks, rows["inspector2"].overdue, rows["inspector2"].completed_this_month) == (
        1,
        0,
        0,
    )
    assert rows["inspector1"].mahallas == ("Bunyodkor MFY",)
    assert [row.inspector.username for row in workload(world.foreign_supervisor)] == ["inspector3"]
    assert {row.inspector.username for row in workload(world.region_supervisor)} == {
        "inspector1",
        "inspector2",
        "inspector3",
    }


# --- the console page ---------------------------------------------------------------------------


def test_console_shows_each_tab(world: World, three: dict[str, Any], as_user: Callable[[User], FlaskClient]) -> None:
    client = as_user(world.supervisor)
    page = client.get("/supervision?tab=stuck&days=5").get_data(as_text=True)
    assert three["m1"].number in page
    assert three["m2"].number not in page
    assert three["foreign"].number not in page
    assert 'name="case"' in page and 'name="inspector"' in page
    for tab in ("overdue", "due_soon", "workload", "incidents"):
        assert client.get(f"/supervision?tab={tab}").status_code == 200
    workload_page = client.get("/supervision?tab=workload").get_data(as_text=True)
    assert 'data-inspector="inspector1"' in workload_page
    assert 'data-inspector="inspector3"' not in workload_page


def test_region_supervisor_gets_a_district_filter(
    world: World, three: dict[str, Any], as_user: Callable[[User], FlaskClient]
) -> None:
    page = as_user(world.region_supervisor).get(f"/supervision?days=2&district={world.other_district.id}")
    html = page.get_data(as_text=True)
    assert 'name="district"' in html
    assert three["foreign"].number in html
    assert three["m1"].number not in html
    district_page = as_user(world.supervisor).get("/supervision").get_data(as_text=True)
    assert 'name="district"' not in district_page


@pytest.mark.parametrize("who", ["inspector", "foreign_inspector"])
def test_inspectors_may_not_open_the_console(world: World, as_user: Callable[[User], FlaskClient], who: str) -> None:
    assert as_user(getattr(world, who)).get("/supervision").status_code == 403


def test_bad_days_on_the_console_answer_400_naming_them(
    world: World, three: dict[str, Any], as_user: Callable[[User], FlaskClient]
) -> None:
    client = as_user(world.supervisor)
    for query, name in (("days=abc", "days"), ("soon=0", "soon"), ("tab=colours", "tab"), ("page=0", "page")):
        page = client.get(f"/supervision?{query}")
        assert page.status_code == 400
        assert f'data-parameter="{name}"' in page.get_data(as_text=True)
    assert three["m1"].number in client.get("/supervision?days=7").get_data(as_text=True)


# --- the API -------------------------------------------------------------------------------------


def test_api_stuck_and_overdue(world: World, three: dict[str, Any], api: Callable[[User], Api]) -> None:
    call = api(world.supervisor)
    body = call("GET", "/supervision/stuck?days=5").get_json()
    assert [c["number"] for c in body["cases"]] == [three["m1"].number]
    case = body["cases"][0]
    assert case["mahalla"] == "M1" and case["days_idle"] == 10 and case["tasks"] == ["check_registration"]
    assert case["case_status"] == "running" and case["assignees"] == [
        "Inspector1"
    ]  # the mahalla's inspector, assigned on creation
    due_in(three["m2"], -2)
    overdue = call("GET", "/supervision/overdue").get_json()["cases"]
    assert [(c["number"], c["days_overdue"]) for c in overdue] == [(three["m2"].number, 2)]
    region = api(world.region_supervisor)("GET", "/supervision/stuck?days=2").get_json()["cases"]
    assert len(region) == 3


@pytest.mark.parametrize("days", ["0", "-1", "abc", "366", "1.5"])
def test_api_bad_days_is_400_naming_the_field(world: World, api: Callable[[User], Api], days: str) -> None:
    response = api(world.supervisor)("GET", f"/supervision/stuck?days={days}")
    assert response.status_code == 400
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["days"]


def test_api_supervision_lists_refuse_inspectors(world: World, api: Callable[[User], Api]) -> None:
    for path in ("/supervision/stuck", "/supervision/overdue"):
        response = api(world.inspector)("GET", path)
        assert response.status_code == 403
        assert response.get_json()["error"]["status"] == 403


def test_openapi_document_lists_the_supervision_api(world: World, client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/supervision/stuck"]
    assert "get" in paths["/api/v1/supervision/overdue"]
    for action in ("suspend", "resume", "cancel"):
        assert set(paths[f"/api/v1/appeals/{{number}}/{action}"]["post"]["responses"]) >= {"403", "404", "409", "422"}


def test_the_lists_read_the_cases_mahallas_with_the_cases(
    world: World, three: dict[str, Any], api: Callable[[User], Api]
) -> None:
    """Every list names each case's mahalla: the mahallas come with the cases, not one statement
    each afterwards (a district's list of stuck cases spans dozens of mahallas)."""
    call = api(world.supervisor)

    def listed(days: int) -> tuple[int, list[str]]:
        db.session.expire_all()  # what earlier requests left in the session is read again
        with sent_statements() as seen:
            cases = call("GET", f"/supervision/stuck?days={days}").get_json()["cases"]
        return len(seen), [case["mahalla"] for case in cases]

    listed(5)  # the first request also records the token's first use
    one, mahallas = listed(5)
    assert mahallas == ["M1"]
    two, mahallas = listed(2)
    assert mahallas == ["M1", "M2"]
    assert two == one, (one, two)
