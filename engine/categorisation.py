"""Suggest an appeal's category, urgency and route with the DMN tables of a process version.

Two decisions, both editable by a methodologist without code changes:

* ``appeal_categorisation`` (hit policy COLLECT): rules test the text features of the appeal
  (see engine.text_features) and its channel; each rule that fires adds its weight to its
  category, and any rule that says ``"urgent"`` makes the appeal urgent;
* ``appeal_routing`` (hit policy UNIQUE, optional): the first rule that fits the category and
  urgency gives the route.

DMN files are untrusted like BPMN: parsed with the hardened XML parser, validated against the DMN
schema, and every expression is compiled by the restricted compiler before anything runs.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import DiagramError, DiagramProblem, EngineError
from engine.library import _is_dmn, _xsd_validator, content_hash
from engine.scripting import check_script, restricted_script_engine
from engine.text_features import features
from engine.xml_safety import parse_diagram_xml

CATEGORISATION_DECISION = "appeal_categorisation"
ROUTING_DECISION = "appeal_routing"
FALLBACK_CATEGORY = "other"
FALLBACK_URGENCY = "normal"
FALLBACK_ROUTE = "inspector"
URGENT = "urgent"

# The same "? outside quotes" rule as SpiffWorkflow's DMNEngine.evaluate.
_INPUT_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


class CategorisationFailed(EngineError):
    """Evaluating the decision tables failed (an expression raised or ran too long)."""


@dataclass(frozen=True)
class Suggestion:
    category: str
    urgency: str
    route: str
    matched_rules: tuple[str, ...] = ()


class _Spec:
    """What SpiffWorkflow's error reporting reads from a task spec and a workflow spec."""

    def __init__(self, name: str) -> None:
        self.name = self.bpmn_name = self.bpmn_id = name
        self.file = name


class _Workflow:
    def __init__(self, script_engine: Any) -> None:
        self.script_engine = script_engine
        self.spec = _Spec("categorisation")
        self.top_workflow = self


class _Task:
    """The little of a SpiffWorkflow task that DMNEngine uses: data, the script engine, names for errors."""

    task_spec = _Spec("categorisation")

    def __init__(self, data: dict[str, Any], script_engine: Any) -> None:
        self.data = data
        self.workflow = _Workflow(script_engine)


def _rule_name(rule: Any) -> str:
    return str(rule.description or rule.id).strip()


def _entry_problems(table: Any, file: str) -> list[DiagramProblem]:
    """Compile every input and output expression of a table under the restricted policy."""
    problems: list[DiagramProblem] = []

    def check(source: str, element: str) -> None:
        message = check_script(source, "eval")
        if message:
            problems.append(DiagramProblem(f"expression {source!r} refused: {message}", element, file))

    for table_input in table.inputs:
        if table_input.expression:
            check(table_input.expression.strip(), table_input.id)
    for rule in table.rules:
        for entry in rule.inputEntries:
            for lhs in entry.lhs:
                if lhs is None:
                    continue
                text = _INPUT_PLACEHOLDER.sub("dmninputexpr", lhs).strip()
                if "dmninputexpr" not in text and check_script(text, "eval"):
                    text = f"dmninputexpr {text}"
                check(text, entry.id)
        for output_entry in rule.outputEntries:
            if output_entry.text:
                check(output_entry.text.strip(), output_entry.id)
    return problems


def _parse_tables(files: Mapping[str, bytes | str]) -> dict[str, Any]:
    """Decision tables by decision id, from every DMN document among the files."""
    parser = CamundaParser(validator=_xsd_validator())
    problems: list[DiagramProblem] = []
    for name in sorted(files):
        try:
            tree = parse_diagram_xml(files[name], name)
            if _is_dmn(tree):
                parser.add_dmn_xml(tree.getroot(), filename=name)
        except DiagramError as exc:
            problems.extend(exc.problems)
        except ValidationException as exc:
            problems.append(DiagramProblem(str(exc.args[0]) if exc.args else str(exc), exc.id or None, name))
    if problems:
        raise DiagramError(problems)
    tables: dict[str, Any] = {}
    for decision_id, dmn_parser in parser.dmn_parsers.items():
        try:
            dmn_parser.parse()
        except (ValidationException, SpiffWorkflowException, KeyError, IndexError, SyntaxError) as exc:
            raise DiagramError(
                [DiagramProblem(f"could not read the decision: {exc}", decision_id, dmn_parser.filename)]
            ) from None
        table = dmn_parser.decision.decisionTables[0]
        problems.extend(_entry_problems(table, dmn_parser.filename))
        tables[decision_id] = table
    if problems:
        raise DiagramError(problems)
    return tables


class Categoriser:
    """The parsed decisions of one process version. Shared between threads; evaluation is read-only."""

    def __init__(self, categorisation: Any, routing: Any | None) -> None:
        self._categorisation = DMNEngine(categorisation)
        self._routing = DMNEngine(routing) if routing is not None else None
        self._script_engine = restricted_script_engine()

    def _fired(self, engine: DMNEngine, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        task = _Task(data, self._script_engine)
        try:
            return [(_rule_name(rule), dict(rule.output_as_dict(task))) for rule in engine.decide(task)]
        except (SpiffWorkflowException, EngineError, ValueError, TypeError, AttributeError) as exc:
            raise CategorisationFailed(f"the decision table could not be evaluated: {exc}") from None

    def suggest(self, text: str, channel: str) -> Suggestion:
        fired = self._fired(self._categorisation, {"words": features(text), "channel": channel})
        scores: dict[str, float] = {}
        urgent = False
        for _name, output in fired:
            category = str(output.get("category") or "")
            if category:
                scores[category] = scores.get(category, 0.0) + float(output.get("weight") or 0)
            urgent = urgent or output.get("urgency") == URGENT
        category = max(scores, key=lambda c: scores[c]) if scores else FALLBACK_CATEGORY
        urgency = URGENT if urgent else FALLBACK_URGENCY
        route = FALLBACK_ROUTE
        if self._routing is not None:
            routes = self._fired(self._routing, {"category": category, "urgency": urgency})
            route = str(routes[0][1].get("route") or FALLBACK_ROUTE) if routes else FALLBACK_ROUTE
        return Suggestion(category, urgency, route, tuple(name for name, _ in fired))


def check_decisions(files: Mapping[str, bytes | str]) -> None:
    """Refuse a library whose DMN documents are malformed or hold expressions the policy refuses."""
    _parse_tables({name: content for name, content in files.items() if name.endswith(".dmn")})


def load_categoriser(files: Mapping[str, bytes | str]) -> Categoriser:
    """Parse and check the DMN documents among ``files``; raise DiagramError when unusable."""
    tables = _parse_tables(files)
    if CATEGORISATION_DECISION not in tables:
        raise DiagramError([DiagramProblem(f"no DMN decision with id {CATEGORISATION_DECISION!r}")])
    return Categoriser(tables[CATEGORISATION_DECISION], tables.get(ROUTING_DECISION))


class _CategoriserCache:
    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Categoriser] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, files: Mapping[str, bytes | str]) -> Categoriser:
        dmn_files = {name: content for name, content in files.items() if name.endswith(".dmn")}
        key = content_hash(dmn_files)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        categoriser = load_categoriser(dmn_files)
        with self._lock:
            self._items[key] = categoriser
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return categoriser


_CACHE = _CategoriserCache()


def suggest(files: Mapping[str, bytes | str], text: str, channel: str) -> Suggestion:
    """Suggest with the DMN documents of a process version (parsed once per content hash)."""
    return _CACHE.get(files).suggest(text, channel)
