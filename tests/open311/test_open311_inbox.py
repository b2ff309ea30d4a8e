"""End to end: a request filed through Open311 lands in the inbox of the inspector of its mahalla."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import World
from tests.open311.conftest import post_request
from webapp.platform.auth.models import User
from webapp.platform.auth.service import issue_token


def inbox(client: FlaskClient, user: User) -> list[dict]:
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {issue_token(user)}"})
    assert response.status_code == 200
    return list(response.get_json()["tasks"])


def test_the_mahallas_inspector_gets_check_registration(client: FlaskClient, world: World, api_key: str) -> None:
    response = post_request(client, api_key, **{"attribute[mahalla]": "M2", "service_code": "minors_youth"})
    number = response.get_json()[0]["service_request_id"]

    (task,) = inbox(client, world.inspector2)
    assert (task["appeal_number"], task["name"], task["mahalla"]) == (number, "check_registration", "M2")
    assert inbox(client, world.inspector) == []
    assert inbox(client, world.foreign_inspector) == []
