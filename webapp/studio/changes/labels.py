"""What the version comparison names, in the reader's language.

``engine.diff`` reports each change by the attribute's internal name (``timer``, ``lane``,
``called_element``) and the element's BPMN type (``userTask``); values are as the diagram writes
them (``P3D``, a role code, ``true``). The compare page shows these through the functions here.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.platform.auth.roles import role, role_label
from webapp.platform.formats import duration

ATTRIBUTES = {
    "type": _l("Type"),
    "name": _l("Name"),
    "lane": _l("Lane"),
    "incoming": _l("Incoming flows"),
    "outgoing": _l("Outgoing flows"),
    "source": _l("From"),
    "target": _l("To"),
    "default": _l("Default flow"),
    "condition": _l("Condition"),
    "events": _l("Events"),
    "timer": _l("Timer"),
    "message": _l("Message"),
    "attached_to": _l("Attached to"),
    "cancel_activity": _l("Interrupts the task"),
    "script": _l("Script"),
    "called_element": _l("Called process"),
    "decision_ref": _l("Decision table"),
    "result_variable": _l("Result variable"),
    "form_key": _l("Form"),
    "documentation": _l("Description"),
    "properties": _l("Properties"),
    "hit_policy": _l("Hit policy"),
    "inputs": _l("Inputs"),
    "outputs": _l("Outputs"),
    # form fields
    "label": _l("Label"),
    "constraints": _l("Validation"),
    "enum_values": _l("Options"),
}

ELEMENT_TYPES = {
    "process": _l("Process"),
    "participant": _l("Pool"),
    "lane": _l("Lane"),
    "userTask": _l("User task"),
    "manualTask": _l("Manual task"),
    "serviceTask": _l("Service task"),
    "scriptTask": _l("Script task"),
    "businessRuleTask": _l("Decision task"),
    "sendTask": _l("Send task"),
    "receiveTask": _l("Receive task"),
    "task": _l("Task"),
    "callActivity": _l("Call activity"),
    "subProcess": _l("Sub-process"),
    "startEvent": _l("Start event"),
    "endEvent": _l("End event"),
    "boundaryEvent": _l("Boundary event"),
    "intermediateCatchEvent": _l("Intermediate event"),
    "intermediateThrowEvent": _l("Intermediate event"),
    "exclusiveGateway": _l("Exclusive gateway"),
    "parallelGateway": _l("Parallel gateway"),
    "inclusiveGateway": _l("Inclusive gateway"),
    "eventBasedGateway": _l("Event-based gateway"),
    "sequenceFlow": _l("Sequence flow"),
    "messageFlow": _l("Message flow"),
    "decision": _l("Decision table"),
}

EVENT_DEFINITIONS = {
    "timerEventDefinition": _l("Timer"),
    "messageEventDefinition": _l("Message"),
    "signalEventDefinition": _l("Signal"),
    "errorEventDefinition": _l("Error"),
    "escalationEventDefinition": _l("Escalation"),
    "conditionalEventDefinition": _l("Condition"),
    "terminateEventDefinition": _l("Terminate"),
    "cancelEventDefinition": _l("Cancel"),
    "compensateEventDefinition": _l("Compensation"),
    "linkEventDefinition": _l("Link"),
}

FIELD_TYPES = {
    "string": _l("Text"),
    "long": _l("Whole number"),
    "boolean": _l("Yes/no"),
    "date": _l("Date"),
    "enum": _l("Choice"),
}

PROPERTY_NAMES = {
    "norm": _l("Norm"),
    "name_uz": _l("Name in Uzbek"),
    "name_ru": _l("Name in Russian"),
    "name_en": _l("Name in English"),
}


def attribute_label(name: str) -> str:
    found = ATTRIBUTES.get(name)
    return str(found) if found is not None else name


def element_type_label(kind: str) -> str:
    found = ELEMENT_TYPES.get(kind)
    return str(found) if found is not None else kind


def _listed(value: str, show: object) -> str:
    return ", ".join(str(show(part.strip())) for part in value.split(", ") if part.strip())  # type: ignore[operator]


def _property(pair: str) -> str:
    key, sep, value = pair.partition("=")
    if not sep:
        return pair
    name = PROPERTY_NAMES.get(key)
    return f"{name if name is not None else key}: {duration(value) if key == 'norm' else value}"


def attribute_value(name: str, value: str) -> str:
    """An attribute's value as a reader sees it: durations in words, roles and types by their labels."""
    if not value:
        return value
    if name == "timer":
        return _listed(value, duration)
    if name == "lane":
        return role_label(value) if role(value) is not None else value
    if name == "type":
        return str(FIELD_TYPES.get(value) or ELEMENT_TYPES.get(value) or value)
    if name == "events":
        return _listed(value, lambda kind: EVENT_DEFINITIONS.get(kind, kind))
    if name == "cancel_activity":
        return _("yes") if value == "true" else _("no") if value == "false" else value
    if name == "properties":
        return _listed(value, _property)
    return value
