"""Human names of diagram elements, per language, read from the diagrams themselves.

Diagrams published from the browser never reach the translation catalogues, so a process (or a
decision table), a task or a lane carries its names itself: the element's ``name`` is the default,
and extension properties ``name_uz``, ``name_ru``, ``name_en`` (edited in the modeler's properties
panel under "Extension properties") give it per language. Readers pick their language, else the
default name, else the id. ``localized_diagram`` writes the reader's names into a document for the
read-only viewers (the case diagram, the bottlenecks page).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from lxml import etree

from engine.errors import DiagramError
from engine.xml_safety import parse_diagram_xml

LANGUAGES = ("uz", "ru", "en")
_OWNERS = ("process", "decision")


def lineage_names(files: Mapping[str, bytes | str], lineage_id: str) -> dict[str, str]:
    """``{"": default name, "ru": ..., ...}`` of the process or decision whose id is ``lineage_id``."""
    for filename, content in sorted(files.items()):
        for element_id, tag, names in _named_elements(filename, _bytes(content)):
            if element_id == lineage_id and tag in _OWNERS:
                return dict(names)
    return {}


def element_names(files: Mapping[str, bytes | str]) -> dict[str, dict[str, str]]:
    """``{element id: {"": default name, "ru": ..., ...}}`` of every named element of the documents
    (tasks, lanes, events, processes, decisions)."""
    found: dict[str, dict[str, str]] = {}
    for filename, content in sorted(files.items()):
        for element_id, _tag, names in _named_elements(filename, _bytes(content)):
            found.setdefault(element_id, dict(names))
    return found


def element_lanes(files: Mapping[str, bytes | str]) -> dict[str, dict[str, str]]:
    """``{flow node id: names of the lane that holds it}`` (the innermost lane, for nested lane sets).

    Two lanes may share a role code as their default name (two pools, each with an "inspector"
    lane) and still be named differently, so a task's lane is the lane that holds it, not a lane
    found by the role."""
    found: dict[str, dict[str, str]] = {}
    for filename, content in sorted(files.items()):
        found.update(_lanes_of(filename, _bytes(content)))
    return found


@lru_cache(maxsize=64)
def _lanes_of(filename: str, data: bytes) -> dict[str, dict[str, str]]:
    try:
        root = parse_diagram_xml(data, filename).getroot()
    except DiagramError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for lane in root.iter("{*}lane"):  # document order: an inner lane comes after its outer lane
        names = _names_of(lane)
        for ref in lane.iterfind("./{*}flowNodeRef"):
            if ref.text and ref.text.strip():
                found[ref.text.strip()] = names
    return found


def localized_diagram(document: str, language: str, translate: Any = str, lane_label: Any = None) -> str:
    """The document with each named element's name in ``language`` (see ``pick_name``), for a viewer.

    A lane without a name in the language is named by ``lane_label`` (its default name is a role
    code: ``inspector``), when given. Unreadable documents are returned unchanged.
    """
    try:
        tree = parse_diagram_xml(document, "diagram.bpmn")
    except DiagramError:
        return document
    for element in tree.getroot().iter(etree.Element):
        names = _names_of(element)
        if not names:
            continue
        default = names.get("", "")
        if element.tag.rsplit("}", 1)[-1] == "lane" and lane_label is not None and not names.get(language):
            element.set("name", str(lane_label(default)))
        else:
            element.set("name", pick_name(names, language, default, translate))
    return etree.tostring(tree, encoding="unicode")


def _bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def pick_name(names: Mapping[str, str], language: str, fallback: str, translate: Any = str) -> str:
    """The name in ``language``, else the default name through ``translate`` (the catalogues know the
    bundled diagrams' names), else ``fallback``."""
    return names.get(language) or (translate(names[""]) if names.get("") else fallback)


@lru_cache(maxsize=64)
def _named_elements(filename: str, data: bytes) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(id, tag, names) of each element of one document that has a name, in document order."""
    try:
        root = parse_diagram_xml(data, filename).getroot()
    except DiagramError:
        return ()
    found = []
    for element in root.iter(etree.Element):
        names = _names_of(element)
        if names and element.get("id"):
            found.append((str(element.get("id")), element.tag.rsplit("}", 1)[-1], tuple(sorted(names.items()))))
    return tuple(found)


def _names_of(element: Any) -> dict[str, str]:
    """An element's names; none for elements outside BPMN and DMN (form fields, properties)."""
    namespace = etree.QName(element).namespace or ""
    if "/BPMN/" not in namespace and "/DMN/" not in namespace:
        return {}
    found = {"": (element.get("name") or "").strip()}
    for prop in element.iterfind("./{*}extensionElements/{*}properties/{*}property"):
        key = prop.get("name") or ""
        if key.startswith("name_") and key[5:] in LANGUAGES and (prop.get("value") or "").strip():
            found[key[5:]] = str(prop.get("value")).strip()
    return {k: v for k, v in found.items() if v}
