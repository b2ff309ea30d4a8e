"""Hardened XML parsing: diagrams are untrusted, so no DTDs, no entities, no network, a size cap."""

from __future__ import annotations

from lxml import etree

from engine.errors import DiagramError, DiagramProblem

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024

_FORBIDDEN_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_diagram_xml(content: bytes | str, filename: str) -> etree._ElementTree:
    """Parse one BPMN or DMN document or raise DiagramError with a clear message."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_DIAGRAM_BYTES:
        raise DiagramError(
            [DiagramProblem("xml.too_large", {"size": MAX_DIAGRAM_BYTES // (1024 * 1024)}, file=filename)]
        )
    head = data[:4096].upper()
    if any(marker in data.upper() if marker == b"<!ENTITY" else marker in head for marker in _FORBIDDEN_MARKERS):
        raise DiagramError([DiagramProblem("xml.doctype", file=filename)])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiagramError([DiagramProblem("xml.not_utf8", {"byte": exc.start}, file=filename)]) from None
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        if exc.code == etree.ErrorTypes.ERR_NO_MEMORY or (exc.msg or "").startswith("unknown error"):
            # libxml2 ran out of memory (in the sandbox worker: its budget), not a malformed document
            raise MemoryError(f"{filename}: the XML parser ran out of memory") from None
        problem = DiagramProblem("xml.malformed", {"detail": exc.msg}, file=filename, line=exc.lineno)
        raise DiagramError([problem]) from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise DiagramError([DiagramProblem("xml.doctype", file=filename)])
    return tree
