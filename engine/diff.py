"""What changed between two versions of a process library (sets of BPMN and DMN documents).

Elements are matched by id within their file. For each BPMN element we compare what a
methodologist edits — type, name, lane, flows, conditions, timers, scripts, called process, DMN
decision reference, documentation, properties — and its ``camunda:formData`` fields one by one;
for each DMN decision table, its hit policy, columns and rules. Documents are untrusted: they are
read with the hardened parser only (a broken one raises DiagramError).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.library import BPMN_NS, DMN_NAMESPACES
from engine.xml_safety import parse_diagram_xml

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ADDED, REMOVED, CHANGED = "added", "removed", "changed"

_BPMN = f"{{{BPMN_NS}}}"
_CAMUNDA = f"{{{CAMUNDA_NS}}}"
# Containers and definitions, not elements of the flow: their content is compared inside elements.
_SKIPPED = frozenset(
    {"definitions", "process", "collaboration", "participant", "laneSet", "lane", "flowNodeRef", "incoming", "outgoing"}
)
_TIMERS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class AttributeChange:
    attribute: str  # name, lane, incoming, outgoing, condition, timer, script, called_element, …
    before: str
    after: str


@dataclass(frozen=True)
class FieldChange:
    """One form field added, removed or changed; ``attributes`` lists what changed (or all, if added/removed)."""

    field_id: str
    change: str
    attributes: tuple[AttributeChange, ...]


@dataclass(frozen=True)
class ElementChange:
    """One BPMN element or DMN decision added, removed or changed."""

    file: str
    element_id: str
    element_type: str
    name: str
    change: str
    attributes: tuple[AttributeChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RuleChange:
    """One rule of a DMN decision table added, removed or changed (``before``/``after``: inputs → outputs)."""

    file: str
    decision_id: str
    rule_id: str
    change: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionDiff:
    files_added: tuple[str, ...]
    files_removed: tuple[str, ...]
    elements: tuple[ElementChange, ...]
    rules: tuple[RuleChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.files_added or self.files_removed or self.elements or self.rules)

    def element_ids(self, file: str, change: str) -> list[str]:
        """Ids of the elements of a file with this kind of change (for markers on the diagram)."""
        return [e.element_id for e in self.elements if e.file == file and e.change == change]


@dataclass(frozen=True)
class _Element:
    type: str
    name: str
    attributes: Mapping[str, str]
    fields: Mapping[str, Mapping[str, str]]


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(node: Any) -> str:
    return (node.text or "").strip() if node is not None else ""


def _child_text(node: Any, tag: str) -> str:
    return _text(node.find(tag))


def _joined(values: Iterator[str] | list[str]) -> str:
    return ", ".join(sorted(v for v in values if v))


def _lanes(root: Any) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{_BPMN}lane"):
        for ref in lane.iter(f"{_BPMN}flowNodeRef"):
            lanes[_text(ref)] = lane.get("name") or lane.get("id") or ""
    return lanes


def _form_fields(node: Any) -> dict[str, dict[str, str]]:
    fields: dict[str, dict[str, str]] = {}
    for form_field in node.iter(f"{_CAMUNDA}formField"):
        constraints = [
            f"{c.get('name')}={c.get('config')}" if c.get("config") is not None else str(c.get("name"))
            for c in form_field.iter(f"{_CAMUNDA}constraint")
        ]
        values = [f"{v.get('id')}={v.get('name')}" for v in form_field.iter(f"{_CAMUNDA}value")]
        fields[form_field.get("id") or ""] = {
            "type": form_field.get("type") or "",
            "label": form_field.get("label") or "",
            "default": form_field.get("defaultValue") or "",
            "constraints": _joined(constraints),
            "enum_values": ", ".join(values),
        }
    return fields


def _bpmn_attributes(node: Any, lane: str) -> dict[str, str]:
    definitions = [child for child in node if _local(child.tag).endswith("EventDefinition")]
    timers = [_child_text(d, f"{_BPMN}{kind}") for d in definitions for kind in _TIMERS]
    properties = [f"{p.get('name')}={p.get('value')}" for p in node.iter(f"{_CAMUNDA}property")]
    return {
        "lane": lane,
        "incoming": _joined(_text(n) for n in node.findall(f"{_BPMN}incoming")),
        "outgoing": _joined(_text(n) for n in node.findall(f"{_BPMN}outgoing")),
        "source": node.get("sourceRef") or "",
        "target": node.get("targetRef") or "",
        "default": node.get("default") or "",
        "condition": _child_text(node, f"{_BPMN}conditionExpression"),
        "events": _joined(_local(d.tag) for d in definitions),
        "timer": _joined(timers),
        "message": _joined(d.get("messageRef") or "" for d in definitions),
        "attached_to": node.get("attachedToRef") or "",
        "cancel_activity": node.get("cancelActivity") or "",
        "script": _child_text(node, f"{_BPMN}script"),
        "called_element": node.get("calledElement") or "",
        "decision_ref": node.get(f"{_CAMUNDA}decisionRef") or "",
        "result_variable": node.get(f"{_CAMUNDA}resultVariable") or "",
        "form_key": node.get(f"{_CAMUNDA}formKey") or "",
        "documentation": _child_text(node, f"{_BPMN}documentation"),
        "properties": _joined(properties),
    }


def _bpmn_elements(root: Any) -> dict[str, _Element]:
    lanes = _lanes(root)
    elements: dict[str, _Element] = {}
    for process in root.iter(f"{_BPMN}process"):
        for node in process.iter():
            kind = _local(node.tag)
            element_id = node.get("id")
            if not element_id or not str(node.tag).startswith(_BPMN) or kind in _SKIPPED:
                continue
            if kind.endswith("EventDefinition") or kind in ("conditionExpression", "script", "documentation"):
                continue
            elements[element_id] = _Element(
                kind, node.get("name") or "", _bpmn_attributes(node, lanes.get(element_id, "")), _form_fields(node)
            )
    return elements


def _dmn_entries(rule: Any, ns: str, tag: str) -> str:
    return " | ".join(_child_text(entry, f"{ns}text") or "-" for entry in rule.findall(f"{ns}{tag}"))


def _dmn_decisions(root: Any) -> tuple[dict[str, _Element], dict[tuple[str, str], str]]:
    ns = str(root.tag).rsplit("}", 1)[0] + "}"
    decisions: dict[str, _Element] = {}
    rules: dict[tuple[str, str], str] = {}
    for decision in root.iter(f"{ns}decision"):
        decision_id = decision.get("id") or ""
        table = decision.find(f"{ns}decisionTable")
        attributes = {"documentation": _child_text(decision, f"{ns}description")}
        if table is not None:
            attributes["hit_policy"] = table.get("hitPolicy") or "UNIQUE"
            attributes["inputs"] = ", ".join(
                _child_text(i.find(f"{ns}inputExpression"), f"{ns}text") for i in table.findall(f"{ns}input")
            )
            attributes["outputs"] = ", ".join(o.get("name") or o.get("id") or "" for o in table.findall(f"{ns}output"))
            for rule in table.findall(f"{ns}rule"):
                summary = f"{_dmn_entries(rule, ns, 'inputEntry')} → {_dmn_entries(rule, ns, 'outputEntry')}"
                rules[(decision_id, rule.get("id") or "")] = summary
        decisions[decision_id] = _Element("decision", decision.get("name") or "", attributes, {})
    return decisions, rules


def _is_dmn(root: Any) -> bool:
    return any(str(root.tag).startswith("{" + ns) for ns in DMN_NAMESPACES)


def _read(content: str | bytes, file: str) -> tuple[dict[str, _Element], dict[tuple[str, str], str]]:
    root = parse_diagram_xml(content, file).getroot()
    if _is_dmn(root):
        return _dmn_decisions(root)
    return _bpmn_elements(root), {}


def _attribute_changes(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[AttributeChange, ...]:
    names = list(dict.fromkeys([*before, *after]))
    return tuple(
        AttributeChange(name, before.get(name, ""), after.get(name, ""))
        for name in names
        if before.get(name, "") != after.get(name, "")
    )


def _field_changes(
    before: Mapping[str, Mapping[str, str]], after: Mapping[str, Mapping[str, str]]
) -> tuple[FieldChange, ...]:
    changes = []
    for field_id in dict.fromkeys([*before, *after]):
        old, new = before.get(field_id), after.get(field_id)
        if old is None or new is None:
            change = ADDED if old is None else REMOVED
            changes.append(FieldChange(field_id, change, _attribute_changes(old or {}, new or {})))
        elif old != new:
            changes.append(FieldChange(field_id, CHANGED, _attribute_changes(old, new)))
    return tuple(changes)


def _element_changes(file: str, before: Mapping[str, _Element], after: Mapping[str, _Element]) -> list[ElementChange]:
    changes = []
    for element_id in dict.fromkeys([*before, *after]):
        old, new = before.get(element_id), after.get(element_id)
        if old is None or new is None:
            element = new or old
            assert element is not None
            change = ADDED if old is None else REMOVED
            changes.append(
                ElementChange(
                    file,
                    element_id,
                    element.type,
                    element.name,
                    change,
                    fields=_field_changes(old.fields if old else {}, new.fields if new else {}),
                )
            )
            continue
        attributes = _attribute_changes(
            {"type": old.type, "name": old.name, **old.attributes},
            {"type": new.type, "name": new.name, **new.attributes},
        )
        fields = _field_changes(old.fields, new.fields)
        if attributes or fields:
            changes.append(ElementChange(file, element_id, new.type, new.name or old.name, CHANGED, attributes, fields))
    return changes


def _rule_changes(
    file: str, before: Mapping[tuple[str, str], str], after: Mapping[tuple[str, str], str]
) -> list[RuleChange]:
    changes = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old != new:
            change = ADDED if old is None else REMOVED if new is None else CHANGED
            changes.append(RuleChange(file, key[0], key[1], change, old or "", new or ""))
    return changes


def diff_libraries(before: Mapping[str, str | bytes], after: Mapping[str, str | bytes]) -> VersionDiff:
    """Compare two sets of documents by file name; raises DiagramError for a document that cannot be read."""
    elements: list[ElementChange] = []
    rules: list[RuleChange] = []
    for file in sorted(set(before) | set(after)):
        if before.get(file) == after.get(file):
            continue
        old_elements, old_rules = _read(before[file], file) if file in before else ({}, {})
        new_elements, new_rules = _read(after[file], file) if file in after else ({}, {})
        elements.extend(_element_changes(file, old_elements, new_elements))
        rules.extend(_rule_changes(file, old_rules, new_rules))
    return VersionDiff(
        files_added=tuple(sorted(set(after) - set(before))),
        files_removed=tuple(sorted(set(before) - set(after))),
        elements=tuple(elements),
        rules=tuple(rules),
    )
