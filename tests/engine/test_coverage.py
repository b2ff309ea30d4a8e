"""The BPMN coverage table drives the validator and the docs; its ✓ name tests that exist."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine import validate_library
from engine.constructs import bpmn_schema_elements
from engine.coverage import ABSTRACT, ELEMENTS, REFUSED, SUPPORTED, TABLE, render_markdown
from engine.problems import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
LANES = ("inspector", "supervisor", "partner")
COLLECTIVE = ("collective_reply.bpmn", "standard_multi_instance.bpmn")
EMBEDDED = (DIAGRAMS / "embedded_subprocess.bpmn").read_text(encoding="utf-8")


def bundled() -> dict[str, str]:
    folder = ROOT / "processes"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".bpmn", ".dmn")}


def errors_of(xml: str) -> list[tuple[str, str | None]]:
    report = validate_library({"d.bpmn": xml}, allowed_lanes=LANES)
    return [(p.code, p.element_id) for p in report.errors]


def test_the_bundled_library_validates() -> None:
    report = validate_library(bundled(), "appeal_lifecycle", allowed_lanes=LANES)
    assert report.valid, report.errors


def test_embedded_subprocess_as_bpmn_js_draws_it_validates() -> None:
    # incoming/outgoing of the sub-process, a pool, DI with isExpanded: what our modeler writes.
    assert 'isExpanded="true"' in EMBEDDED and "<bpmn:incoming>flow_to_visit</bpmn:incoming>" in EMBEDDED
    report = validate_library({"home_check.bpmn": EMBEDDED}, allowed_lanes=LANES)
    assert report.valid and not report.warnings, report.errors + report.warnings


@pytest.mark.parametrize(
    ("name", "process"),
    [
        ("case_events.bpmn", "case_events"),
        ("multi_instance.bpmn", "partner_referral"),
        ("standard_multi_instance.bpmn", "applicant_notices"),
        ("collaboration.bpmn", "joint_plan"),
        ("collaboration.bpmn", "district_review"),
        ("await_outcome.bpmn", "await_outcome"),
        ("visit_rounds.bpmn", "visit_rounds"),
        ("bounded_work.bpmn", "bounded_work"),
        ("visit_plan.bpmn", "visit_plan"),
    ],
)
def test_construct_diagrams_validate(name: str, process: str) -> None:
    # event sub-processes, boundary errors and escalations, message starts, multi-instance user tasks
    # (Camunda collection, standard data input), two pools exchanging messages, event-based gateway,
    # signals, send/receive/service/manual tasks, standard loop, conditional, terminate, transaction
    report = validate_library({name: (DIAGRAMS / name).read_text(encoding="utf-8")}, process, allowed_lanes=LANES)
    warnings = [(p.code, p.element_id) for p in report.warnings]
    assert report.valid, report.errors
    assert warnings == ([("unsupported.passive_task", "check_registry")] if name == "await_outcome.bpmn" else [])


def test_a_call_activity_and_the_process_it_calls_validate() -> None:
    files = {name: (DIAGRAMS / name).read_text(encoding="utf-8") for name in COLLECTIVE}
    report = validate_library(files, "collective_reply", allowed_lanes=LANES)
    assert report.valid and not report.warnings, report.errors + report.warnings


def test_a_business_rule_task_and_its_table_validate() -> None:
    files = {
        "routing_rule.bpmn": (DIAGRAMS / "routing_rule.bpmn").read_text(encoding="utf-8"),
        "appeal_routing.dmn": (ROOT / "processes" / "appeal_routing.dmn").read_text(encoding="utf-8"),
    }
    report = validate_library(files, "routing_rule", allowed_lanes=LANES)
    assert report.valid and not report.warnings, report.errors + report.warnings


def test_collaboration_with_one_pool_and_black_box_partner_validates() -> None:
    partner = (
        '<bpmn:participant id="police_pool" name="Police" />\n'
        '    <bpmn:messageFlow id="tell_police" sourceRef="note_visit" targetRef="police_pool" />\n'
        "  </bpmn:collaboration>"
    )
    xml = EMBEDDED.replace("</bpmn:collaboration>", partner, 1)
    assert errors_of(xml) == []


def test_every_schema_element_is_in_the_table_once() -> None:
    # ELEMENTS raises at import when an element is listed twice; here nothing of BPMN is left out.
    assert bpmn_schema_elements() - ABSTRACT - set(ELEMENTS) == set()
    assert set(ELEMENTS) - bpmn_schema_elements() == set()


def test_refused_rows_name_a_catalogued_code_and_supported_rows_none() -> None:
    for row in TABLE:
        assert (row.status == REFUSED) == (row.code is not None), row.label
        assert row.code is None or row.code in CATALOGUE


def test_the_docs_table_is_generated_from_the_table() -> None:
    docs = (ROOT / "docs" / "bpmn-coverage.md").read_text(encoding="utf-8")
    assert docs == render_markdown(), "run `make coverage-doc`"
    assert "✓" in docs and "`unsupported.complex_gateway`" in docs


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def test_every_tick_names_an_existing_test() -> None:
    for row in TABLE:
        for reference in (row.validated, row.sandbox, row.case):
            if not reference:
                continue
            file, _, function = reference.partition("::")
            path = ROOT / file
            assert path.is_file(), reference
            assert (function in _test_functions(path)) if function else _test_functions(path), reference


def test_every_supported_construct_is_validated_run_in_the_sandbox_and_in_a_real_case() -> None:
    for row in TABLE:
        if row.status == SUPPORTED:
            assert row.validated and row.sandbox and row.case, row.label
    # the real-case tests run the construct diagrams in cases of the application
    cases = (ROOT / "tests" / "webapp" / "test_bpmn_construct_cases.py").read_text(encoding="utf-8")
    used = {path.name for path in DIAGRAMS.glob("*.bpmn") if f'"{path.name}"' in cases}
    assert used == {path.name for path in DIAGRAMS.glob("*.bpmn")}


def _inside_visit(fragment: str) -> str:
    return EMBEDDED.replace('<bpmn:endEvent id="visit_end">', fragment + '<bpmn:endEvent id="visit_end">', 1)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<bpmn:complexGateway id="odd" />', ("unsupported.complex_gateway", "odd")),
        (
            '<bpmn:intermediateThrowEvent id="undo"><bpmn:compensateEventDefinition id="c1" />'
            "</bpmn:intermediateThrowEvent>",
            ("unsupported.compensation", "undo"),
        ),
        (
            '<bpmn:intermediateCatchEvent id="jump"><bpmn:linkEventDefinition id="l1" name="a" />'
            "</bpmn:intermediateCatchEvent>",
            ("unsupported.link_event", "jump"),
        ),
        ('<bpmn:dataStoreReference id="archive" />', ("unsupported.data_store", "archive")),
        ('<bpmn:adHocSubProcess id="calls" />', ("unsupported.ad_hoc", "calls")),
        (
            '<bpmn:subProcess id="empty_part"><bpmn:task id="inner" /></bpmn:subProcess>',
            ("process.no_start_event", "empty_part"),
        ),
        (
            '<bpmn:task id="fork" /><bpmn:task id="left" /><bpmn:task id="right" />'
            '<bpmn:sequenceFlow id="to_left" sourceRef="fork" targetRef="left" />'
            '<bpmn:sequenceFlow id="to_right" sourceRef="fork" targetRef="right" />',
            ("flow.implicit_split", "fork"),
        ),
        (
            '<bpmn:task id="each"><bpmn:multiInstanceLoopCharacteristics>'
            "<bpmn:completionCondition>done</bpmn:completionCondition>"
            "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>",
            ("multi_instance.no_collection", "each"),
        ),
    ],
)
def test_refused_constructs_are_reported_on_their_element(fragment: str, expected: tuple[str, str]) -> None:
    assert expected in errors_of(_inside_visit(fragment))


def test_several_pools_with_processes_validate() -> None:
    two = EMBEDDED.replace(
        "</bpmn:collaboration>", '<bpmn:participant id="other_pool" processRef="other" /></bpmn:collaboration>', 1
    ).replace(
        "</bpmn:process>",
        '</bpmn:process><bpmn:process id="other" isExecutable="true"><bpmn:startEvent id="o_start" /></bpmn:process>',
        1,
    )
    assert errors_of(two) == []
