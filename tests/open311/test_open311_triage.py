"""End to end over HTTP: an Open311 request whose mahalla or category cannot be placed waits in the
staff triage queue; an inspector or supervisor places it in a mahalla of their own territory (the
appeal is registered, received when the request came, and its case starts) or rejects it with a
reason the client reads under the request's token. Territory and roles hold; errors name the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.open311.conftest import PREFIX, post_request, xml
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.intake.open311.models import Open311Triage
from webapp.platform.auth.models import User
from webapp.platform.timeutil import as_utc

AsUser = Callable[[User], FlaskClient]
BearerApi = Callable[[User], Callable[..., Any]]


def held(client: FlaskClient, api_key: str, **overrides: Any) -> str:
    """Post a request that cannot be placed; the token it was given."""
    response = post_request(client, api_key, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    (body,) = response.get_json()
    assert set(body) == {"token", "service_notice", "account_id"} and body["service_notice"]
    return str(body["token"])


def token_status(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get(f"{PREFIX}/tokens/{token}.json")
    assert response.status_code == 200
    (body,) = response.get_json()
    return dict(body)


def placement(page: str, mahalla_id: int) -> dict[str, Any]:
    """The place form of a triage page, filled in."""
    return {
        "csrf_token": csrf_token(page),
        "place-mahalla": mahalla_id,
        "place-category": "public_safety",
        "place-kind": "shikoyat",
    }


def item_of(token: str) -> Open311Triage:
    db.session.expire_all()
    item = db.session.scalar(select(Open311Triage).where(Open311Triage.token == token))
    assert item is not None
    return item


def test_an_unknown_service_code_is_placed_through_the_staff_pages(
    client: FlaskClient, world: World, api_key: str, as_user: AsUser, bearer_api: BearerApi
) -> None:
    token = held(client, api_key, service_code="street_lights")
    assert db.session.scalar(select(Appeal.id)) is None
    waiting = token_status(client, token)
    assert (waiting["service_request_id"], waiting["status"]) == (None, "open") and waiting["status_notes"]
    item = item_of(token)

    staff = as_user(world.inspector)
    queue = staff.get("/open311-triage").get_data(as_text=True)
    assert f'data-id="{item.id}"' in queue and "street_lights" in queue
    page = staff.get(f"/open311-triage/{item.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ko&#39;chamizdagi chiroqlar" in html and world.mahalla.name in html
    assert world.foreign_mahalla.name not in html  # only the mahallas of the inspector's territory
    url = f"/open311-triage/{item.id}/place"
    no_csrf = staff.post(url, data={"place-mahalla": world.mahalla.id, "place-category": "public_safety"})
    assert no_csrf.status_code == 400
    foreign = staff.post(url, data=placement(html, world.foreign_mahalla.id))
    assert foreign.status_code == 422 and "is-invalid" in foreign.get_data(as_text=True)
    assert db.session.scalar(select(Appeal.id)) is None
    done = staff.post(url, data=placement(html, world.mahalla.id))
    assert done.status_code == 302

    appeal = db.session.scalar(select(Appeal))
    assert appeal is not None
    assert (appeal.mahalla_id, appeal.category, appeal.channel) == (world.mahalla.id, "public_safety", "open311")
    assert appeal.open311_client_id == item_of(token).client_id and appeal.registered_by_id == world.inspector.id
    assert abs(as_utc(appeal.received_at) - as_utc(item_of(token).received_at)) < dt.timedelta(seconds=1)
    placed = token_status(client, token)
    assert placed["service_request_id"] == appeal.number and placed["status"] == "open"
    assert client.get(f"{PREFIX}/requests/{appeal.number}.json").status_code == 200
    tasks = bearer_api(world.inspector)("GET", "/tasks").get_json()["tasks"]
    assert [(t["appeal_number"], t["name"]) for t in tasks] == [(appeal.number, "check_registration")]
    assert f'data-id="{item.id}"' not in staff.get("/open311-triage").get_data(as_text=True)
    assert staff.get(f"/open311-triage/{item.id}").status_code == 404  # decided: no longer in the queue


def test_a_location_in_no_mahalla_is_rejected_over_the_api_and_the_client_reads_why(
    client: FlaskClient, world: World, api_key: str, bearer_api: BearerApi
) -> None:
    token = held(client, api_key, **{"attribute[mahalla]": None, "lat": "40.1", "long": "65.2"})
    item = item_of(token)
    supervisor = bearer_api(world.supervisor)
    (listed,) = supervisor("GET", "/open311/triage").get_json()["requests"]
    assert (listed["id"], listed["token"], listed["lat"]) == (item.id, token, 40.1)
    assert listed["service_code"] == "public_safety"
    assert "phone" not in listed and "applicant_name" not in listed

    short = supervisor("POST", f"/open311/triage/{item.id}/reject", json={"reason": "yo'q"})
    assert short.status_code == 422 and short.get_json()["error"]["fields"][0]["field"] == "reason"
    extra = supervisor("POST", f"/open311/triage/{item.id}/reject", json={"reason": "x" * 20, "why": 1})
    assert extra.status_code == 422 and extra.get_json()["error"]["fields"][0]["field"] == "why"
    reason = "Manzil Toshkent shahridan tashqarida; viloyat hokimligiga murojaat qiling."
    done = supervisor("POST", f"/open311/triage/{item.id}/reject", json={"reason": reason})
    assert done.status_code == 200 and done.get_json()["status"] == "rejected"

    closed = token_status(client, token)
    assert closed["service_request_id"] is None and closed["status"] == "closed"
    assert reason in closed["status_notes"]
    assert supervisor("GET", "/open311/triage").get_json()["requests"] == []
    again = supervisor("POST", f"/open311/triage/{item.id}/reject", json={"reason": reason})
    assert again.status_code == 404
    assert db.session.scalar(select(Appeal.id)) is None


def test_placing_over_the_api_names_the_field_and_keeps_to_the_territory(
    client: FlaskClient, world: World, api_key: str, bearer_api: BearerApi
) -> None:
    token = held(client, api_key, service_code="noise")
    item = item_of(token)
    inspector = bearer_api(world.inspector)
    path = f"/open311/triage/{item.id}/place"
    missing = inspector("POST", path, json={"mahalla": world.mahalla.code})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"][0]["field"] == "category"
    bad = inspector("POST", path, json={"mahalla": world.mahalla.code, "category": "noise"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "category"
    foreign = inspector("POST", path, json={"mahalla": world.foreign_mahalla.code, "category": "public_safety"})
    assert foreign.status_code == 422
    assert foreign.get_json()["error"]["fields"][0] == {
        "field": "mahalla",
        "code": "outside_territory",
        "message": foreign.get_json()["error"]["message"],
    }
    unknown = inspector("POST", path, json={"mahalla": "M99", "category": "public_safety"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"][0]["field"] == "mahalla"
    assert bearer_api(world.methodologist)("GET", "/open311/triage").status_code == 403
    assert bearer_api(world.methodologist)("POST", path, json={"mahalla": "M1", "category": "other"}).status_code == 403
    assert inspector("POST", "/open311/triage/999999/place", json={}).status_code == 404

    placed = bearer_api(world.foreign_supervisor)(
        "POST", path, json={"mahalla": world.foreign_mahalla.code, "category": "public_safety", "kind": "taklif"}
    )
    assert placed.status_code == 201, placed.get_json()
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == placed.get_json()["number"]))
    assert appeal is not None and (appeal.mahalla_id, appeal.kind) == (world.foreign_mahalla.id, "taklif")
    assert token_status(client, token)["service_request_id"] == appeal.number


@pytest.mark.parametrize("path", ["/open311-triage", "/open311-triage/1"])
def test_the_pages_need_a_triage_role(world: World, as_user: AsUser, path: str) -> None:
    assert as_user(world.methodologist).get(path).status_code == 403


def test_a_rejection_needs_a_reason_on_the_page(
    client: FlaskClient, world: World, api_key: str, as_user: AsUser
) -> None:
    item = item_of(held(client, api_key, service_code="graffiti"))
    staff = as_user(world.supervisor)
    html = staff.get(f"/open311-triage/{item.id}").get_data(as_text=True)
    empty = staff.post(f"/open311-triage/{item.id}/reject", data={"csrf_token": csrf_token(html), "reject-reason": ""})
    assert empty.status_code == 422 and "is-invalid" in empty.get_data(as_text=True)
    assert item_of(item.token).status == "pending"
    done = staff.post(
        f"/open311-triage/{item.id}/reject",
        data={"csrf_token": csrf_token(html), "reject-reason": "Bu xizmat mahalla inspektoriga tegishli emas."},
    )
    assert done.status_code == 302 and item_of(item.token).status == "rejected"
    assert token_status(client, item.token)["status"] == "closed"


def test_a_held_request_answers_in_xml_and_its_token_validates(client: FlaskClient, world: World, api_key: str) -> None:
    response = post_request(client, api_key, "xml", service_code="street_lights")
    root = xml(response)
    token = root.findtext("request/token")
    assert token and token.startswith("t-") and root.find("request/service_request_id") is None
    assert token_status(client, token)["token"] == token
    waiting = xml(client.get(f"{PREFIX}/tokens/{token}.xml"))
    assert waiting.findtext("request/token") == token and waiting.findtext("request/status") == "open"
