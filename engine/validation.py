"""Validate a process library (or one posted document) element by element, before it goes live.

Three layers, all reported as ``DiagramProblem`` with the element's id so the modeler can mark it:

* the hardened XML parse (no DTDs or entities, a size cap, UTF-8 only);
* our document checks on the XML itself: constructs our engine does not run (another tool's
  dialect, connectors, external tasks, Java delegates, listeners, non-Python scripts; BPMN
  constructs as the coverage table of engine.coverage says, checked by engine.constructs),
  ISO 8601 timer values, gateway flows without condition or default, scripts, conditions and
  the other expressions (multi-instance cardinality and completion condition, conditional
  events) under the restricted compiler, form field ids, DMN decisions that are referenced
  but missing;
* the engine's own load (XSD, SpiffWorkflow parse, lanes, forms) and DMN check.

``normalise_document`` rewrites what Camunda Modeler writes differently from what SpiffWorkflow
reads (unquoted ISO 8601 timer values, which SpiffWorkflow would evaluate as Python names) and
says so as warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.constructs import construct_problems
from engine.constructs import local_name as _local
from engine.constructs import owner_id as _owner_id
from engine.decisions import check_decisions
from engine.errors import DiagramError, DiagramProblem, Problem, located
from engine.forms import IDENTIFIER
from engine.library import BPMN_NS, DMN_NAMESPACES, load_library
from engine.scripting import check_script
from engine.xml_safety import parse_diagram_xml

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_B = f"{{{BPMN_NS}}}"
_C = f"{{{CAMUNDA_NS}}}"

_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
_TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
# The other expressions the engine evaluates: a multi-instance activity's cardinality and completion
# condition, a conditional event's condition.
_EXPRESSION_TAGS = ("loopCardinality", "completionCondition", "condition")
# Activities after which SpiffWorkflow takes one outgoing flow only (BPMN's implicit parallel split).
_ACTIVITIES = frozenset(
    {"task", "userTask", "manualTask", "scriptTask", "businessRuleTask", "serviceTask", "sendTask", "receiveTask"}
    | {"subProcess", "transaction", "callActivity"}
)
_JAVA_DELEGATES = ("class", "expression", "delegateExpression")
# An ISO 8601 duration, date-time, week date or recurring interval written without quotes.
_BARE_ISO = re.compile(r"^(R\d*/)?(P[0-9YMWDTHMS.,]+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)(/\S+)?$")


@dataclass
class ValidationReport:
    """Errors block saving as valid and publishing; warnings are shown but allowed."""

    errors: list[DiagramProblem] = field(default_factory=list)
    warnings: list[DiagramProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def add(self, problems: Iterable[DiagramProblem]) -> None:
        seen = {_identity(p) for p in self.errors + self.warnings}
        for problem in problems:
            key = _identity(problem)
            if key in seen:
                continue
            seen.add(key)
            (self.warnings if problem.severity == "warning" else self.errors).append(problem)


def _identity(problem: DiagramProblem) -> tuple[object, ...]:
    return (problem.file, problem.element_id, problem.code, repr(sorted(problem.params.items())))


def document_kind(tree: Any) -> str | None:
    """``bpmn``, ``dmn`` or None (not a diagram document)."""
    tag = str(tree.getroot().tag)
    if tag == f"{_B}definitions":
        return "bpmn"
    if any(tag.startswith("{" + ns) for ns in DMN_NAMESPACES) and tag.endswith("}definitions"):
        return "dmn"
    return None


def kind_problem(tree: Any, name: str, expected: str | None) -> DiagramProblem | None:
    """A clear message when the document is not the kind of diagram its name or route expects."""
    kind = document_kind(tree)
    if kind is None:
        return DiagramProblem("document.not_a_diagram", {"root": _local(tree.getroot().tag)}, file=name)
    if expected and kind != expected:
        return DiagramProblem("document.wrong_kind", {"kind": kind.upper(), "expected": expected.upper()}, file=name)
    return None


def check_timer_value(expression: str) -> Problem | None:
    """None when a timer value (a quoted ISO 8601 string, or a Python expression) is acceptable."""
    text = expression.strip()
    if not text:
        return Problem("timer.empty")
    if "${" in text or "#{" in text:
        return Problem("timer.juel", {"value": text})
    if _BARE_ISO.match(text):
        return Problem("timer.unquoted", {"value": text})
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        literal = text[1:-1]
        try:
            if literal.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(literal)
            else:
                TimerEventDefinition.parse_time_or_duration(literal)
        except Exception:  # SpiffWorkflow raises bare Exception, ValueError, AttributeError
            return Problem("timer.invalid", {"value": literal})
        return None
    refused = check_script(text, "eval")
    return refused[0] if refused else None


def normalise_document(content: bytes | str, name: str) -> tuple[str, list[DiagramProblem]]:
    """The document as SpiffWorkflow reads it, and a warning for every change (raises DiagramError).

    Unquoted ISO 8601 timer values (``P15D`` as Camunda Modeler writes them) get quoted.
    """
    tree = parse_diagram_xml(content, name)
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    if document_kind(tree) != "bpmn":
        return text, []
    warnings: list[DiagramProblem] = []
    for element in tree.getroot().iter(*(f"{_B}{tag}" for tag in _TIMER_TAGS)):
        value = (element.text or "").strip()
        if value and _BARE_ISO.match(value):
            element.text = f'"{value}"'
            warnings.append(
                DiagramProblem("timer.normalised", {"value": value}, _owner_id(element), name, severity="warning")
            )
    if not warnings:
        return text, []
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8"), warnings


def _unsupported(node: Any, file: str, code: str, **params: object) -> DiagramProblem:
    return DiagramProblem(code, params, _owner_id(node), file, node.sourceline)


def _dialect_problems(root: Any, name: str) -> list[DiagramProblem]:
    """Constructs from Camunda Modeler or other bpmn-js tools that our engine does not run."""
    problems: list[DiagramProblem] = []
    reported_zeebe: set[str | None] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        if tag.startswith(f"{{{ZEEBE_NS}}}") or any(str(a).startswith(f"{{{ZEEBE_NS}}}") for a in element.attrib):
            owner = _owner_id(element)
            if owner not in reported_zeebe:
                reported_zeebe.add(owner)
                problems.append(_unsupported(element, name, "unsupported.zeebe", name=_local(tag)))
            continue
        if tag == f"{_C}connector":
            problems.append(_unsupported(element, name, "unsupported.connector"))
        elif tag in (f"{_C}executionListener", f"{_C}taskListener"):
            problems.append(_unsupported(element, name, "unsupported.listener", name=_local(tag)))
        elif tag == f"{_C}inputOutput" and element.getparent() is not None:
            problems.append(
                DiagramProblem("unsupported.input_output", {}, _owner_id(element), name, severity="warning")
            )
        if not tag.startswith(_B):
            continue
        local = _local(tag)
        if element.get(f"{_C}type") == "external":
            problems.append(_unsupported(element, name, "unsupported.external_task", element=local))
        for attribute in _JAVA_DELEGATES:
            if attribute == "expression" and local == "messageEventDefinition":
                continue  # the payload of a thrown message, as SpiffWorkflow reads it
            if element.get(f"{_C}{attribute}") is not None:
                problems.append(
                    _unsupported(element, name, "unsupported.java_delegate", attribute=attribute, element=local)
                )
        if local == "serviceTask" and not any(element.get(f"{_C}{a}") for a in (*_JAVA_DELEGATES, "type")):
            problems.append(
                DiagramProblem(
                    "unsupported.passive_task", {"element": local}, element.get("id"), name, severity="warning"
                )
            )
        if local == "scriptTask":
            script_format = (element.get("scriptFormat") or "python").strip().lower()
            if script_format not in ("python", "python3", "py"):
                problems.append(_unsupported(element, name, "unsupported.script_language", language=script_format))
    return problems


def _flow_problems(root: Any, name: str) -> list[DiagramProblem]:
    """Gateway flows, conditions, scripts, timers, other expressions and form field ids, read from the XML."""
    problems: list[DiagramProblem] = []
    for container in root.iter(*(f"{_B}{tag}" for tag in _CONTAINERS)):
        flows = [child for child in container if child.tag == f"{_B}sequenceFlow"]
        for gateway in container.iter(f"{_B}exclusiveGateway", f"{_B}inclusiveGateway"):
            if gateway.getparent() is not container:
                continue
            outgoing = [flow for flow in flows if flow.get("sourceRef") == gateway.get("id")]
            if len(outgoing) < 2:
                continue
            default = gateway.get("default")
            for flow in outgoing:
                if flow.get("id") != default and flow.find(f"{_B}conditionExpression") is None:
                    problems.append(
                        DiagramProblem(
                            "gateway.flow_without_condition",
                            {"gateway": gateway.get("id")},
                            flow.get("id"),
                            name,
                            flow.sourceline,
                        )
                    )
    for condition in root.iter(f"{_B}conditionExpression"):
        text = (condition.text or "").strip()
        element = _owner_id(condition)
        if "${" in text or "#{" in text:
            problems.append(DiagramProblem("condition.juel", {"value": text}, element, name, condition.sourceline))
        elif text:
            problems.extend(located(check_script(text, "eval"), element, name))
    for expression in root.iter(*(f"{_B}{tag}" for tag in _EXPRESSION_TAGS)):
        text = (expression.text or "").strip()
        element = _owner_id(expression)
        if "${" in text or "#{" in text:
            problems.append(DiagramProblem("condition.juel", {"value": text}, element, name, expression.sourceline))
        elif text:
            problems.extend(located(check_script(text, "eval"), element, name, expression.sourceline))
    for task in root.iter(f"{_B}scriptTask"):
        if task.find(f"{_B}script") is None:
            problems.append(DiagramProblem("script.missing", {}, task.get("id"), name, task.sourceline))
    for script in root.iter(f"{_B}script"):
        problems.extend(located(check_script(script.text or "", "exec"), _owner_id(script), name))
    for timer in root.iter(*(f"{_B}{tag}" for tag in _TIMER_TAGS)):
        refused = check_timer_value(timer.text or "")
        if refused:
            problems.extend(located([refused], _owner_id(timer), name, timer.sourceline))
    for definition in root.iter(f"{_B}timerEventDefinition"):
        if not any(definition.find(f"{_B}{tag}") is not None for tag in _TIMER_TAGS):
            problems.append(DiagramProblem("timer.empty", {}, _owner_id(definition), name, definition.sourceline))
    for form_field in root.iter(f"{_C}formField"):
        field_id = form_field.get("id") or ""
        if not IDENTIFIER.match(field_id):
            problems.append(DiagramProblem("form.field_id_invalid", {"field": field_id}, _owner_id(form_field), name))
    return problems


def _process_problems(root: Any, name: str) -> list[DiagramProblem]:
    """What SpiffWorkflow's parser would refuse in English: said here first, coded."""
    problems: list[DiagramProblem] = []
    for process in root.iter(f"{_B}process"):
        process_id = process.get("id")
        if process.get("isExecutable") == "false":
            problems.append(DiagramProblem("process.not_executable", {"process": process_id}, process_id, name))
        if process.find(f"{_B}startEvent") is None:
            problems.append(DiagramProblem("process.no_start_event", {"process": process_id}, process_id, name))
    for subprocess in root.iter(f"{_B}subProcess", f"{_B}transaction"):
        if subprocess.get("triggeredByEvent") != "true" and subprocess.find(f"{_B}startEvent") is None:
            params = {"process": subprocess.get("id")}
            problems.append(DiagramProblem("process.no_start_event", params, subprocess.get("id"), name))
    for container in root.iter(*(f"{_B}{tag}" for tag in _CONTAINERS)):
        outgoing: dict[str, int] = {}
        for flow in container.iterchildren(f"{_B}sequenceFlow"):
            outgoing[str(flow.get("sourceRef"))] = outgoing.get(str(flow.get("sourceRef")), 0) + 1
        for child in container:
            kind = _local(child.tag)
            if kind in _ACTIVITIES and outgoing.get(str(child.get("id")), 0) > 1:
                problems.append(DiagramProblem("flow.implicit_split", {}, child.get("id"), name, child.sourceline))
        ids = {child.get("id") for child in container}
        for flow in container.iterchildren(f"{_B}sequenceFlow"):
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref is not None and ref not in ids:
                    problems.append(
                        DiagramProblem("flow.missing_end", {"ref": ref}, flow.get("id"), name, flow.sourceline)
                    )
    return problems


