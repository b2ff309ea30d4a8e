"""Minimal diagrams that put one piece of hostile code in one place: a script task, a gateway
condition, a DMN input expression or a DMN output entry (the business rule task calls it); and,
for a handful of representative payloads, the other places the engine evaluates an expression
(a timer, at the step that reaches it or when the timer job evaluates it again, a multi-instance
cardinality or completion condition, a conditional event) and a form field's default value."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

PROCESS_ID = "attack_process"
DECISION_ID = "attack_decision"
ELEMENT = {
    "script": "attack_script",
    "condition": "attack_flow",
    "dmn_input": "attack_rule",
    "dmn_output": "attack_rule",
    "timer": "attack_timer",
    "timer_job": "attack_timer",
    "cardinality": "attack_loop",
    "completion_condition": "attack_loop",
    "conditional_event": "attack_condition",
}
# A timer the step that reaches it evaluates harmlessly; the hostile branch runs when the timer job
# evaluates it again after its data changed (Instance.set_timer_data, then the due timers fired).
ARMED = "armed"
LATER = "'2999-01-01T00:00:00+00:00'"

_BPMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="attack_definitions" '
    'targetNamespace="http://mahalla.uz/bpmn">\n'
    f'<bpmn:process id="{PROCESS_ID}" isExecutable="true">\n'
    '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
)
_BPMN_TAIL = "</bpmn:process>\n</bpmn:definitions>\n"


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>\n'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    )


def script_bpmn(script: str) -> str:
    return (
        _BPMN_HEAD
        + '<bpmn:scriptTask id="attack_script" scriptFormat="python">'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        + f"<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_script")
        + _flow("f2", "attack_script", "end")
        + _BPMN_TAIL
    )


def condition_bpmn(condition: str) -> str:
    return (
        _BPMN_HEAD
        + '<bpmn:exclusiveGateway id="attack_gateway" default="f_default">'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>attack_flow</bpmn:outgoing>"
        + "<bpmn:outgoing>f_default</bpmn:outgoing></bpmn:exclusiveGateway>\n"
        + '<bpmn:endEvent id="end_a"><bpmn:incoming>attack_flow</bpmn:incoming></bpmn:endEvent>\n'
        + '<bpmn:endEvent id="end_b"><bpmn:incoming>f_default</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_gateway")
        + _flow("attack_flow", "attack_gateway", "end_a", condition)
        + _flow("f_default", "attack_gateway", "end_b")
        + _BPMN_TAIL
    )


def rule_bpmn() -> str:
    return (
        _BPMN_HEAD
        + f'<bpmn:businessRuleTask id="attack_rule" camunda:decisionRef="{DECISION_ID}">'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_rule")
        + _flow("f2", "attack_rule", "end")
        + _BPMN_TAIL
    )


def dmn(input_expression: str = "x", output_entry: str = '"ok"') -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="attack_dmn" name="attack" '
        'namespace="http://mahalla.uz/dmn">\n'
        f'<decision id="{DECISION_ID}" name="attack">\n'
        '<decisionTable id="attack_table" hitPolicy="COLLECT">\n'
        '<input id="attack_input" label="x"><inputExpression id="attack_input_expression" typeRef="string">'
        f"<text>{escape(input_expression)}</text></inputExpression></input>\n"
        '<output id="attack_output" label="out" name="out" typeRef="string"/>\n'
        '<rule id="attack_rule_1"><inputEntry id="attack_rule_1_in"><text>"1"</text></inputEntry>'
        f'<outputEntry id="attack_rule_1_out"><text>{escape(output_entry)}</text></outputEntry></rule>\n'
        "</decisionTable>\n</decision>\n</definitions>\n"
    )


def _form(field_type: str = "string", default: str | None = None) -> str:
    value = "" if default is None else f" defaultValue={quoteattr(default)}"
    return (
        '<bpmn:extensionElements><camunda:formData><camunda:formField id="attack_field" label="Note" '
        f'type="{field_type}"{value}/></camunda:formData></bpmn:extensionElements>'
    )


def _lanes(*elements: str) -> str:
    """One lane, the inspector's, holding the elements (the application routes tasks by lane)."""
    refs = "".join(f"<bpmn:flowNodeRef>{element}</bpmn:flowNodeRef>" for element in elements)
    lane = f'<bpmn:lane id="attack_lane" name="inspector">{refs}</bpmn:lane>'
    return f'<bpmn:laneSet id="attack_lanes">{lane}</bpmn:laneSet>\n'


def _head(process_id: str) -> str:
    return _BPMN_HEAD.replace(f'id="{PROCESS_ID}"', f'id="{process_id}"')


