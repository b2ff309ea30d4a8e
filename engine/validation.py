"""Validate a process library (or one posted document) element by element, before it goes live.

Three layers, all reported as ``DiagramProblem`` with the element's id so the modeler can mark it:

* the hardened XML parse (no DTDs or entities, a size cap, UTF-8 only);
* our document checks on the XML itself: constructs our engine does not run (another tool's
  dialect, connectors, external tasks, Java delegates, listeners, non-Python scripts, several
  pools), ISO 8601 timer values, gateway flows without condition or default, scripts and
  conditions under the restricted compiler, form field ids, DMN decisions that are referenced
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

from engine.decisions import check_decisions
from engine.errors import DiagramError, DiagramProblem
from engine.forms import IDENTIFIER
from engine.library import BPMN_NS, DMN_NAMESPACES, load_library
from engine.scripting import check_script
from engine.xml_safety import parse_diagram_xml

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_B = f"{{{BPMN_NS}}}"
_C = f"{{{CAMUNDA_NS}}}"

# Flow elements SpiffWorkflow 3.2.0's Camunda parser builds (plus flows and the non-executable ones).
SUPPORTED_FLOW_ELEMENTS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "businessRuleTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "sequenceFlow",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "textAnnotation",
        "association",
        "group",
        "laneSet",
    }
)
_NON_FLOW_CHILDREN = frozenset(
    {
        "documentation",
        "extensionElements",
        "ioSpecification",
        "property",
        "dataInputAssociation",
        "dataOutputAssociation",
    }
)
_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
_TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
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
        seen = {(p.file, p.element_id, p.message) for p in self.errors + self.warnings}
        for problem in problems:
            key = (problem.file, problem.element_id, problem.message)
            if key in seen:
                continue
            seen.add(key)
            (self.warnings if problem.severity == "warning" else self.errors).append(problem)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _owner_id(element: Any) -> str | None:
    """The id of the element itself or of its nearest ancestor that has one (what the modeler can select)."""
    node = element
    while node is not None:
        if node.get("id") and str(node.tag).startswith(_B) and not _local(node.tag).endswith("EventDefinition"):
            return str(node.get("id"))
        node = node.getparent()
    return None


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
        return DiagramProblem(
            f"this is not a BPMN or DMN document (its root element is <{_local(tree.getroot().tag)}>)", file=name
        )
    if expected and kind != expected:
        return DiagramProblem(
            f"this is a {kind.upper()} document where a {expected.upper()} document is expected", file=name
        )
    return None


def check_timer_value(expression: str) -> str | None:
    """None when a timer value (a quoted ISO 8601 string, or a Python expression) is acceptable."""
    text = expression.strip()
    if not text:
        return "the timer has no value"
    if "${" in text or "#{" in text:
        return f'timer value {text!r} is a JUEL expression; write an ISO 8601 string such as "P15D"'
    if _BARE_ISO.match(text):
        return f'timer value {text} is not quoted: SpiffWorkflow reads it as a Python name; write "{text}"'
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        literal = text[1:-1]
        try:
            if literal.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(literal)
            else:
                TimerEventDefinition.parse_time_or_duration(literal)
        except Exception:  # SpiffWorkflow raises bare Exception, ValueError, AttributeError
            return f"timer value {literal!r} is not a valid ISO 8601 duration, date or cycle"
        return None
    message = check_script(text, "eval")
    return f"timer expression {text!r} refused: {message}" if message else None


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
                DiagramProblem(
                    f'normalised: timer value {value} quoted as "{value}"', _owner_id(element), name, severity="warning"
                )
            )
    if not warnings:
        return text, []
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8"), warnings


def _unsupported(element: Any, what: str, name: str) -> DiagramProblem:
    return DiagramProblem(f"not supported: {what}", _owner_id(element), name, element.sourceline)


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
                problems.append(
                    _unsupported(
                        element, f"Camunda 8 (Zeebe) extension zeebe:{_local(tag)}; use the Camunda 7 dialect", name
                    )
                )
            continue
        if tag == f"{_C}connector":
            problems.append(_unsupported(element, "camunda:connector (HTTP/SOAP connectors are not run)", name))
        elif tag in (f"{_C}executionListener", f"{_C}taskListener"):
            problems.append(
                _unsupported(element, f"camunda:{_local(tag)} (listeners are not run; use a script task)", name)
            )
        elif tag == f"{_C}inputOutput" and element.getparent() is not None:
            problems.append(
                DiagramProblem(
                    "camunda:inputOutput mappings are ignored by this engine",
                    _owner_id(element),
                    name,
                    severity="warning",
                )
            )
        if not tag.startswith(_B):
            continue
        local = _local(tag)
        if element.get(f"{_C}type") == "external":
            problems.append(_unsupported(element, f'external task (camunda:type="external") on {local}', name))
        for attribute in _JAVA_DELEGATES:
            if element.get(f"{_C}{attribute}") is not None:
                problems.append(
                    _unsupported(element, f"camunda:{attribute} on {local} (Java delegates are not run)", name)
                )
        parent = element.getparent()
        in_container = parent is not None and _local(parent.tag) in _CONTAINERS and str(parent.tag).startswith(_B)
        if in_container and local not in SUPPORTED_FLOW_ELEMENTS and local not in _NON_FLOW_CHILDREN:
            problems.append(_unsupported(element, f"the element {local}", name))
        if local in ("serviceTask", "sendTask") and not any(
            element.get(f"{_C}{a}") for a in (*_JAVA_DELEGATES, "type")
        ):
            problems.append(
                DiagramProblem(
                    f"{local} does nothing in this engine (it only passes); use a script task",
                    element.get("id"),
                    name,
                    severity="warning",
                )
            )
        if local == "scriptTask":
            script_format = (element.get("scriptFormat") or "python").strip().lower()
            if script_format not in ("python", "python3", "py"):
                problems.append(_unsupported(element, f"script language {script_format!r}; scripts are Python", name))
    for collaboration in root.iter(f"{_B}collaboration"):
        pools = [p for p in collaboration.iter(f"{_B}participant") if p.get("processRef")]
        if len(pools) > 1:
            problems.append(
                _unsupported(
                    collaboration,
                    f"{len(pools)} pools with processes in one collaboration (message flows between pools are not run; "
                    "put each process in its own file and use a call activity)",
                    name,
                )
            )
    return problems


def _flow_problems(root: Any, name: str) -> list[DiagramProblem]:
    """Gateway flows, conditions, scripts, timers and form field ids, read from the XML."""
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
                            f"this flow leaves the gateway {gateway.get('id')!r} without a condition and is not its "
                            "default flow",
                            flow.get("id"),
                            name,
                            flow.sourceline,
                        )
                    )
    for condition in root.iter(f"{_B}conditionExpression"):
        text = (condition.text or "").strip()
        element = _owner_id(condition)
        if "${" in text or "#{" in text:
            problems.append(
                DiagramProblem(
                    f"condition {text!r} is a JUEL expression; conditions are Python expressions "
                    'such as kind == "ariza"',
                    element,
                    name,
                )
            )
        elif text:
            message = check_script(text, "eval")
            if message:
                problems.append(DiagramProblem(f"condition {text!r} refused: {message}", element, name))
    for script in root.iter(f"{_B}script"):
        message = check_script(script.text or "", "exec")
        if message:
            problems.append(DiagramProblem(f"script refused: {message}", _owner_id(script), name))
    for timer in root.iter(*(f"{_B}{tag}" for tag in _TIMER_TAGS)):
        message = check_timer_value(timer.text or "")
        if message:
            problems.append(DiagramProblem(message, _owner_id(timer), name, timer.sourceline))
    for form_field in root.iter(f"{_C}formField"):
        field_id = form_field.get("id") or ""
        if not IDENTIFIER.match(field_id):
            problems.append(
                DiagramProblem(
                    f"form field id {field_id!r} is not a valid identifier (letters, digits and _; not starting "
                    "with a digit)",
                    _owner_id(form_field),
                    name,
                )
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
                    problems.append(
                        DiagramProblem("business rule task has no camunda:decisionRef", task.get("id"), name)
                    )
            elif ref not in decisions:
                problems.append(
                    DiagramProblem(f"the DMN decision {ref!r} is not in the process library", task.get("id"), name)
                )
        for call in tree.getroot().iter(f"{_B}callActivity"):
            called = call.get("calledElement")
            if not called:
                problems.append(DiagramProblem("call activity names no called process", call.get("id"), name))
            elif called not in processes:
                problems.append(
                    DiagramProblem(f"the called process {called!r} is not in the process library", call.get("id"), name)
                )
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
            report.add(_flow_problems(tree.getroot(), name))
    if len(trees) < len(files):
        return report
    process_ids = _process_ids(trees)
    report.add(_reference_problems(trees, _decision_ids(trees), set(process_ids)))
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
