"""Run our validator over a directory of BPMN diagrams from other tools and count refusals by reason.

The external corpora (SpiffWorkflow's own test diagrams, the BPMN MIWG test suite) are fetched into
a local temporary copy and never committed; the suite runs this script on our own test diagrams at
tiny size (tests/engine/test_bpmn_corpus_bench.py). Usage:

    .venv/bin/python bench/bpmn_corpus.py DIRECTORY [--json] [--list CATEGORY]

Each ``.bpmn`` file is validated as a library together with the documents of the same directory
tree that define the processes its call activities call and the decisions its tasks use (as the
tool that drew it would load them). Every refusal is classified by the coverage table
(engine.coverage):

* ``construct_spiff_runs`` - refused for a construct SpiffWorkflow 3.2 executes (target: none);
* ``construct_not_run`` - refused for a construct SpiffWorkflow does not execute either;
* ``dialect`` - another tool's extensions (Zeebe, connectors, listeners, Java delegates, JUEL);
* ``domain`` - our own rules (lanes named after roles, forms, restricted Python, timers, gateways);
* ``engine`` - anything else SpiffWorkflow's parser or the XML schema refused.

A diagram is counted once per category it has a refusal in. ``eligible`` diagrams are those
whose elements the coverage table supports (no refusal ``construct_not_run`` or ``dialect``);
``domain_only`` of them are refused for our own rules at most - what a methodologist completes
(bench/bpmn_completion.py, run by bench/bpmn_corpus_run.py --complete).

``not_executable`` diagrams (every process marked ``isExecutable="false"``, as bpmn.io exports a
process by default) are counted apart and not validated; with ``--as-executable`` they are
validated as if marked executable (and still counted in ``not_executable``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import DiagramError, validate_library  # noqa: E402
from engine.coverage import refusal_category  # noqa: E402
from engine.xml_safety import parse_diagram_xml  # noqa: E402

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
CATEGORIES = ("construct_spiff_runs", "construct_not_run", "dialect", "domain", "engine")
INELIGIBLE_CATEGORIES = frozenset({"construct_not_run", "dialect"})
_NOT_EXECUTABLE = re.compile(rb"""isExecutable=(["'])false\1""")


@dataclass
class DiagramResult:
    path: str
    valid: bool
    categories: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CorpusReport:
    diagrams: int = 0
    not_executable: int = 0
    unreadable: int = 0
    valid: int = 0
    eligible: int = 0
    domain_only: int = 0
    refused_by_category: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    results: list[DiagramResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "diagrams": self.diagrams,
            "not_executable": self.not_executable,
            "unreadable": self.unreadable,
            "valid": self.valid,
            "eligible": self.eligible,
            "domain_only": self.domain_only,
            "refused_by_category": {c: self.refused_by_category.get(c, 0) for c in CATEGORIES},
            "codes": dict(self.codes.most_common()),
        }


@dataclass
class _Document:
    path: Path
    text: bytes
    processes: list[str]
    executable: bool
    decisions: set[str]
    calls: set[str]
    decision_refs: set[str]


def _read(path: Path) -> _Document | None:
    text = path.read_bytes()
    try:
        root = parse_diagram_xml(text, path.name).getroot()
    except DiagramError:  # counted as unreadable, never fatal for the run
        return None
    processes = root.findall(f"{_BPMN}process")
    return _Document(
        path=path,
        text=text,
        processes=[str(p.get("id")) for p in processes if p.get("id")],
        executable=any(p.get("isExecutable") != "false" for p in processes),
        decisions={str(d.get("id")) for d in root if str(d.tag).endswith("}decision") and d.get("id")},
        calls={str(c.get("calledElement")) for c in root.iter(f"{_BPMN}callActivity") if c.get("calledElement")},
        decision_refs={
            str(t.get(f"{_CAMUNDA}decisionRef"))
            for t in root.iter(f"{_BPMN}businessRuleTask")
            if t.get(f"{_CAMUNDA}decisionRef")
        },
    )


def _library(document: _Document, by_process: dict[str, _Document], by_decision: dict[str, _Document]) -> dict:
    """The document and, transitively, the documents defining what it calls (first definition wins)."""
    chosen: dict[Path, _Document] = {document.path: document}
    pending = [document]
    while pending:
        current = pending.pop()
        needed = [by_process.get(c) for c in current.calls if c not in current.processes]
        needed += [by_decision.get(d) for d in current.decision_refs]
        for other in needed:
            if other is not None and other.path not in chosen:
                defined = {p for d in chosen.values() for p in d.processes}
                if defined.isdisjoint(other.processes):
                    chosen[other.path] = other
                    pending.append(other)
    return {doc.path.name if doc is document else str(doc.path): doc.text for doc in chosen.values()}


def _files(directory: Path, suffixes: Iterable[str]) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


def _executable(files: dict[str, bytes]) -> dict[str, bytes]:
    """The documents with every process marked executable."""
    return {name: _NOT_EXECUTABLE.sub(b'isExecutable="true"', text) for name, text in files.items()}


def run(directory: Path, *, as_executable: bool = False) -> CorpusReport:
    report = CorpusReport()
    documents = [d for d in (_read(p) for p in _files(directory, (".bpmn", ".dmn"))) if d is not None]
    by_process: dict[str, _Document] = {}
    by_decision: dict[str, _Document] = {}
    for doc in documents:
        for process in doc.processes:
            by_process.setdefault(process, doc)
        for decision in doc.decisions:
            by_decision.setdefault(decision, doc)
    readable = {d.path for d in documents}
    for path in _files(directory, (".bpmn",)):
        report.diagrams += 1
        if path not in readable:
            report.unreadable += 1
            continue
        document = next(d for d in documents if d.path == path)
        if not document.executable:
            report.not_executable += 1
            if not as_executable:
                continue
        main = next((p for p in document.processes if p not in document.calls), None)
        files = _library(document, by_process, by_decision)
        validation = validate_library(_executable(files) if as_executable else files, main)
        result = DiagramResult(str(path.relative_to(directory)), validation.valid)
        for problem in validation.errors:
            report.codes[problem.code] += 1
            category = refusal_category(problem.code)
            result.categories.setdefault(category, []).append(
                f"{problem.code} {problem.element_id or ''} {dict(problem.params)}"
            )
        for category in result.categories:
            report.refused_by_category[category] += 1
        report.valid += validation.valid
        if not set(result.categories) & INELIGIBLE_CATEGORIES:
            report.eligible += 1
            report.domain_only += set(result.categories) <= {"domain"}
        report.results.append(result)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--list", choices=CATEGORIES, help="list the diagrams refused in this category")
    parser.add_argument("--as-executable", action="store_true", help="validate non-executable processes too")
    args = parser.parse_args(argv)
    report = run(args.directory, as_executable=args.as_executable)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for key, value in report.as_dict().items():
            print(f"{key}: {value}")
    if args.list:
        for result in report.results:
            for detail in result.categories.get(args.list, []):
                print(f"{result.path}: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
