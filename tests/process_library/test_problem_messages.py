"""Engine problems reach people as codes translated into their language, SpiffWorkflow's own included.

A broken diagram validated by a Russian-speaking methodologist gets Russian sentences for every
problem (the XML parse, an unsupported element, a gateway flow without condition, a script syntax
error, a bad timer, a DMN error, a schema violation, a lane, and what SpiffWorkflow refuses that we
do not recognise); every code of the engine's catalogue has a Uzbek and a Russian translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from engine import PROBLEM_CATALOGUE, UNKNOWN_PROBLEM
from tests.conftest import World
from tests.process_library import diagrams
from tests.webapp.conftest import Api
from webapp.platform.auth.models import User
from webapp.platform.engine_messages import MESSAGES, problem_message

URL = "/processes/validate"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "webapp" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

REGISTRATION = "appeal_registration.bpmn"
SCRIPT = "<bpmn:script>stage = 1"
TIMER_LANE = '<bpmn:lane id="lane_appeal_registration_inspector" name="inspector">'


def bundled(app: Flask, name: str) -> str:
    return (Path(app.config["PROCESSES_DIR"]) / name).read_text(encoding="utf-8")


def _broken_registration(app: Flask) -> str:
    """The registration diagram with four problems our own checks find, each on its element."""
    source = bundled(app, REGISTRATION)
    assert SCRIPT in source and "</bpmn:process>" in source
    extra = """
    <bpmn:complexGateway id="odd_gateway" />
    <bpmn:exclusiveGateway id="choose_way" />
    <bpmn:endEvent id="way_a" />
    <bpmn:endEvent id="way_b" />
    <bpmn:sequenceFlow id="to_a" sourceRef="choose_way" targetRef="way_a" />
    <bpmn:sequenceFlow id="to_b" sourceRef="choose_way" targetRef="way_b" />
    <bpmn:intermediateCatchEvent id="wait_bad">
      <bpmn:timerEventDefinition id="wait_bad_timer"><bpmn:timeDuration>"P15X"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
  </bpmn:process>"""
    return source.replace(SCRIPT, "<bpmn:script>stage = (1", 1).replace("</bpmn:process>", extra, 1)


def _validate(api: Api, body: str | bytes, query: str = "", language: str = "ru") -> dict[str, Any]:
    headers = {"Content-Type": "application/xml", "Accept-Language": language}
    response = api("POST", URL + query, data=body, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    return dict(response.get_json())


def _by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {problem["code"]: problem for problem in body["errors"] + body["warnings"]}


def _assert_russian(problems: list[dict[str, Any]]) -> None:
    for problem in problems:
        assert set(problem) == {"element_id", "code", "params", "message", "file", "line", "severity"}
        english = PROBLEM_CATALOGUE[problem["code"]] % problem["params"]
        assert CYRILLIC.search(problem["message"]) and problem["message"] != english, problem


@pytest.fixture
def russian_methodologist(world: World, bearer_api: Callable[[User], Api]) -> Api:
    return bearer_api(world.methodologist)


def test_every_problem_of_a_broken_diagram_is_russian(russian_methodologist: Api, app: Flask) -> None:
    body = _validate(russian_methodologist, _broken_registration(app), f"?file={REGISTRATION}")
    _assert_russian(body["errors"] + body["warnings"])
    found = _by_code(body)
    assert found["unsupported.complex_gateway"]["element_id"] == "odd_gateway"
    assert found["unsupported.complex_gateway"]["message"] == (
        "Не поддерживается: complexGateway (сложного шлюза нет; используйте включающий шлюз с условиями)."
    )
    assert found["gateway.flow_without_condition"]["element_id"] in ("to_a", "to_b")
    assert found["gateway.flow_without_condition"]["params"] == {"gateway": "choose_way"}
    syntax = found["script.syntax_error"]
    assert syntax["element_id"] == "init_registration" and syntax["params"]["line"] == 1
    assert syntax["message"].startswith("Строка 1: синтаксическая ошибка (")
    assert found["timer.invalid"]["element_id"] == "wait_bad"
    assert found["timer.invalid"]["message"] == (
        "Значение таймера P15X не является корректной длительностью, датой или циклом ISO 8601."
    )


def test_a_malformed_document_is_russian_and_keeps_the_parser_detail(russian_methodologist: Api) -> None:
    [problem] = _validate(russian_methodologist, diagrams.MALFORMED)["errors"]
    _assert_russian([problem])
    assert problem["code"] == "xml.malformed" and problem["params"]["detail"]
    assert problem["message"] == f"Некорректный XML: {problem['params']['detail']}"


def test_dmn_errors_are_russian(russian_methodologist: Api, app: Flask) -> None:
    routing = bundled(app, "appeal_routing.dmn")
    bad_output = re.sub(r'(<outputEntry id="[^"]+">\s*<text>)[^<]*', r"\1&quot;inspector&quot; +", routing, count=1)
    assert bad_output != routing
    [syntax] = _validate(russian_methodologist, bad_output, "?file=appeal_routing.dmn")["errors"]
    _assert_russian([syntax])
    assert syntax["code"] == "script.syntax_error" and syntax["element_id"]
    two = routing.replace(
        "</definitions>",
        '<decision id="second" name="x"><decisionTable id="t2"><output id="o2" name="y" typeRef="string"/>'
        "</decisionTable></decision></definitions>",
    )
    [several] = _validate(russian_methodologist, two, "?file=appeal_routing.dmn")["errors"]
    _assert_russian([several])
    assert (several["code"], several["element_id"], several["params"]) == ("decision.several", "second", {"count": 2})
    assert several["message"] == "Документ DMN может содержать только одно решение; в этом их 2."


def test_what_the_engine_finds_while_loading_is_russian(russian_methodologist: Api, app: Flask) -> None:
    source = bundled(app, REGISTRATION)
    typo = source.replace("<bpmn:incoming>", "<bpmn:incomingg>", 1).replace("</bpmn:incoming>", "</bpmn:incomingg>", 1)
    [schema] = _validate(russian_methodologist, typo, f"?file={REGISTRATION}")["errors"]
    _assert_russian([schema])
    assert schema["code"] == "schema.unexpected_element" and schema["params"]["element"] == "bpmn:incomingg"
    cook = source.replace(TIMER_LANE, TIMER_LANE.replace('name="inspector"', 'name="cook"'))
    lanes = _validate(russian_methodologist, cook, f"?file={REGISTRATION}")["errors"]
    _assert_russian(lanes)
    assert {(p["code"], p["element_id"]) for p in lanes} >= {("lane.not_a_role", "check_registration")}


def test_a_spiffworkflow_refusal_we_do_not_know_keeps_its_text_in_a_russian_sentence(
    russian_methodologist: Api, app: Flask
) -> None:
    cancel = (
        '<bpmn:boundaryEvent id="cancel_check" attachedToRef="check_registration">'
        '<bpmn:cancelEventDefinition id="cancel_check_definition"/></bpmn:boundaryEvent></bpmn:process>'
    )
    source = bundled(app, REGISTRATION).replace("</bpmn:process>", cancel, 1)
    [problem] = _validate(russian_methodologist, source, f"?file={REGISTRATION}")["errors"]
    _assert_russian([problem])
    assert (problem["code"], problem["element_id"]) == (UNKNOWN_PROBLEM, "check_registration")
    assert problem["params"] == {"detail": "Cancel Events may only be used with transactions"}
    assert problem["message"] == "Движок процессов сообщил: Cancel Events may only be used with transactions"


def test_the_english_interface_reads_the_msgids(world: World, bearer_api: Callable[[User], Api], app: Flask) -> None:
    body = _validate(bearer_api(world.methodologist), _broken_registration(app), f"?file={REGISTRATION}", "en")
    found = _by_code(body)
    assert found["unsupported.complex_gateway"]["message"] == (
        "Not supported: complexGateway (there is no complex gateway; use an inclusive gateway with conditions)."
    )
    assert found["timer.invalid"]["message"] == (
        "The timer value P15X is not a valid ISO 8601 duration, date or cycle."
    )
    assert found["script.syntax_error"]["message"].startswith("Line 1: syntax error (")


def test_uzbek_is_the_default(world: World, bearer_api: Callable[[User], Api], app: Flask) -> None:
    body = _validate(bearer_api(world.methodologist), _broken_registration(app), f"?file={REGISTRATION}", "uz")
    assert _by_code(body)["unsupported.complex_gateway"]["message"] == (
        "Qoʻllab-quvvatlanmaydi: complexGateway (murakkab shlyuz yoʻq; shartli inklyuziv shlyuzdan foydalaning)."
    )


# --- the catalogue -----------------------------------------------------------------------------


def _catalog(language: str) -> Any:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def _msgid(code: str, app: Flask) -> str:
    with app.test_request_context(), force_locale("en"):
        return str(MESSAGES[code])


def test_the_web_layer_names_every_code_of_the_engine_catalogue_once() -> None:
    assert set(MESSAGES) == set(PROBLEM_CATALOGUE)


@pytest.mark.parametrize("code", sorted(PROBLEM_CATALOGUE))
def test_every_code_has_uzbek_and_russian_translations_with_the_same_parameters(code: str, app: Flask) -> None:
    msgid = _msgid(code, app)
    wanted = set(PLACEHOLDER.findall(PROBLEM_CATALOGUE[code]))
    assert set(PLACEHOLDER.findall(msgid)) == wanted, "the engine's template and the msgid take the same params"
    params = {name: f"<{name}>" for name in wanted}
    for language in ("uz", "ru"):
        entry = _catalog(language).get(msgid)
        assert entry is not None and entry.string and "fuzzy" not in entry.flags, (language, msgid)
        assert set(PLACEHOLDER.findall(entry.string)) == wanted, (language, entry.string)
        with app.test_request_context(), force_locale(language):
            text = problem_message(code, params)
        assert text == entry.string % params and all(value in text for value in params.values())
