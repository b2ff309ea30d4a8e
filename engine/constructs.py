"""The unsupported-construct check, driven by the coverage table (engine.coverage).

Every element of the BPMN namespace in a document is looked up in the table: supported constructs
and their standard children pass, refused ones are reported on their element with the row's code
(an element BPMN does not define is left to the schema check, which names it). A multi-instance
activity must say what it runs over: a Camunda collection, a standard data input or a cardinality.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import SpiffWorkflow.bpmn.parser as _spiff_parser_package
from lxml import etree

from engine.coverage import REFUSED, element_status
from engine.errors import DiagramProblem
from engine.library import BPMN_NS

_B = f"{{{BPMN_NS}}}"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def local_name(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def owner_id(element: Any) -> str | None:
    """The id of the element itself or of its nearest ancestor that has one (what the modeler can select)."""
    node = element
    while node is not None:
        if node.get("id") and str(node.tag).startswith(_B) and not local_name(node.tag).endswith("EventDefinition"):
            return str(node.get("id"))
        node = node.getparent()
    return None


@functools.lru_cache(maxsize=1)
def bpmn_schema_elements() -> frozenset[str]:
    """Every element name the BPMN 2.0 schema (as SpiffWorkflow ships it) defines, global or local."""
    folder = Path(str(_spiff_parser_package.__file__)).parent / "schema"
    names: list[str] = []
    for schema in ("BPMN20.xsd", "Semantic.xsd"):
        tree = etree.parse(str(folder / schema))  # the schema of the installed SpiffWorkflow
        names += tree.getroot().xpath("//xsd:element/@name", namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"})
    return frozenset(str(n) for n in names)


def construct_problems(root: Any, name: str) -> list[DiagramProblem]:
    """The refused constructs of one BPMN document, each once per element."""
    problems: list[DiagramProblem] = []
    reported: set[tuple[str | None, str]] = set()
    for element in root.iter(f"{_B}*"):
        local = local_name(element.tag)
        row = element_status(local)
        if row is None or row.status != REFUSED or row.code is None:
            continue  # an element BPMN does not define is left to the schema check, which names it
        code = row.code
        owner = owner_id(element)
        if (owner, code) in reported:
            continue
        reported.add((owner, code))
        problems.append(DiagramProblem(code, {"element": local}, owner, name, element.sourceline))
    for loop in root.iter(f"{_B}multiInstanceLoopCharacteristics"):
        given = [loop.find(f"{_B}{tag}") is not None for tag in ("loopCardinality", "loopDataInputRef")]
        if not any(given) and not loop.get(f"{{{CAMUNDA_NS}}}collection"):
            problems.append(DiagramProblem("multi_instance.no_collection", {}, owner_id(loop), name, loop.sourceline))
    return problems
