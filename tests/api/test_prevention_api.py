"""GET /api/v1/prevention/…: the registry under its special-data rules (entitled users see the
record, others in reach see it masked; every record shown or refused is in the access log), plans,
youth, patrols, events and joint plans, with the list conventions; 403 for roles outside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from tests.conftest import World
from tests.prevention.conftest import prevention_plan, registry_person
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.models import AccessLogEntry
from webapp.prevention.youth.service import YoungPersonData, save_person

Api = Callable[..., Any]


def log(person_id: int) -> list[tuple[int | None, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.person_id == person_id))
    return [(r.user_id, r.action) for r in rows]


def test_registry_records_full_masked_and_logged(bearer_api: Callable[[User], Api], world: World) -> None:
    person = registry_person(world.mahalla, "Aliyev Jasur Botirovich", world.inspector, phone="+998901112233")
    mine = bearer_api(world.inspector)("GET", "/prevention/persons").get_json()["items"]
    assert [(p["name"], p["masked"]) for p in mine] == [("Aliyev Jasur Botirovich", False)]
    masked = bearer_api(world.inspector2)("GET", "/prevention/persons").get_json()["items"]  # same mahalla? else empty
    assert all(p["masked"] and "Aliyev" not in p["name"] for p in masked)
    assert (world.inspector.id, "api_list") in log(person.id)
    one = bearer_api(world.inspector)("GET", f"/prevention/persons/{person.id}")
    assert one.status_code == 200 and one.get_json()["phone"] == "+998901112233"
    refused = bearer_api(world.foreign_inspector)("GET", f"/prevention/persons/{person.id}")
    assert refused.status_code == 404
    assert (world.foreign_inspector.id, "view_denied") in log(person.id)
    assert bearer_api(world.methodologist)("GET", "/prevention/persons").status_code == 403


def test_plans_only_for_entitled_users(bearer_api: Callable[[User], Api], world: World) -> None:
    person = registry_person(world.mahalla, "Karimov Anvar", world.inspector)
    plan = prevention_plan(person, starts_on=local_today(), next_due_on=local_today() + dt.timedelta(days=30))
    items = bearer_api(world.inspector)("GET", "/prevention/plans").get_json()["items"]
    assert [p["id"] for p in items] == [plan.id] and "state" not in items[0]
    assert bearer_api(world.inspector)("GET", f"/prevention/plans/{plan.id}").status_code == 200
    assert bearer_api(world.foreign_inspector)("GET", "/prevention/plans").get_json()["items"] == []
    assert bearer_api(world.foreign_inspector)("GET", f"/prevention/plans/{plan.id}").status_code == 404
    assert (world.inspector.id, "api_plans") in log(person.id)


def test_youth_list_pages_with_cursor_and_territory(bearer_api: Callable[[User], Api], world: World) -> None:
    for n in range(3):
        data = YoungPersonData(full_name=f"Yoshlar {n}", birth_date=dt.date(2007, 1, 1 + n))
        save_person(world.inspector, world.mahalla, data)
    call = bearer_api(world.supervisor)
    first = call("GET", "/prevention/youth?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call("GET", f"/prevention/youth?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    one = first["items"][0]["id"]
    assert call("GET", f"/prevention/youth/{one}").get_json()["full_name"].startswith("Yoshlar")
    assert bearer_api(world.foreign_supervisor)("GET", f"/prevention/youth/{one}").status_code == 404
    assert bearer_api(world.foreign_supervisor)("GET", "/prevention/youth").get_json()["items"] == []
    bad = call("GET", "/prevention/youth?cursor=nonsense")
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"][0]["field"] == "cursor"


def test_patrols_events_and_joint_plans_answer_lists(bearer_api: Callable[[User], Api], world: World) -> None:
    call = bearer_api(world.supervisor)
    for path in ("/prevention/patrols", "/prevention/events", "/prevention/joint-plans"):
        response = call("GET", path)
        assert response.status_code == 200 and response.get_json() == {"items": [], "next_cursor": None}
        assert call("GET", f"{path}/999999").status_code == 404
    document = call("GET", "/openapi.json").get_json()
    assert {"/api/v1/prevention/persons", "/api/v1/prevention/joint-plans/{item_id}"} <= set(document["paths"])
