"""Minimal diagrams that put one piece of hostile code in one place: a script task, a gateway
condition, a DMN input expression or a DMN output entry (the business rule task calls it)."""

from __future__ import annotations

from xml.sax.saxutils import escape

PROCESS_ID = "attack_process"
DECISION_ID = "attack_decision"
ELEMENT = {
    "script": "attack_script",
    "condition": "attack_flow",
    "dmn_input": "attack_rule",
    "dmn_output": "attack_rule",
}

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


def files_for(position: str, payload: str) -> dict[str, str]:
    """The library that puts ``payload`` (an expression) in ``position``."""
    if position == "script":
        return {"attack.bpmn": script_bpmn(f"result = {payload}")}
    if position == "condition":
        return {"attack.bpmn": condition_bpmn(payload)}
    if position == "dmn_input":
        return {"attack.bpmn": rule_bpmn(), "attack.dmn": dmn(input_expression=payload)}
    return {"attack.bpmn": rule_bpmn(), "attack.dmn": dmn(output_entry=payload)}


POSITIONS = ("script", "condition", "dmn_input", "dmn_output")
