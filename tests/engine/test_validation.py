"""Element-level validation of imported and edited diagrams, and the normalisation of Camunda Modeler files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine import DiagramError, check_timer_value, normalise_document, validate_library
from tests.process_library import diagrams

LANES = ("inspector", "supervisor", "partner")
PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def bundled() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")}


def test_the_bundled_library_is_valid() -> None:
    report = validate_library(bundled(), "appeal_lifecycle", allowed_lanes=LANES)
    assert report.valid, report.errors


def test_camunda_modeler_file_is_normalised_then_valid() -> None:
    text, warnings = normalise_document(diagrams.camunda_file(), "home_visit.bpmn")
    assert '"P15D"' in text
    assert [(w.element_id, w.severity) for w in warnings] == [("visit_late", "warning")]
    assert warnings[0].message.startswith("normalised:")
    # Not normalised, SpiffWorkflow would evaluate P15D as a Python name when the timer starts.
    raw = validate_library({"home_visit.bpmn": diagrams.camunda_file()}, allowed_lanes=LANES)
    assert [(p.element_id, "not quoted" in p.message) for p in raw.errors] == [("visit_late", True)]
    report = validate_library({"home_visit.bpmn": text}, allowed_lanes=LANES)
    assert report.valid, report.errors


@pytest.mark.parametrize(
    ("extra", "element", "words"),
    [
        (diagrams.JAVA_SERVICE_TASK, "notify_police", "camunda:class"),
        (diagrams.EXTERNAL_TASK, "send_sms", "external task"),
        (diagrams.CONNECTOR_TASK, "call_api", "camunda:connector"),
        (diagrams.ZEEBE_TASK, "zeebe_job", "Zeebe"),
        (diagrams.COMPLEX_GATEWAY, "odd_gateway", "complexGateway"),
        (diagrams.JAVASCRIPT_TASK, "js_script", "javascript"),
    ],
)
def test_unsupported_constructs_are_named_per_element(extra: str, element: str, words: str) -> None:
    text, _ = normalise_document(diagrams.camunda_file(extra), "home_visit.bpmn")
    report = validate_library({"home_visit.bpmn": text}, allowed_lanes=LANES)
    assert not report.valid
    named = [p for p in report.errors if p.element_id == element]
    assert named and words in named[0].message and named[0].message.startswith("not supported")


def test_missing_decision_and_bad_timer_are_reported_on_their_elements() -> None:
    text, _ = normalise_document(diagrams.camunda_file(diagrams.MISSING_DECISION, diagrams.BAD_TIMER_EVENT), "h.bpmn")
    report = validate_library({"h.bpmn": text}, allowed_lanes=LANES)
    by_element = {p.element_id: p.message for p in report.errors}
    assert "risk_colour_missing" in by_element["pick_risk"]
    assert "ISO 8601" in by_element["wait_bad"]


def test_gateway_flow_without_condition_or_default_is_an_error() -> None:
    files = bundled()
    registration = files["appeal_registration.bpmn"]
    flow = "flow_gw_registration_route_to_forward_appeal"
    start = registration.index(f'<bpmn:sequenceFlow id="{flow}"')
    end = registration.index("</bpmn:sequenceFlow>", start)
    assert "conditionExpression" in registration[start:end]
    opening = registration[start:end].split(">", 1)[0]
    files["appeal_registration.bpmn"] = registration[:start] + opening + ">" + registration[end:]
    report = validate_library(files, "appeal_lifecycle", allowed_lanes=LANES)
    assert any(p.element_id == flow and "default flow" in p.message for p in report.errors), report.errors


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ('"P15D"', True),
        ('"PT36H"', True),
        ('"R3/PT10H"', True),
        ('"2026-01-01T10:00:00"', True),
        ("deadline_at", True),
        ('"P15X"', False),
        ("P15D", False),
        ('"tomorrow"', False),
        ("${duration}", False),
        ("__import__('os')", False),
        ("", False),
    ],
)
def test_timer_values(value: str, ok: bool) -> None:
    assert (check_timer_value(value) is None) is ok


def test_hostile_documents_are_refused_quickly_without_reading_files() -> None:
    for content in (diagrams.XXE, diagrams.BILLION_LAUGHS, diagrams.MALFORMED, b"\xff\xfe<bpmn/>", ""):
        started = time.monotonic()
        report = validate_library({"x.bpmn": content})
        assert not report.valid
        assert time.monotonic() - started < 1
        assert all("root:" not in p.message for p in report.errors)
    with pytest.raises(DiagramError):
        normalise_document(diagrams.XXE, "x.bpmn")


def test_a_dmn_where_bpmn_is_expected_and_a_foreign_document() -> None:
    dmn = bundled()["appeal_routing.dmn"]
    report = validate_library({"x.bpmn": dmn})
    assert "DMN document where a BPMN document is expected" in report.errors[0].message
    report = validate_library({"x.bpmn": diagrams.NOT_A_DIAGRAM})
    assert "not a BPMN or DMN document" in report.errors[0].message