def timer_bpmn(time_date: str, process_id: str = PROCESS_ID, *, first_task: bool = False) -> str:
    """A person's task with a non-interrupting boundary timer at the date the expression gives;
    ``first_task``: another person's task comes first (its completion reaches the timer)."""
    first = "first_task" if first_task else "attack_task"
    elements = ["start", "attack_task", "attack_timer", "end", "end_timer"] + (["first_task"] if first_task else [])
    before = (
        f'<bpmn:userTask id="first_task" name="First" camunda:formKey="first_form">{_form()}'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f0</bpmn:outgoing></bpmn:userTask>\n"
        + _flow("f0", "first_task", "attack_task")
        if first_task
        else ""
    )
    return (
        _head(process_id)
        + _lanes(*elements)
        + before
        + f'<bpmn:userTask id="attack_task" name="Attack" camunda:formKey="attack_form">{_form()}'
        + f"<bpmn:incoming>{'f0' if first_task else 'f1'}</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        + "</bpmn:userTask>\n"
        + '<bpmn:boundaryEvent id="attack_timer" attachedToRef="attack_task" cancelActivity="false">'
        + '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:timerEventDefinition id="attack_timer_definition">'
        + f'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{escape(time_date)}</bpmn:timeDate>'
        + "</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + '<bpmn:endEvent id="end_timer"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", first)
        + _flow("f2", "attack_task", "end")
        + _flow("f3", "attack_timer", "end_timer")
        + _BPMN_TAIL
    )


def multi_instance_bpmn(cardinality: str, completion: str | None = None) -> str:
    """A script task run ``cardinality`` times, ending early when ``completion`` holds."""
    loop = f'<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">{escape(cardinality)}</bpmn:loopCardinality>'
    if completion is not None:
        loop += (
            f'<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">{escape(completion)}'
            "</bpmn:completionCondition>"
        )
    return (
        _BPMN_HEAD
        + '<bpmn:scriptTask id="attack_loop" scriptFormat="python">'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        + f"<bpmn:multiInstanceLoopCharacteristics>{loop}</bpmn:multiInstanceLoopCharacteristics>"
        + "<bpmn:script>counted = 1</bpmn:script></bpmn:scriptTask>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_loop")
        + _flow("f2", "attack_loop", "end")
        + _BPMN_TAIL
    )


def conditional_bpmn(condition: str) -> str:
    """An intermediate conditional event waiting for ``condition``."""
    return (
        _BPMN_HEAD
        + '<bpmn:intermediateCatchEvent id="attack_condition">'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        + '<bpmn:conditionalEventDefinition id="attack_condition_definition">'
        + f'<bpmn:condition xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:condition>'
        + "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_condition")
        + _flow("f2", "attack_condition", "end")
        + _BPMN_TAIL
    )


def form_default_bpmn(default: str, field_type: str = "string", process_id: str = PROCESS_ID) -> str:
    """A person's task (in the inspector's lane) whose form field has ``default`` as its default value."""
    return (
        _head(process_id)
        + _lanes("start", "attack_task", "end")
        + f'<bpmn:userTask id="attack_task" name="Attack" camunda:formKey="attack_form">{_form(field_type, default)}'
        + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>\n"
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "attack_task")
        + _flow("f2", "attack_task", "end")
        + _BPMN_TAIL
    )


def files_for(position: str, payload: str) -> dict[str, str]:
    """The library that puts ``payload`` (an expression) in ``position``."""
    if position == "timer":
        return {"attack.bpmn": timer_bpmn(payload)}
    if position == "timer_job":
        return {"attack.bpmn": timer_bpmn(f"({payload}) if {ARMED} else {LATER}")}
    if position == "cardinality":
        return {"attack.bpmn": multi_instance_bpmn(payload)}
    if position == "completion_condition":
        return {"attack.bpmn": multi_instance_bpmn("2", payload)}
    if position == "conditional_event":
        return {"attack.bpmn": conditional_bpmn(payload)}
    if position == "script":
        return {"attack.bpmn": script_bpmn(f"result = {payload}")}
    if position == "condition":
        return {"attack.bpmn": condition_bpmn(payload)}
    if position == "dmn_input":
        return {"attack.bpmn": rule_bpmn(), "attack.dmn": dmn(input_expression=payload)}
    return {"attack.bpmn": rule_bpmn(), "attack.dmn": dmn(output_entry=payload)}


POSITIONS = ("script", "condition", "dmn_input", "dmn_output")
# Where a handful of representative payloads (corpus.REPRESENTATIVE) go too.
MORE_POSITIONS = ("timer", "timer_job", "cardinality", "completion_condition", "conditional_event")
