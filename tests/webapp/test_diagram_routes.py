"""The case diagram's data routes: the BPMN documents of a case's own version and its progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.names import element_names
from tests.conftest import World
from tests.webapp.cases import complete, drive_to, path_of, register
from webapp.cases.versions import publish_files, read_process_directory
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.studio.diagrams.service import case_diagrams, diagram_xml

AsUser = Callable[[User], FlaskClient]
MAIN = "appeal_lifecycle"


def xml_url(appeal: Appeal, process_id: str) -> str:
    return f"/appeals/{appeal.number}/diagrams/{process_id}.bpmn"


def json_url(appeal: Appeal) -> str:
    return f"/appeals/{appeal.number}/diagrams.json"


def diagrams_of(client: FlaskClient, appeal: Appeal) -> dict[str, dict[str, Any]]:
    response = client.get(json_url(appeal))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    payload = response.get_json()
    assert payload["appeal"] == appeal.number
    return {entry["process_id"]: entry for entry in payload["diagrams"]}


def order_of(client: FlaskClient, appeal: Appeal) -> list[str]:
    return [entry["process_id"] for entry in client.get(json_url(appeal)).get_json()["diagrams"]]


@pytest.fixture
def in_analysis(world: World) -> Appeal:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    return appeal


# --- the XML route ---------------------------------------------------------------------------


@pytest.mark.parametrize("process_id", [MAIN, "appeal_analysis", "appeal_monitoring"])
def test_xml_route_serves_the_process_document(
    as_user: AsUser, world: World, in_analysis: Appeal, app: Flask, process_id: str
) -> None:
    response = as_user(world.inspector).get(xml_url(in_analysis, process_id))

    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert f'<bpmn:process id="{process_id}"' in body
    bundled = read_process_directory(app.config["PROCESSES_DIR"])[f"{process_id}.bpmn"]
    # The document itself, with its names in the reader's language (lanes read as roles).
    assert element_names({"served.bpmn": body}).keys() == element_names({"bundled.bpmn": bundled}).keys()
    assert 'name="inspector"' in bundled and 'name="inspector"' not in body


def test_xml_route_contains_the_analysis_process(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    body = as_user(world.supervisor).get(xml_url(in_analysis, "appeal_analysis")).get_data(as_text=True)

    assert 'id="appeal_analysis"' in body
    assert 'id="analyse_appeal"' in body


@pytest.mark.parametrize("process_id", ["unknown_process", "appeal_lifecycle.bpmn", "Appeal_Lifecycle", "dmn"])
def test_unknown_process_is_404(as_user: AsUser, world: World, in_analysis: Appeal, process_id: str) -> None:
    assert as_user(world.inspector).get(xml_url(in_analysis, process_id)).status_code == 404


def test_unknown_appeal_is_404(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    client = as_user(world.inspector)

    assert client.get(f"/appeals/2000-999999/diagrams/{MAIN}.bpmn").status_code == 404
    assert client.get("/appeals/2000-999999/diagrams.json").status_code == 404


@pytest.mark.parametrize("user", ["foreign_inspector", "inspector2", "foreign_supervisor"])
def test_other_territory_gets_404(as_user: AsUser, world: World, in_analysis: Appeal, user: str) -> None:
    client = as_user(getattr(world, user))

    assert client.get(xml_url(in_analysis, MAIN)).status_code == 404
    assert client.get(json_url(in_analysis)).status_code == 404


@pytest.mark.parametrize("user", ["supervisor", "region_supervisor", "admin"])
def test_case_roles_of_the_territory_may_read(as_user: AsUser, world: World, in_analysis: Appeal, user: str) -> None:
    client = as_user(getattr(world, user))

    assert client.get(xml_url(in_analysis, MAIN)).status_code == 200
    assert client.get(json_url(in_analysis)).status_code == 200


def test_methodologist_is_403(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    client = as_user(world.methodologist)

    assert client.get(xml_url(in_analysis, MAIN)).status_code == 403
    assert client.get(json_url(in_analysis)).status_code == 403


@pytest.mark.parametrize("page", ["xml", "json"])
def test_anonymous_is_sent_to_login(client: FlaskClient, in_analysis: Appeal, page: str) -> None:
    url = xml_url(in_analysis, MAIN) if page == "xml" else json_url(in_analysis)

    response = client.get(url)

    assert response.status_code == 302
    assert urlsplit(path_of(response.location)).path == "/login"


# --- diagrams.json: what is done and what is current ---------------------------------------------


def test_fresh_case_shows_registration(as_user: AsUser, world: World) -> None:
    appeal = register(world)

    diagrams = diagrams_of(as_user(world.inspector), appeal)

    assert list(diagrams) == [MAIN, "appeal_registration"]
    main, registration = diagrams[MAIN], diagrams["appeal_registration"]
    assert main["file"] == "appeal_lifecycle.bpmn"
    assert main["name"] == "Murojaatni ko'rib chiqish"
    assert main["title"]
    assert main["xml_url"] == xml_url(appeal, MAIN)
    assert set(main["done"]) == {"start_event"}
    assert set(main["current"]) == {"call_registration"}
    assert registration["current"] == ["check_registration"]
    assert "init_registration" in registration["done"]
    assert "check_registration" not in registration["done"]


def test_after_check_registration_analysis_is_current(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    diagrams = diagrams_of(as_user(world.inspector), in_analysis)

    assert list(diagrams) == [MAIN, "appeal_analysis"]
    main, analysis = diagrams[MAIN], diagrams["appeal_analysis"]
    assert {"start_event", "call_registration", "gw_registration_outcome"} <= set(main["done"])
    assert main["current"] == ["call_analysis"]
    assert not {"call_analysis", "call_resolution", "end_closed"} & set(main["done"])
    assert analysis["current"] == ["analyse_appeal"]
    assert analysis["file"] == "appeal_analysis.bpmn"
    assert analysis["name"] == "Tahlil"
    assert "start_analysis" in analysis["done"]
    assert "analyse_appeal" not in analysis["done"]
    # Element ids are unqualified: the process is the entry's.
    assert not [e for entry in diagrams.values() for e in entry["done"] + entry["current"] if ":" in e]


def test_later_stage_marks_earlier_calls_done(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "take_measures")

    diagrams = diagrams_of(as_user(world.inspector), appeal)

    assert list(diagrams) == [MAIN, "appeal_resolution"]
    assert {"call_registration", "call_analysis"} <= set(diagrams[MAIN]["done"])
    assert diagrams[MAIN]["current"] == ["call_resolution"]
    assert diagrams["appeal_resolution"]["current"] == ["take_measures"]


def test_forwarded_case_shows_the_last_stage_entered(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "forward_appeal")
    complete(world, appeal, "forward_appeal")

    diagrams = diagrams_of(as_user(world.inspector), appeal)

    assert list(diagrams) == [MAIN, "appeal_registration"]
    assert {"call_registration", "end_forwarded"} <= set(diagrams[MAIN]["done"])
    assert "call_analysis" not in diagrams[MAIN]["done"]
    assert diagrams[MAIN]["current"] == []
    assert diagrams["appeal_registration"]["current"] == []
    assert "forward_appeal" in diagrams["appeal_registration"]["done"]


def test_closed_case_has_every_stage_done_and_nothing_current(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "evaluate_effectiveness")
    complete(world, appeal, "evaluate_effectiveness")

    diagrams = diagrams_of(as_user(world.supervisor), appeal)

    assert list(diagrams) == [MAIN, "appeal_monitoring"]
    calls = {"call_registration", "call_analysis", "call_resolution", "call_reply", "call_monitoring"}
    assert calls <= set(diagrams[MAIN]["done"])
    assert all(entry["current"] == [] for entry in diagrams.values())
    assert "evaluate_effectiveness" in diagrams["appeal_monitoring"]["done"]


def test_titles_are_the_process_names_in_the_users_language(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    world.inspector.language = "ru"
    db.session.commit()

    diagrams = diagrams_of(as_user(world.inspector), in_analysis)

    assert diagrams["appeal_analysis"]["name"] == "Tahlil"
    assert diagrams["appeal_analysis"]["title"] == "Анализ"


def test_json_is_not_cached(as_user: AsUser, world: World, in_analysis: Appeal) -> None:
    response = as_user(world.inspector).get(json_url(in_analysis))

    assert response.headers["Cache-Control"] == "no-store"


# --- a case keeps its own version --------------------------------------------------------------


def test_case_keeps_its_versions_diagram_after_a_new_version(
    as_user: AsUser, world: World, in_analysis: Appeal, app: Flask
) -> None:
    client = as_user(world.inspector)
    old_xml = client.get(xml_url(in_analysis, "appeal_analysis")).get_data(as_text=True)
    files = read_process_directory(app.config["PROCESSES_DIR"])
    assert '<bpmn:process id="appeal_analysis" name="Tahlil"' in files["appeal_analysis.bpmn"]
    files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace(
        '<bpmn:process id="appeal_analysis" name="Tahlil"', '<bpmn:process id="appeal_analysis" name="Tahlil 2"'
    )
    publish_files(MAIN, files, note="renamed analysis")
    db.session.commit()
    newer = register(world)
    drive_to(world, newer, "analyse_appeal")

    assert client.get(xml_url(in_analysis, "appeal_analysis")).get_data(as_text=True) == old_xml
    assert diagrams_of(client, in_analysis)["appeal_analysis"]["name"] == "Tahlil"
    new_xml = client.get(xml_url(newer, "appeal_analysis")).get_data(as_text=True)
    assert new_xml != old_xml
    assert '<bpmn:process id="appeal_analysis" name="Tahlil 2"' in new_xml
    assert '<bpmn:process id="appeal_analysis" name="Tahlil"' in old_xml
    assert diagrams_of(client, newer)["appeal_analysis"]["name"] == "Tahlil 2"


def test_service_answers_nothing_for_a_case_without_instance(world: World) -> None:
    appeal = Appeal(number="2000-000001")
    appeal.id = 987654

    assert case_diagrams(appeal) == []
    assert diagram_xml(appeal, MAIN) is None
