"""Babel extraction method for BPMN diagrams (``mahalla_bpmn`` in babel.cfg).

Diagram texts are written in Uzbek (Latin) and shown through gettext, so the Uzbek text is the
msgid and the ru/en catalogues translate it. Extracted: the ``name`` of processes, participants,
tasks, call activities, gateways, events and sequence flows; the ``<bpmn:documentation>`` of
those elements; ``camunda:formField`` labels and ``camunda:value`` (enum option) names.
Lane names are role codes (``inspector``, ``supervisor``), not text, and are skipped.

Diagrams are untrusted: the parser resolves no entities, loads no DTD and never touches the
network; a document with a DOCTYPE or ENTITY declaration (or malformed XML) is refused with
``DiagramRefused`` before anything in it is read, so ``pybabel extract`` stops and names the file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from lxml import etree

from engine import DiagramError
from engine.xml_safety import MAX_DIAGRAM_BYTES, parse_diagram_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"

# BPMN elements whose ``name`` is shown to people (or drawn on the diagram).
_NAMED_SUFFIXES = ("Task", "Gateway", "Event")
_NAMED_ELEMENTS = frozenset(
    {"process", "participant", "task", "callActivity", "subProcess", "transaction", "sequenceFlow"}
)
_SKIPPED_ELEMENTS = frozenset({"lane", "laneSet", "definitions", "collaboration"})

ExtractResult = tuple[int, str | None, str, list[str]]


def _is_named_bpmn_element(local: str) -> bool:
    if local in _SKIPPED_ELEMENTS:
        return False
    return local in _NAMED_ELEMENTS or local.endswith(_NAMED_SUFFIXES)


class DiagramRefused(ValueError):
    """A diagram the extractor will not read (DTD/entities, too large, malformed XML)."""


def _parse(data: bytes, filename: str) -> etree._Element:
    """Parse untrusted diagram bytes with the engine's hardened parser, or raise DiagramRefused."""
    try:
        return parse_diagram_xml(data, filename).getroot()
    except DiagramError as exc:
        raise DiagramRefused("; ".join(f"{filename}: {p.message}" for p in exc.problems)) from None


def extract_bpmn(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[ExtractResult]:
    """Yield ``(lineno, funcname, message, comments)`` for every user-visible text of a BPMN file."""
    root = _parse(fileobj.read(MAX_DIAGRAM_BYTES + 1), str(getattr(fileobj, "name", "<diagram>")))
    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        line = element.sourceline or 0
        if qname.localname == "decision" and "/DMN/" in (qname.namespace or ""):
            # A decision table's name is the lineage's name in the process library.
            name = element.get("name") or ""
            if name.strip():
                yield line, None, name, [f"DMN decision {element.get('id', '')}: name"]
        elif qname.namespace == BPMN_NS and _is_named_bpmn_element(qname.localname):
            element_id = element.get("id", "")
            name = element.get("name") or ""
            if name.strip():
                yield line, None, name, [f"BPMN {qname.localname} {element_id}: name"]
            documentation = element.find(f"{{{BPMN_NS}}}documentation")
            text = (documentation.text or "").strip() if documentation is not None else ""
            if text:
                yield (
                    documentation.sourceline or line,
                    None,
                    text,
                    [f"BPMN {qname.localname} {element_id}: documentation"],
                )
        elif qname.namespace == CAMUNDA_NS and qname.localname == "formField":
            label = element.get("label") or ""
            if label.strip():
                yield line, None, label, [f"form field {element.get('id', '')}: label"]
        elif qname.namespace == CAMUNDA_NS and qname.localname == "value":
            name = element.get("name") or ""
            if name.strip():
                parent = element.getparent()
                field_id = parent.get("id", "") if parent is not None else ""
                yield line, None, name, [f"form field {field_id}: option {element.get('id', '')}"]
