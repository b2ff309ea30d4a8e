"""The run bench's completion step (bench/bpmn_completion.py) on one of our diagrams stripped of what
another tool's export lacks: lanes, forms, gateway default and conditions, a timer value, executability."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bench.bpmn_completion import complete
from bench.bpmn_corpus_run import Scenario, _answer, run
from engine import load_library, validate_library
from engine.coverage import refusal_category
from webapp.cases.versions import LIBRARY_RULES

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _stripped(name: str) -> bytes:
    """The diagram as a tool that knows nothing of our rules would export it."""
    root = etree.fromstring((DIAGRAMS / name).read_bytes())
    for element in [*root.iter(f"{B}laneSet", f"{B}extensionElements", f"{B}conditionExpression")]:
        element.getparent().remove(element)
    for element in root.iter(f"{B}timeDuration"):
        element.getparent().remove(element)
    for element in root.iter(f"{B}process", f"{B}inclusiveGateway", f"{B}exclusiveGateway"):
        element.attrib.pop("default", None)
        if element.tag == f"{B}process":
            element.set("isExecutable", "false")
    return etree.tostring(root)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    (tmp_path / "visit_plan.bpmn").write_bytes(_stripped("visit_plan.bpmn"))
    (tmp_path / "await_outcome.bpmn").write_bytes(_stripped("await_outcome.bpmn"))
    return tmp_path


def test_the_stripped_export_is_refused_for_domain_rules_only(exported: Path) -> None:
    files = {"visit_plan.bpmn": (exported / "visit_plan.bpmn").read_bytes()}
    validation = validate_library(files, "visit_plan", **LIBRARY_RULES)
    codes = {p.code for p in validation.errors}
    assert {"process.not_executable", "gateway.flow_without_condition"} <= codes, codes
    assert {refusal_category(code) for code in codes} == {"domain"}


def test_completion_names_every_fixup_and_the_copy_validates_under_the_studio_rules(exported: Path) -> None:
    original = (exported / "visit_plan.bpmn").read_bytes()
    completion = complete({"visit_plan.bpmn": original})
    kinds = [note.split(": ", 1)[1].split()[0] for note in completion.fixups]
    assert kinds == ["executable", "lane", "default_flow", "condition", "condition", *["form"] * 4], kinds
    # the first flow drawn becomes the default; each other one reads the route of the scenario
    assert "visit_plan.bpmn: default_flow visits_split -> p_police" in completion.fixups
    assert 'visit_plan.bpmn: condition p_none: route == "p_none"' in completion.fixups
    assert completion.data == {"route": ""}
    assert (exported / "visit_plan.bpmn").read_bytes() == original  # a copy is completed
    load_library(completion.files, "visit_plan", **LIBRARY_RULES)
    timer = complete({"await_outcome.bpmn": (exported / "await_outcome.bpmn").read_bytes()})
    assert any(note.endswith('"PT1H"') and " timer " in f" {note.split(': ', 1)[1]}" for note in timer.fixups)


def test_completed_exports_run_to_their_end_in_the_sandbox(exported: Path) -> None:
    # the script reads what the stripped form asked: the methodologist's scenario answers it
    scenario = Scenario(answers={"plan_visits": _answer(with_police=True, with_school=False)})
    results = {r.path: r for r in run(exported, ["visit_plan.bpmn"], {"visit_plan.bpmn": scenario}, completion=True)}
    result = results["visit_plan.bpmn"]
    assert (result.outcome, result.validated) == ("completed", True), result
    assert result.steps >= 1 and result.fixups
