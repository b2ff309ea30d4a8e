"""Documents checked against the BPMN and DMN schemas (XSD), every violation a coded problem.

SpiffWorkflow's validator raises its first violation as an English sentence; here lxml's
error log is read entry by entry: its type (``SCHEMAV_ELEMENT_CONTENT`` …) picks the code and
its path locates the element, so the modeler can mark it.
"""

from __future__ import annotations

import functools
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from engine.errors import DiagramProblem

MAX_SCHEMA_PROBLEMS = 20
_UNEXPECTED_ELEMENT = frozenset({"SCHEMAV_ELEMENT_CONTENT", "SCHEMAV_CVC_COMPLEX_TYPE_2_4"})


@functools.lru_cache(maxsize=1)
def bpmn_validator() -> BpmnValidator:
    return BpmnValidator()


@functools.lru_cache(maxsize=8)
def _dmn_schema(namespace: str) -> etree.XMLSchema | None:
    path = DMN_SCHEMAS.get(namespace)
    return BpmnValidator(path).validator if path else None


def _node_at(root: Any, path: str | None) -> Any | None:
    if not path:
        return None
    namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        found = root.getroottree().xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def _name(node: Any) -> str:
    local = etree.QName(node).localname
    return f"{node.prefix}:{local}" if node.prefix else local


def _owner_id(node: Any) -> str | None:
    """The id of the nearest element of the document's own namespace that has one (what the modeler marks)."""
    namespace = etree.QName(node.getroottree().getroot()).namespace if node is not None else None
    while node is not None:
        if node.get("id") and etree.QName(node).namespace == namespace and not _name(node).endswith("EventDefinition"):
            return str(node.get("id"))
        node = node.getparent()
    return None


def _problem(root: Any, entry: Any, schema: str, file: str) -> DiagramProblem:
    node = _node_at(root, entry.path)
    element = _name(node) if node is not None else ""
    line = entry.line or None
    if node is not None and entry.type_name in _UNEXPECTED_ELEMENT:
        params = {"element": element, "schema": schema}
        return DiagramProblem("schema.unexpected_element", params, _owner_id(node.getparent()), file, line)
    params = {"element": element, "schema": schema, "detail": entry.message}
    return DiagramProblem("schema.invalid", params, _owner_id(node), file, line)


def schema_problems(root: Any, file: str, dmn: bool) -> list[DiagramProblem]:
    """Every schema violation of one document (none for a DMN version we have no schema for)."""
    if dmn:
        schema = _dmn_schema(str(etree.QName(root).namespace))
        name = "DMN"
    else:
        validator = bpmn_validator()
        validator.preprocess(root)
        schema, name = validator.validator, "BPMN"
    if schema is None or schema.validate(root):
        return []
    return [_problem(root, entry, name, file) for entry in list(schema.error_log)[:MAX_SCHEMA_PROBLEMS]]
