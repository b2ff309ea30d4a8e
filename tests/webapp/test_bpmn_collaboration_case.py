"""A collaboration of two pools in a real case: the appeal lifecycle's pool tells a district
office's pool that an appeal arrived (a message between pools); the district's process starts on
it inside the same case, its task goes to the supervisor's inbox of the case's territory and not
to the inspector's, and the lifecycle's own flow goes on beside it. (Messages in both directions
are run in tests/engine/test_bpmn_constructs.py.)"""

from __future__ import annotations

from flask import current_app

from tests.conftest import World
from tests.webapp.cases import event_kinds, pending_names, pending_tasks, register
from webapp.cases.tasks.service import inbox
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db

POOL = (
    '    <bpmn:participant id="participant_appeal_lifecycle" name="Murojaatni ko\'rib chiqish"'
    ' processRef="appeal_lifecycle"/>'
)
DISTRICT_POOL = (
    POOL
    + '\n    <bpmn:participant id="participant_district" name="Tuman hokimligi" processRef="district_review"/>'
    + '\n    <bpmn:messageFlow id="flow_appeal_to_district" sourceRef="notify_district" targetRef="district_told"/>'
)
MESSAGES = (
    '  <bpmn:message id="message_appeal_withdrawn" name="appeal_withdrawn"/>',
    '  <bpmn:message id="message_appeal_withdrawn" name="appeal_withdrawn"/>\n'
    '  <bpmn:message id="message_district_told" name="district_told"/>\n'
    '  <bpmn:message id="message_district_answered" name="district_answered"/>',
)
START_FLOW = (
    '<bpmn:sequenceFlow id="flow_start_event_to_call_registration" sourceRef="start_event"'
    ' targetRef="call_registration"/>',
    '<bpmn:sequenceFlow id="flow_start_event_to_call_registration" sourceRef="start_event"'
    ' targetRef="notify_district"/>\n'
    '    <bpmn:sequenceFlow id="flow_notify_to_registration" sourceRef="notify_district"'
    ' targetRef="call_registration"/>\n'
    '    <bpmn:intermediateThrowEvent id="notify_district" name="Tumanga xabar">\n'
    '      <bpmn:messageEventDefinition id="notify_district_definition" messageRef="message_district_told"'
    ' camunda:resultVariable="appeal_told" camunda:expression="{&#34;number&#34;: appeal_number}"/>\n'
    "    </bpmn:intermediateThrowEvent>",
)
DISTRICT_PROCESS = """  <bpmn:process id="district_review" name="Tuman ko'rigi" isExecutable="true">
    <bpmn:laneSet id="district_lanes">
      <bpmn:lane id="district_supervisor" name="supervisor">
        <bpmn:flowNodeRef>district_told</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>district_note</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>district_answered</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="district_told" name="Murojaat haqida xabar">
      <bpmn:messageEventDefinition id="district_told_definition" messageRef="message_district_told"/>
    </bpmn:startEvent>
    <bpmn:userTask id="district_note" name="Tuman izohi" camunda:formKey="district_note">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="district_comment" label="Izoh" type="string">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="district_answered" name="Javob berildi"/>
    <bpmn:sequenceFlow id="flow_told_to_note" sourceRef="district_told" targetRef="district_note"/>
    <bpmn:sequenceFlow id="flow_note_to_answered" sourceRef="district_note" targetRef="district_answered"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram"""


def publish_with_district_pool() -> None:
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    source = files["appeal_lifecycle.bpmn"]
    for old, new in ((POOL, DISTRICT_POOL), MESSAGES, START_FLOW, ("  <bpmndi:BPMNDiagram", DISTRICT_PROCESS)):
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    files["appeal_lifecycle.bpmn"] = source
    publish_files(APPEAL_PROCESS, files, note="district pool")
    db.session.commit()


def test_two_pools_exchange_a_message_inside_one_case(world: World) -> None:
    publish_with_district_pool()
    appeal = register(world)
    # the lifecycle's pool went on to registration; the district's pool started on the message
    assert "district_note" in pending_names(appeal) and "check_registration" in pending_names(appeal)
    note = next(t for t in pending_tasks(appeal) if t.name == "district_note")
    assert (note.role, note.mahalla_id) == ("supervisor", world.mahalla.id)
    assert note.id in {t.id for t in inbox(world.supervisor)}
    assert note.id not in {t.id for t in inbox(world.inspector)}
    complete_task(note, world.supervisor, {"district_comment": "Ko'rib chiqamiz"})
    assert pending_names(appeal) == ["check_registration"]  # the lifecycle's pool untouched
    completed = [name for kind, name in event_kinds(appeal) if kind == "task_completed"]
    assert completed == ["district_note"]
