"""Diagrams as Camunda Modeler (and other bpmn-js tools) write them, for the import and validation tests."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="definitions_home_visit" '
    'targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.31.0">\n'
)

# A small process in Camunda Modeler's style: a generated form without camunda:formKey, and an
# unquoted timer value (P15D) on a boundary event. {extra} adds elements inside the process.
CAMUNDA_MODELER_FILE = (
    HEAD
    + """  <bpmn:process id="home_visit" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_inspector" name="inspector">
        <bpmn:flowNodeRef>visit_start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>record_visit</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>visit_end</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>visit_late</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="visit_start"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="record_visit" name="Record the home visit">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="visit_notes" label="Notes" type="string" />
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_1</bpmn:incoming><bpmn:outgoing>flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="visit_late" cancelActivity="false" attachedToRef="record_visit">
      <bpmn:timerEventDefinition id="visit_late_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P15D</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="visit_end"><bpmn:incoming>flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="visit_start" targetRef="record_visit" />
    <bpmn:sequenceFlow id="flow_2" sourceRef="record_visit" targetRef="visit_end" />
{extra}  </bpmn:process>
</bpmn:definitions>
"""
)

JAVA_SERVICE_TASK = '    <bpmn:serviceTask id="notify_police" camunda:class="uz.mvd.Notify" />\n'
EXTERNAL_TASK = '    <bpmn:serviceTask id="send_sms" camunda:type="external" camunda:topic="sms" />\n'
CONNECTOR_TASK = (
    '    <bpmn:serviceTask id="call_api"><bpmn:extensionElements><camunda:connector>'
    "<camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>"
    "</bpmn:extensionElements></bpmn:serviceTask>\n"
)
ZEEBE_TASK = (
    '    <bpmn:serviceTask id="zeebe_job"><bpmn:extensionElements>'
    '<zeebe:taskDefinition type="sms" /></bpmn:extensionElements></bpmn:serviceTask>\n'
)
COMPLEX_GATEWAY = '    <bpmn:complexGateway id="odd_gateway" />\n'
MISSING_DECISION = '    <bpmn:businessRuleTask id="pick_risk" camunda:decisionRef="risk_colour_missing" />\n'
BAD_TIMER_EVENT = (
    '    <bpmn:intermediateCatchEvent id="wait_bad"><bpmn:timerEventDefinition id="t_bad">'
    '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P15X"</bpmn:timeDuration>'
    "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n"
)
JAVASCRIPT_TASK = (
    '    <bpmn:scriptTask id="js_script" scriptFormat="javascript"><bpmn:script>var a = 1;</bpmn:script>'
    "</bpmn:scriptTask>\n"
)


def camunda_file(*extra: str) -> str:
    return CAMUNDA_MODELER_FILE.replace("{extra}", "".join(extra))


XXE = """<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x"><bpmn:process id="p">
<bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process></bpmn:definitions>
"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10)
    )
    + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x">'
    + "&lol9;</bpmn:definitions>\n"
)

MALFORMED = (
    '<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n'
    '<bpmn:process id="p">'
)

NOT_A_DIAGRAM = '<?xml version="1.0"?>\n<html><body>hello</body></html>'
