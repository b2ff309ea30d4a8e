"""Evaluate the DMN decision tables of a published version: any decision a methodologist owns.

DMN files are untrusted like BPMN: parsed with the hardened XML parser, validated against the DMN
schema, and every expression is compiled by the restricted compiler before anything runs. Parsed
tables are cached by the content hash of the DMN documents.

SpiffWorkflow 3.2.0 supports the UNIQUE and COLLECT hit policies: ``decide`` returns every rule
that fired (one for UNIQUE), in rule order, named by the rule's description, with its outputs.
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

from engine import sandbox
from engine.errors import DiagramError, DiagramProblem, EngineError, located
from engine.failures import failure_problem
from engine.library import _is_dmn, content_hash, read_problem, validation_problem
from engine.problems import english
from engine.schemas import schema_problems
from engine.scripting import check_script
from engine.xml_safety import parse_diagram_xml

# The same "? outside quotes" rule as SpiffWorkflow's DMNEngine.evaluate.
_INPUT_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


class DecisionFailed(EngineError):
    """Evaluating a decision table failed (an expression raised or ran too long); coded like every problem."""

    def __init__(self, decision_id: str, code: str, params: Mapping[str, Any]) -> None:
        self.decision_id = decision_id
        self.code = code
        self.params = dict(params)
        super().__init__(f"{decision_id}: {english(code, self.params)}")


@dataclass(frozen=True)
class FiredRule:
    name: str
    outputs: dict[str, Any]


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
        problems.extend(located(check_script(source, "eval"), element, file))

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
    return problems


def _document_problems(root: Any, file: str, lint: bool = True) -> list[DiagramProblem]:
    """What SpiffWorkflow's DMN parser would refuse in English, said first and coded: one decision
    with one table per document, output entries that compile under the restricted policy."""
    decisions = root.findall("{*}decision")
    if not decisions:
        return [DiagramProblem("decision.none", {}, None, file)]
    if len(decisions) > 1:
        return [DiagramProblem("decision.several", {"count": len(decisions)}, decisions[1].get("id"), file)]
    tables = decisions[0].findall("{*}decisionTable")
    if len(tables) != 1:
        return [DiagramProblem("decision.table_count", {"count": len(tables)}, decisions[0].get("id"), file)]
    problems: list[DiagramProblem] = []
    for entry in tables[0].iter("{*}outputEntry") if lint else ():
        text = (entry.findtext("{*}text") or "").strip()
        if text:
            problems.extend(located(check_script(text, "eval"), entry.get("id"), file, entry.sourceline))
    return problems


def parse_tables(files: Mapping[str, bytes | str], *, lint: bool = True) -> dict[str, Any]:
    """Decision tables by decision id, from every DMN document among the files.

    ``lint=False`` (the isolated engine process) skips compiling the expressions up front: they
    are compiled, and refused, when they run."""
    parser = CamundaParser(validator=None)  # the schemas are checked by engine.schemas, coded
    problems: list[DiagramProblem] = []
    for name in sorted(files):
        try:
            tree = parse_diagram_xml(files[name], name)
            if not _is_dmn(tree):
                continue
            invalid = schema_problems(tree.getroot(), name, dmn=True) or _document_problems(tree.getroot(), name, lint)
            if invalid:
                problems.extend(invalid)
            else:
                parser.add_dmn_xml(tree.getroot(), filename=name)
        except DiagramError as exc:
            problems.extend(exc.problems)
        except ValidationException as exc:
            problems.append(validation_problem(exc, name))
    if problems:
        raise DiagramError(problems)
    tables: dict[str, Any] = {}
    for decision_id, dmn_parser in parser.dmn_parsers.items():
        try:
            dmn_parser.parse()
        except ValidationException as exc:
            raise DiagramError([validation_problem(exc, dmn_parser.filename)]) from None
        except (SpiffWorkflowException, KeyError, IndexError, SyntaxError) as exc:
            raise DiagramError([read_problem(exc, dmn_parser.filename, decision_id)]) from None
        table = dmn_parser.decision.decisionTables[0]
        if lint:
            problems.extend(_entry_problems(table, dmn_parser.filename))
        tables[decision_id] = table
    if problems:
        raise DiagramError(problems)
    return tables


def check_decisions(files: Mapping[str, bytes | str]) -> None:
    """Refuse a library whose DMN documents are malformed or hold expressions the policy refuses."""
    parse_tables({name: content for name, content in files.items() if name.endswith(".dmn")})


def evaluate_rows(
    tables: Mapping[str, Any], decision_id: str, rows: list[Mapping[str, Any]], script_engine: Any
) -> list[list[dict[str, Any]]]:
    """The rules of ``decision_id`` that fire for each row (in the isolated engine process)."""
    table = tables.get(decision_id)
    if table is None:
        raise DiagramError([DiagramProblem("decision.missing", {"ref": decision_id}, decision_id)])
    engine = DMNEngine(table)
    results = []
    for data in rows:
        task = _Task(dict(data), script_engine)
        try:
            rules = engine.decide(task)
            fired = [{"name": _rule_name(rule), "outputs": dict(rule.output_as_dict(task))} for rule in rules]
        except (
            SpiffWorkflowException,
            EngineError,
            ValueError,
            TypeError,
            AttributeError,
            MemoryError,
            RecursionError,
        ) as exc:
            problem = failure_problem(exc)
            raise DecisionFailed(decision_id, problem.code, problem.params) from None
        results.append(fired)
    return results


def _tested_inputs(table: Any) -> frozenset[str]:
    return frozenset(
        (entry.input.expression or "").strip()
        for rule in table.rules
        for entry in rule.inputEntries
        if any(lhs is not None and lhs.strip() not in ("", "-") for lhs in entry.lhs)
    )


class DecisionTables:
    """The parsed decisions of one version. Evaluation runs in the isolated engine process
    (engine.sandbox): all rows of a request in one call."""

    def __init__(self, tables: Mapping[str, Any], files: Mapping[str, bytes | str]) -> None:
        self._ids = sorted(tables)
        self._files = dict(files)
        self._key = "dmn:" + content_hash(self._files)
        self._tested = {decision_id: _tested_inputs(table) for decision_id, table in tables.items()}

    @property
    def decision_ids(self) -> list[str]:
        return list(self._ids)

    def has(self, decision_id: str) -> bool:
        return decision_id in self._ids

    def tests_input(self, decision_id: str, expression: str) -> bool:
        """Whether some rule of the decision tests the input with this expression (an entry other than "-"),
        so that a caller computes a costly input only when a rule reads it."""
        return expression in self._tested.get(decision_id, frozenset())

    def decide(self, decision_id: str, data: Mapping[str, Any]) -> list[FiredRule]:
        return self.decide_many(decision_id, [data])[0]

    def decide_many(self, decision_id: str, rows: list[Mapping[str, Any]]) -> list[list[FiredRule]]:
        """The rules that fire for each row, evaluated together in one isolated call."""
        if decision_id not in self._ids:
            raise DiagramError([DiagramProblem("decision.missing", {"ref": decision_id}, decision_id)])
        if not rows:
            return []
        answer = sandbox.decide(self._key, self._files, decision_id, rows)
        return [[FiredRule(rule["name"], dict(rule["outputs"])) for rule in fired] for fired in answer]


class _DecisionCache:
    def __init__(self, capacity: int = 32) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, DecisionTables] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, files: Mapping[str, bytes | str]) -> DecisionTables:
        dmn_files = {name: content for name, content in files.items() if name.endswith(".dmn")}
        key = content_hash(dmn_files)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        tables = DecisionTables(parse_tables(dmn_files), dmn_files)
        with self._lock:
            self._items[key] = tables
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return tables


_CACHE = _DecisionCache()


def decision_tables(files: Mapping[str, bytes | str]) -> DecisionTables:
    """The parsed decisions among ``files`` (parsed once per content hash); raises DiagramError."""
    return _CACHE.get(files)


def decide(files: Mapping[str, bytes | str], decision_id: str, data: Mapping[str, Any]) -> list[FiredRule]:
    """The rules of ``decision_id`` that fire for ``data``, with their outputs."""
    return decision_tables(files).decide(decision_id, data)


def decide_many(
    files: Mapping[str, bytes | str], decision_id: str, rows: list[Mapping[str, Any]]
) -> list[list[FiredRule]]:
    """The rules of ``decision_id`` that fire for each of ``rows``: one isolated call for all."""
    return decision_tables(files).decide_many(decision_id, rows)