def _decision_ids(trees: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for tree in trees.values():
        if document_kind(tree) == "dmn":
            found.update(str(node.get("id")) for node in tree.getroot() if _local(node.tag) == "decision")
    return found


def _process_ids(trees: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for tree in trees.values():
        if document_kind(tree) == "bpmn":
            found.extend(str(node.get("id")) for node in tree.getroot().iter(f"{_B}process") if node.get("id"))
    return found


def _reference_problems(trees: Mapping[str, Any], decisions: set[str], processes: set[str]) -> list[DiagramProblem]:
    problems: list[DiagramProblem] = []
    for name, tree in trees.items():
        if document_kind(tree) != "bpmn":
            continue
        for task in tree.getroot().iter(f"{_B}businessRuleTask"):
            ref = task.get(f"{_C}decisionRef")
            if ref is None:
                if task.get(f"{_C}type") is None and not any(task.get(f"{_C}{a}") for a in _JAVA_DELEGATES):
                    problems.append(DiagramProblem("decision.no_decision_ref", {}, task.get("id"), name))
            elif ref not in decisions:
                problems.append(DiagramProblem("decision.missing", {"ref": ref}, task.get("id"), name))
        for call in tree.getroot().iter(f"{_B}callActivity"):
            called = call.get("calledElement")
            if not called:
                problems.append(DiagramProblem("call.no_called_process", {}, call.get("id"), name))
            elif called not in processes:
                problems.append(DiagramProblem("call.missing_process", {"ref": called}, call.get("id"), name))
    return problems


def _duplicate_process_problems(trees: Mapping[str, Any]) -> list[DiagramProblem]:
    seen: set[str] = set()
    problems: list[DiagramProblem] = []
    for name, tree in trees.items():
        if document_kind(tree) != "bpmn":
            continue
        for process in tree.getroot().iter(f"{_B}process"):
            process_id = str(process.get("id"))
            if process_id in seen:
                problems.append(DiagramProblem("process.duplicate_id", {"process": process_id}, process_id, name))
            seen.add(process_id)
    return problems


def defined_ids(content: bytes | str, name: str) -> set[str]:
    """The process and decision ids a document defines (empty when it cannot be read)."""
    try:
        tree = parse_diagram_xml(content, name)
    except DiagramError:
        return set()
    return set(_process_ids({name: tree})) | _decision_ids({name: tree})


def validate_library(
    files: Mapping[str, bytes | str],
    main_process_id: str | None = None,
    *,
    allowed_lanes: Iterable[str] | None = None,
    reserved_field_ids: Iterable[str] = (),
    expected_kinds: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Every problem of a library, element by element; never raises for a bad document.

    ``main_process_id`` is the lineage's process; when None (or absent from the files) every
    process of the library is built on its own. ``expected_kinds`` maps a file to "bpmn"/"dmn".
    """
    report = ValidationReport()
    trees: dict[str, Any] = {}
    for name in sorted(files):
        try:
            tree = parse_diagram_xml(files[name], name)
        except DiagramError as exc:
            report.add(exc.problems)
            continue
        expected = (expected_kinds or {}).get(name) or (
            "dmn" if name.endswith(".dmn") else "bpmn" if name.endswith(".bpmn") else None
        )
        problem = kind_problem(tree, name, expected)
        if problem is not None:
            report.add([problem])
            continue
        trees[name] = tree
        report.add(_dialect_problems(tree.getroot(), name))
        if document_kind(tree) == "bpmn":
            report.add(construct_problems(tree.getroot(), name))
            report.add(_flow_problems(tree.getroot(), name))
            report.add(_process_problems(tree.getroot(), name))
    if len(trees) < len(files):
        return report
    process_ids = _process_ids(trees)
    report.add(_reference_problems(trees, _decision_ids(trees), set(process_ids)))
    report.add(_duplicate_process_problems(trees))
    if any(name.endswith(".dmn") for name in files):
        try:
            check_decisions(files)
        except DiagramError as exc:
            report.add(exc.problems)
    if not report.valid or not process_ids:
        return report
    called = {
        str(call.get("calledElement")) for tree in trees.values() for call in tree.getroot().iter(f"{_B}callActivity")
    }
    # The lineage's process first, then every process no call activity reaches (linted on its own).
    roots = [main_process_id] if main_process_id in process_ids else []
    roots += [p for p in process_ids if p not in called and p not in roots]
    for process_id in roots or process_ids[:1]:
        try:
            library = load_library(
                files, str(process_id), allowed_lanes=allowed_lanes, reserved_field_ids=reserved_field_ids
            )
        except DiagramError as exc:
            report.add(exc.problems)
        else:
            report.add(library.warnings)
    return report
