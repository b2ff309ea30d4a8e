"""POST /api/v1/processes/validate: element-level problems for any document, hostile ones included."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World
from tests.process_library import diagrams
from tests.webapp.conftest import Api
from webapp.platform.auth.models import User

URL = "/processes/validate"
XML = {"Content-Type": "application/xml"}


def bundled(app: Flask, name: str) -> str:
    return (Path(app.config["PROCESSES_DIR"]) / name).read_text(encoding="utf-8")


def test_a_valid_document_gives_200(world: World, bearer_api: Callable[[User], Api], app: Flask) -> None:
    api = bearer_api(world.methodologist)
    response = api(
        "POST", f"{URL}?file=appeal_registration.bpmn", data=bundled(app, "appeal_registration.bpmn"), headers=XML
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"valid": True, "warnings": []}


def test_errors_name_the_element(world: World, bearer_api: Callable[[User], Api], app: Flask) -> None:
    api = bearer_api(world.methodologist)
    broken = bundled(app, "appeal_registration.bpmn").replace('name="inspector">', 'name="cook">')
    response = api("POST", URL, data=broken, headers=XML)
    assert response.status_code == 422
    body = response.get_json()
    assert body["valid"] is False
    assert any(e["element_id"] == "check_registration" and "cook" in e["message"] for e in body["errors"])


def test_an_imported_camunda_file_names_unsupported_elements_and_unquoted_timers(
    world: World, bearer_api: Callable[[User], Api]
) -> None:
    api = bearer_api(world.methodologist)
    response = api("POST", URL, data=diagrams.camunda_file(diagrams.ZEEBE_TASK, diagrams.EXTERNAL_TASK), headers=XML)
    assert response.status_code == 422
    by_element = {e["element_id"]: e["message"] for e in response.get_json()["errors"]}
    assert "Zeebe" in by_element["zeebe_job"] and "external task" in by_element["send_sms"]
    assert "not quoted" in by_element["visit_late"]


@pytest.mark.parametrize(
    ("body", "query", "status", "words"),
    [
        (diagrams.MALFORMED.encode(), "", 422, "Malformed XML"),
        (diagrams.XXE.encode(), "", 422, "not allowed"),
        (diagrams.BILLION_LAUGHS.encode(), "", 422, "not allowed"),
        (b"\xd0\x9f\xff\xfe<definitions/>", "", 400, "UTF-8"),
        (b"", "", 400, "empty"),
        (b"   \n", "", 400, "empty"),
        (diagrams.NOT_A_DIAGRAM.encode(), "", 422, "not a BPMN or DMN document"),
        (None, "?file=appeal_registration.bpmn", 422, "DMN document where a BPMN document is expected"),
        (b"<x/>", "?file=../../etc/passwd", 400, ".bpmn or .dmn"),
    ],
)
def test_hostile_and_broken_bodies_get_a_clear_4xx(
    world: World,
    bearer_api: Callable[[User], Api],
    app: Flask,
    body: bytes | None,
    query: str,
    status: int,
    words: str,
) -> None:
    api = bearer_api(world.methodologist)
    data = body if body is not None else bundled(app, "appeal_routing.dmn").encode()
    started = time.monotonic()
    response = api("POST", URL + query, data=data, headers=XML)
    assert time.monotonic() - started < 5
    assert response.status_code == status, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert words in text and "root:x:0:0" not in text


def test_fifty_megabytes_get_413(world: World, bearer_api: Callable[[User], Api]) -> None:
    api = bearer_api(world.methodologist)
    response = api("POST", URL, data=b"<" + b"a" * (50 * 1024 * 1024), headers=XML)
    assert response.status_code == 413
    assert "MB" in response.get_json()["error"]["message"]


def test_only_methodologists(world: World, bearer_api: Callable[[User], Api], client: FlaskClient) -> None:
    for user in (world.inspector, world.supervisor, world.admin):
        response = bearer_api(user)("POST", URL, data="<x/>", headers=XML)
        assert response.status_code == 403
    assert client.post(f"/api/v1{URL}", data="<x/>").status_code == 401


def test_the_openapi_document_describes_it(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/processes/validate"]["post"]
    assert "application/xml" in operation["requestBody"]["content"]
    assert {"200", "403", "413", "422"} <= set(operation["responses"])
