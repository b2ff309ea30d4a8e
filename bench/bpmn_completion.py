"""What a methodologist adds to a diagram drawn in another tool before it runs: the completion step.

Another tool's export describes a procedure; it does not say who does each step, what each person
fills in, which way a gateway goes, how long a timer waits or what a decision decides. Before such
a diagram runs in our sandbox a methodologist supplies exactly that. The run bench
(bench/bpmn_corpus_run.py) models it with this deterministic step, applied to a copy of the
documents; every change is returned as a named fix-up, so the reader sees what was added:

* ``executable`` - a process marked ``isExecutable="false"`` is marked executable;
* ``lane`` - a process whose person tasks are in no lane gets one lane named after a role
  (``inspector``) holding its elements; a lane named otherwise is renamed to that role;
* ``form`` - a user task without form fields gets one optional text field (``completion_note``);
* ``default_flow`` / ``condition`` - an exclusive or inclusive gateway's outgoing flows without a
  condition: the first one that does not lead back to the gateway becomes the default (the first
  one if all do), each other gets ``route == "<flow id>"``; the start data hold ``route = ""``,
  so a run takes the default unless its scenario sets ``route`` to another flow;
* ``timer`` - a timer without a value waits ``"PT1H"``;
* ``decision`` - a business rule task without ``camunda:decisionRef`` gets a one-rule decision
  table (output ``decision_<task id> = "decided"``) in the added ``completion_decisions.dmn``;
* ``called_process`` - a call activity naming no process calls an added empty process (start,
  end) in the added ``completion_called.bpmn``;
* ``start_event`` - a process or embedded sub-process without a start event gets one, flowing to
  the elements nothing flows into (through a parallel gateway when there are several); a
  collapsed sub-process drawn without content gets a start and an end event;
* ``cardinality`` - a multi-instance activity with neither collection nor cardinality runs twice;
* ``data_output`` - a task that writes a data object must produce its value: a user task gets a
  form field named after the data object (the run answers ``"sample"``), any other task finds
  the value in the start data (``""``); a script task sets it itself.

Nothing else changes: an element the coverage table does not support stays and is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Any

from lxml import etree

from engine.xml_safety import parse_diagram_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_B = f"{{{BPMN_NS}}}"
_C = f"{{{CAMUNDA_NS}}}"
ROLE = "inspector"
NOTE_FIELD = "completion_note"
ROUTE = "route"
TIMER_VALUE = '"PT1H"'
CARDINALITY = "2"
DECISIONS_FILE = "completion_decisions.dmn"
CALLED_FILE = "completion_called.bpmn"
_PERSON_TASKS = ("userTask", "manualTask", "task")
_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
_NOT_NODES = {"sequenceFlow", "laneSet", "extensionElements", "documentation", "textAnnotation", "association"}
_NOT_NODES |= {"dataObject", "dataObjectReference", "dataStoreReference", "ioSpecification", "property", "group"}
_NOT_NODES |= {"incoming", "outgoing", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics"}
_HEADER = ("documentation", "extensionElements")
_PROCESS_HEADER = (*_HEADER, "auditing", "monitoring", "property")
_JAVA_DELEGATES = ("class", "expression", "delegateExpression", "type")


@dataclass
class Completion:
    files: dict[str, bytes]
    fixups: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the start data the added conditions read
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by user task id: the added fields


def complete(files: Mapping[str, bytes | str]) -> Completion:
    """A completed copy of a library (file name -> document); the originals are not changed."""
    result = Completion({})
    decisions: list[str] = []
    called: list[str] = []
    for name in sorted(files):
        text = files[name]
        raw = text.encode("utf-8") if isinstance(text, str) else text
        root = parse_diagram_xml(raw, name).getroot()
        if not str(root.tag).startswith(_B):
            result.files[name] = raw
            continue
        notes = _complete_document(root, decisions, called)
        notes.extend(_data_outputs(root, result))
        result.fixups.extend(f"{name}: {note}" for note in notes)
        result.files[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if any(note.split(": ", 1)[1].startswith("condition ") for note in result.fixups):
        result.data[ROUTE] = ""
    if decisions:
        result.files[DECISIONS_FILE] = _decisions_document(decisions)
    if called:
        result.files[CALLED_FILE] = _called_document(called)
    return result


def _complete_document(root: Any, decisions: list[str], called: list[str]) -> list[str]:
    notes: list[str] = []
    for process in root.iter(f"{_B}process"):
        if process.get("isExecutable") == "false":
            process.set("isExecutable", "true")
            notes.append(f"executable {process.get('id')}")
        notes.extend(_lanes(process))
    for container in list(root.iter(*(f"{_B}{tag}" for tag in _CONTAINERS))):
        notes.extend(_start_event(container))
        notes.extend(_gateways(container))
    notes.extend(_forms(root))
    notes.extend(_timers(root))
    notes.extend(_cardinalities(root))
    for task in root.iter(f"{_B}businessRuleTask"):
        if task.get(f"{_C}decisionRef") is None and not any(task.get(f"{_C}{a}") for a in _JAVA_DELEGATES):
            decision = f"completion_{task.get('id')}"
            task.set(f"{_C}decisionRef", decision)
            decisions.append(decision)
            notes.append(f"decision {task.get('id')} -> {decision}")
    for call in root.iter(f"{_B}callActivity"):
        if not call.get("calledElement"):
            process_id = f"completion_called_{call.get('id')}"
            call.set("calledElement", process_id)
            called.append(process_id)
            notes.append(f"called_process {call.get('id')} -> {process_id}")
    return notes


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _nodes(container: Any) -> Iterator[Any]:
    return (c for c in container if c.get("id") and c.tag.startswith(_B) and _local(c) not in _NOT_NODES)


def _element(tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.Element(f"{_B}{tag}", **attributes)
    element.text = text
    return element


def _insert_after_header(parent: Any, child: Any, header: tuple[str, ...] = _HEADER) -> None:
    """Insert after the leading children the schema wants first (documentation, extensionElements)."""
    parent.insert(sum(1 for _ in takewhile(lambda e: _local(e) in header, parent)), child)


def _lanes(process: Any) -> list[str]:
    persons = [n for n in process.iter(*(f"{_B}{t}" for t in _PERSON_TASKS))]
    if not persons:
        return []
    lanes = list(process.iter(f"{_B}lane"))
    if not lanes:
        lane_set = _element("laneSet", id=f"{process.get('id')}_lanes")
        lane = etree.SubElement(lane_set, f"{_B}lane", id=f"{process.get('id')}_lane", name=ROLE)
        for node in _nodes(process):
            etree.SubElement(lane, f"{_B}flowNodeRef").text = node.get("id")
        _insert_after_header(process, lane_set, _PROCESS_HEADER)
        return [f"lane {process.get('id')} ({ROLE}, {len(lane)} elements)"]
    notes = []
    for lane in lanes:
        if lane.get("name") != ROLE:
            notes.append(f"lane {lane.get('id')} named {lane.get('name')!r} -> {ROLE}")
            lane.set("name", ROLE)
    placed = {ref.text for ref in process.iter(f"{_B}flowNodeRef")}
    unplaced = [n for n in _nodes(process) if n.get("id") not in placed]
    for node in unplaced:
        etree.SubElement(lanes[0], f"{_B}flowNodeRef").text = node.get("id")
    if unplaced:
        notes.append(f"lane {lanes[0].get('id')} += {', '.join(str(n.get('id')) for n in unplaced)}")
    return notes


def _forms(root: Any) -> list[str]:
    notes = []
    for task in root.iter(f"{_B}userTask"):
        if task.find(f".//{_C}formField") is not None:
            continue
        extensions = task.find(f"{_B}extensionElements")
        if extensions is None:
            extensions = _element("extensionElements")
            docs = task.findall(f"{_B}documentation")
            task.insert(len(docs), extensions)
        form = etree.SubElement(extensions, f"{_C}formData")
        etree.SubElement(form, f"{_C}formField", id=NOTE_FIELD, label="Note", type="string")
        notes.append(f"form {task.get('id')} ({NOTE_FIELD})")
    return notes


def _data_outputs(root: Any, result: Completion) -> list[str]:
    objects = {r.get("id"): r.get("dataObjectRef") for r in root.iter(f"{_B}dataObjectReference")}
    notes = []
    for association in root.iter(f"{_B}dataOutputAssociation"):
        target = association.find(f"{_B}targetRef")
        data_object = objects.get(target.text.strip() if target is not None and target.text else None)
        task = association.getparent()
        if not data_object or task is None or _local(task) == "scriptTask":
            continue  # a script sets the value itself
        if _local(task) == "userTask":
            form = task.find(f".//{_C}formData")
            if form is not None and form.find(f"{_C}formField[@id='{data_object}']") is None:
                etree.SubElement(form, f"{_C}formField", id=data_object, label=data_object, type="string")
            result.answers.setdefault(str(task.get("id")), {})[data_object] = "sample"
            notes.append(f"data_output {task.get('id')} -> {data_object} (form field)")
        else:
            result.data[data_object] = ""
            notes.append(f"data_output {task.get('id')} -> {data_object} (start data)")
    return notes


def _reaches(start: str, goal: str, targets: Mapping[str, list[str]]) -> bool:
    seen, pending = set(), [start]
    while pending:
        node = pending.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            pending.extend(targets.get(node, []))
    return False


def _gateways(container: Any) -> list[str]:
    flows = [c for c in container if _local(c) == "sequenceFlow"]
    targets: dict[str, list[str]] = {}
    for flow in flows:
        targets.setdefault(str(flow.get("sourceRef")), []).append(str(flow.get("targetRef")))
    notes = []
    for gateway in container:
        if _local(gateway) not in ("exclusiveGateway", "inclusiveGateway"):
            continue
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        default = gateway.get("default")
        bare = [f for f in outgoing if f.get("id") != default and f.find(f"{_B}conditionExpression") is None]
        if len(outgoing) < 2 or not bare:
            continue
        if gateway.get("default") is None:
            onward = [f for f in bare if not _reaches(str(f.get("targetRef")), str(gateway.get("id")), targets)]
            chosen = (onward or bare)[0]
            gateway.set("default", str(chosen.get("id")))
            bare.remove(chosen)
            notes.append(f"default_flow {gateway.get('id')} -> {chosen.get('id')}")
        for flow in bare:
            text = f'{ROUTE} == "{flow.get("id")}"'
            flow.append(_element("conditionExpression", text))
            notes.append(f"condition {flow.get('id')}: {text}")
    return notes


def _start_event(container: Any) -> list[str]:
    if container.get("triggeredByEvent") == "true" or container.find(f"{_B}startEvent") is not None:
        return []
    nodes = [n for n in _nodes(container) if _local(n) != "boundaryEvent" and n.get("triggeredByEvent") != "true"]
    if not nodes and _local(container) == "process":
        return []  # a pool drawn empty (another participant): nothing runs there
    start_id = f"{container.get('id')}_start"
    if not nodes:  # a collapsed sub-process drawn without content: it starts and ends
        end_id = f"{container.get('id')}_end"
        container.append(_element("startEvent", id=start_id))
        container.append(_element("endEvent", id=end_id))
        container.append(_element("sequenceFlow", id=f"{start_id}_flow", sourceRef=start_id, targetRef=end_id))
        return [f"start_event {container.get('id')} (empty: start -> end)"]
    flowed_into = {f.get("targetRef") for f in container if _local(f) == "sequenceFlow"}
    first = [n for n in nodes if n.get("id") not in flowed_into and n.get("isForCompensation") != "true"]
    container.append(_element("startEvent", id=start_id))
    source = start_id
    if len(first) > 1:
        source = f"{container.get('id')}_start_split"
        container.append(_element("parallelGateway", id=source))
        container.append(_element("sequenceFlow", id=f"{source}_flow", sourceRef=start_id, targetRef=source))
    for node in first:
        flow_id = f"{source}_to_{node.get('id')}"
        container.append(_element("sequenceFlow", id=flow_id, sourceRef=source, targetRef=str(node.get("id"))))
    return [f"start_event {container.get('id')} -> {', '.join(str(n.get('id')) for n in first)}"]


def _timers(root: Any) -> list[str]:
    notes = []
    for definition in root.iter(f"{_B}timerEventDefinition"):
        if not any(definition.find(f"{_B}{t}") is not None for t in ("timeDuration", "timeDate", "timeCycle")):
            definition.append(_element("timeDuration", TIMER_VALUE))
            owner = definition.getparent()
            notes.append(f"timer {owner.get('id') if owner is not None else '?'} {TIMER_VALUE}")
    return notes


def _cardinalities(root: Any) -> list[str]:
    notes = []
    for loop in root.iter(f"{_B}multiInstanceLoopCharacteristics"):
        given = any(loop.find(f"{_B}{t}") is not None for t in ("loopCardinality", "loopDataInputRef"))
        if not given and not loop.get(f"{_C}collection"):
            _insert_after_header(loop, _element("loopCardinality", CARDINALITY))
            owner = loop.getparent()
            notes.append(f"cardinality {owner.get('id') if owner is not None else '?'} {CARDINALITY}")
    return notes


def _decisions_document(decisions: list[str]) -> bytes:
    tables = "".join(
        f'<decision id="{d}" name="{d}"><decisionTable id="{d}_table">'
        f'<input id="{d}_in"><inputExpression id="{d}_in_expression" typeRef="boolean"><text>True</text>'
        f'</inputExpression></input><output id="{d}_out" name="decision_{d.removeprefix("completion_")}" '
        f'typeRef="string"/><rule id="{d}_rule"><inputEntry id="{d}_rule_in"><text>-</text></inputEntry>'
        f'<outputEntry id="{d}_rule_out"><text>"decided"</text></outputEntry></rule></decisionTable></decision>'
        for d in decisions
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        f'id="completion_decisions" name="Completion" namespace="http://mahalla.uz/dmn">{tables}</definitions>'
    ).encode()


def _called_document(processes: list[str]) -> bytes:
    bodies = "".join(
        f'<process id="{p}" isExecutable="true"><startEvent id="{p}_start"/><endEvent id="{p}_end"/>'
        f'<sequenceFlow id="{p}_flow" sourceRef="{p}_start" targetRef="{p}_end"/></process>'
        for p in processes
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{BPMN_NS}" id="completion_called" '
        f'targetNamespace="http://mahalla.uz/bpmn">{bodies}</definitions>'
    ).encode()
