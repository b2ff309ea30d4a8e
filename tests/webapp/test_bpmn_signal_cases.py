"""A BPMN signal between real cases: when one case throws a signal (here: an appeal passed
registration), the step queues it in its own transaction; the ``deliver_signals`` job then gives
it to every other running case of the thrower's district waiting for it (a non-interrupting event
sub-process started by that signal), each in its own transaction, with a task in its inbox and a
signal_received event. Cases of another district, and finished cases, do not get it. The throwing
case hears its own signal too (inside the case, at once)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select, update

from engine import Instance
from tests.conftest import World
from tests.webapp.cases import answers, event_kinds, pending_names, pending_tasks, register, the_task
from webapp.cases import subjects
from webapp.cases.instances import (
    Subject,
    TaskRow,
    add_instance,
    events_of,
    live_instance,
    run_engine,
    save_state,
    subject_tasks,
    sync_tasks,
)
from webapp.cases.models import ProcessInstance, QueuedSignal
from webapp.cases.signals import deliver_signals, waiting_cases
from webapp.cases.subjects import SubjectKind, districts
from webapp.cases.tasks.service import inbox
from webapp.cases.versions import APPEAL_PROCESS, library_for, publish_files, read_process_directory
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today

SIGNAL = ('<bpmn:message id="message_appeal_withdrawn" name="appeal_withdrawn"/>', None)
REGISTERED_FLOW = (
    '<bpmn:sequenceFlow id="flow_call_registration_to_gw_registration_outcome" sourceRef="call_registration"'
    ' targetRef="gw_registration_outcome"/>',
    '<bpmn:sequenceFlow id="flow_call_registration_to_gw_registration_outcome" sourceRef="call_registration"'
    ' targetRef="tell_the_district"/>\n'
    '    <bpmn:sequenceFlow id="flow_tell_to_outcome" sourceRef="tell_the_district"'
    ' targetRef="gw_registration_outcome"/>\n'
    '    <bpmn:intermediateThrowEvent id="tell_the_district" name="Tumanga yangi murojaat">\n'
    '      <bpmn:signalEventDefinition id="tell_the_district_definition" signalRef="signal_new_appeal"/>\n'
    "    </bpmn:intermediateThrowEvent>\n"
    '    <bpmn:subProcess id="new_appeal_nearby" name="Yangi murojaat" triggeredByEvent="true">\n'
    '      <bpmn:startEvent id="new_appeal_heard" name="Yangi murojaat" isInterrupting="false">\n'
    '        <bpmn:signalEventDefinition id="new_appeal_heard_definition" signalRef="signal_new_appeal"/>\n'
    "      </bpmn:startEvent>\n"
    '      <bpmn:userTask id="note_new_appeal" name="Yangi murojaatni hisobga olish"'
    ' camunda:formKey="note_new_appeal">\n'
    "        <bpmn:extensionElements><camunda:formData>\n"
    '          <camunda:formField id="nearby_note" label="Izoh" type="string"/>\n'
    "        </camunda:formData></bpmn:extensionElements>\n"
    "      </bpmn:userTask>\n"
    '      <bpmn:endEvent id="new_appeal_noted"/>\n'
    '      <bpmn:sequenceFlow id="flow_heard_to_note" sourceRef="new_appeal_heard" targetRef="note_new_appeal"/>\n'
    '      <bpmn:sequenceFlow id="flow_note_to_noted" sourceRef="note_new_appeal" targetRef="new_appeal_noted"/>\n'
    "    </bpmn:subProcess>",
)


def publish_with_signal() -> None:
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    source = files["appeal_lifecycle.bpmn"]
    declaration = SIGNAL[0] + '\n  <bpmn:signal id="signal_new_appeal" name="new_appeal_registered"/>'
    lane = "<bpmn:flowNodeRef>related_appeal_notice</bpmn:flowNodeRef>"
    in_lane = lane + "\n        <bpmn:flowNodeRef>new_appeal_nearby</bpmn:flowNodeRef>"
    for old, new in ((SIGNAL[0], declaration), REGISTERED_FLOW, (lane, in_lane)):
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    files["appeal_lifecycle.bpmn"] = source
    publish_files(APPEAL_PROCESS, files, note="signal between cases")
    db.session.commit()


def test_a_signal_thrown_by_one_case_reaches_the_waiting_cases_of_its_district(world: World) -> None:
    publish_with_signal()
    waiting = register(world)
    neighbour = register(world, mahalla=world.second_mahalla, actor=world.inspector2)  # same district
    foreign = register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector)  # another district
    finished = register(world, applicant_name="Yusupov Anvar")
    complete_task(the_task(finished, "check_registration"), world.inspector, answers("check_registration"))
    assert deliver_signals().delivered  # the first thrower's signal, heard by the others
    thrower = register(world, applicant_name="Karimova Dilnoza")
    complete_task(the_task(thrower, "check_registration"), world.inspector, answers("check_registration"))
    # queued with the completion, not delivered inline
    queued = db.session.scalars(select(QueuedSignal).where(QueuedSignal.delivered_at.is_(None))).all()
    assert [(q.name, q.district_id) for q in queued] == [("new_appeal_registered", world.district.id)]
    assert "note_new_appeal" in pending_names(thrower)  # the thrower heard its own signal at once
    notes_before = pending_names(waiting).count("note_new_appeal")

    run = deliver_signals()
    assert run.signals == 1 and not run.incidents
    assert pending_names(waiting).count("note_new_appeal") == notes_before + 1
    note = [t for t in pending_tasks(waiting) if t.name == "note_new_appeal"][-1]
    assert note.role == "inspector" and note.id in {t.id for t in inbox(world.inspector)}
    assert ("signal_received", None) in event_kinds(waiting)
    assert "note_new_appeal" in pending_names(neighbour)
    assert "note_new_appeal" not in pending_names(foreign)  # another district
    assert ("signal_received", None) not in event_kinds(foreign)
    assert ("signal_received", None) not in event_kinds(thrower)
    assert deliver_signals().signals == 0  # delivered once
    db.session.expire_all()
    assert db.session.scalars(select(QueuedSignal).where(QueuedSignal.delivered_at.is_(None))).all() == []


def test_a_signal_nobody_waits_for_is_delivered_to_nobody(world: World) -> None:
    publish_with_signal()
    thrower = register(world)
    complete_task(the_task(thrower, "check_registration"), world.inspector, answers("check_registration"))
    run = deliver_signals()
    assert (run.signals, run.delivered) == (1, [])


def test_a_signal_resumes_after_the_cases_that_already_got_it(world: World) -> None:
    publish_with_signal()
    done = register(world)
    waiting = register(world, applicant_name="Yusupov Anvar")
    thrower = register(world, applicant_name="Karimova Dilnoza")
    complete_task(the_task(thrower, "check_registration"), world.inspector, answers("check_registration"))
    done_case = db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.appeal_id == done.id))
    # a delivery stopped half-way (a worker lost after the first case): its cursor stays on that case
    db.session.execute(update(QueuedSignal).values(last_case_id=done_case, delivered=1))
    db.session.commit()
    run = deliver_signals()
    assert run.signals == 1 and len(run.delivered) == 1
    assert "note_new_appeal" not in pending_names(done)  # not heard twice (nor here at all)
    assert "note_new_appeal" in pending_names(waiting)
    db.session.expire_all()
    assert db.session.scalars(select(QueuedSignal.delivered)).all() == [2]


# A case of another subject kind: a mahalla's watch (subject: the mahalla), waiting for the signal
# at an intermediate catch event, then a task in its inspector's lane.
WATCH = "mahalla_watch"
WATCH_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="definitions_mahalla_watch"
    targetNamespace="http://mahalla.uz/bpmn">
  <bpmn:signal id="signal_new_appeal" name="new_appeal_registered"/>
  <bpmn:process id="mahalla_watch" name="Mahalla kuzatuvi" isExecutable="true">
    <bpmn:laneSet id="lane_set_mahalla_watch">
      <bpmn:lane id="lane_mahalla_watch_inspector" name="inspector">
        <bpmn:flowNodeRef>watch_started</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>appeal_heard</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>look_at_appeal</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>watch_ended</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="watch_started"/>
    <bpmn:intermediateCatchEvent id="appeal_heard" name="Yangi murojaat">
      <bpmn:signalEventDefinition id="appeal_heard_definition" signalRef="signal_new_appeal"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="look_at_appeal" name="Murojaatni ko'rish" camunda:formKey="look_at_appeal">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="watch_note" label="Izoh" type="string"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="watch_ended"/>
    <bpmn:sequenceFlow id="flow_started_to_heard" sourceRef="watch_started" targetRef="appeal_heard"/>
    <bpmn:sequenceFlow id="flow_heard_to_look" sourceRef="appeal_heard" targetRef="look_at_appeal"/>
    <bpmn:sequenceFlow id="flow_look_to_ended" sourceRef="look_at_appeal" targetRef="watch_ended"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _watch_task_row(mahalla: Mahalla) -> TaskRow:
    return lambda task: {"mahalla_id": mahalla.id, "district_id": mahalla.district_id, "due_date": local_today()}


def _watch_advanced(mahalla_id: int, record_id: int, instance: Any, before: set[str]) -> None:
    mahalla = db.session.get(Mahalla, mahalla_id)
    sync_tasks(record_id, Subject(WATCH, mahalla_id), instance.ready_user_tasks(), before, _watch_task_row(mahalla))


def _start_watch(mahalla: Mahalla) -> int:
    version = publish_files(WATCH, {"mahalla_watch.bpmn": WATCH_DIAGRAM}, note="a watch of the mahalla")
    instance = run_engine(lambda: Instance.start(library_for(version), {}))
    record_id = add_instance(Subject(WATCH, mahalla.id), version.id, instance)
    db.session.commit()
    return record_id


def test_a_signal_thrown_by_an_appeal_case_reaches_a_waiting_case_of_another_subject_kind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_district = lambda district_id: select(Mahalla.id).where(Mahalla.district_id == district_id).scalar_subquery()  # noqa: E731
    kind = SubjectKind(
        kind=WATCH,
        prefix="watch",
        endpoint="appeals.index",
        id_argument="mahalla_id",
        task_endpoint="tasks.task",
        advanced=_watch_advanced,
        in_district=in_district,
    )
    monkeypatch.setitem(subjects._KINDS, WATCH, kind)  # registered for this test only
    publish_with_signal()
    here = _start_watch(world.mahalla)
    there = _start_watch(world.foreign_mahalla)  # another district
    assert set(waiting_cases(world.district.id)) == {here}  # the delivery query names the other kind's case

    thrower = register(world)
    complete_task(the_task(thrower, "check_registration"), world.inspector, answers("check_registration"))
    run = deliver_signals()

    assert run.signals == 1 and not run.incidents and here in run.delivered and there not in run.delivered
    watch = subject_tasks(Subject(WATCH, world.mahalla.id))
    assert [(t.name, t.role, t.district_id) for t in watch] == [("look_at_appeal", "inspector", world.district.id)]
    assert subject_tasks(Subject(WATCH, world.foreign_mahalla.id)) == []
    heard = [e for e in events_of(Subject(WATCH, world.mahalla.id)) if e.kind == "signal_received"]
    assert [e.data for e in heard] == [{"signal": "new_appeal_registered"}]
    assert events_of(Subject(WATCH, world.foreign_mahalla.id)) == []
    assert db.session.get(ProcessInstance, here).version == 2  # the state written once, guarded


# A case of a kind without a runtime of its own (a thin subject module, as the recipe in
# ARCHITECTURE.md makes them): a mahalla's alarm throws the signal when it starts and again when its
# inspector raises it; the runtime queues what each step threw for the district of its subject.
ALARM = "mahalla_alarm"
ALARM_DIAGRAM = (
    WATCH_DIAGRAM.replace("mahalla_watch", ALARM)
    .replace(
        """    <bpmn:startEvent id="watch_started"/>
    <bpmn:intermediateCatchEvent id="appeal_heard" name="Yangi murojaat">
      <bpmn:signalEventDefinition id="appeal_heard_definition" signalRef="signal_new_appeal"/>
    </bpmn:intermediateCatchEvent>""",
        """    <bpmn:startEvent id="watch_started"/>
    <bpmn:intermediateThrowEvent id="appeal_heard" name="Tumanga xabar">
      <bpmn:signalEventDefinition id="appeal_heard_definition" signalRef="signal_new_appeal"/>
    </bpmn:intermediateThrowEvent>""",
    )
    .replace(
        '<bpmn:endEvent id="watch_ended"/>',
        '<bpmn:intermediateThrowEvent id="alarm_raised">\n'
        '      <bpmn:signalEventDefinition id="alarm_raised_definition" signalRef="signal_new_appeal"/>\n'
        '    </bpmn:intermediateThrowEvent>\n    <bpmn:endEvent id="watch_ended"/>',
    )
    .replace(
        '<bpmn:sequenceFlow id="flow_look_to_ended" sourceRef="look_at_appeal" targetRef="watch_ended"/>',
        '<bpmn:sequenceFlow id="flow_look_to_raised" sourceRef="look_at_appeal" targetRef="alarm_raised"/>\n'
        '    <bpmn:sequenceFlow id="flow_raised_to_ended" sourceRef="alarm_raised" targetRef="watch_ended"/>',
    )
)


def _kind(name: str, advanced: Any = None) -> SubjectKind:
    return SubjectKind(
        kind=name,
        prefix=name,
        endpoint="appeals.index",
        id_argument="mahalla_id",
        task_endpoint="tasks.task",
        advanced=advanced,
        **districts(Mahalla.id, Mahalla.district_id),
    )


def test_a_signal_thrown_by_a_case_of_any_kind_is_queued_for_its_subjects_district(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(subjects._KINDS, WATCH, _kind(WATCH, _watch_advanced))  # registered for this test only
    monkeypatch.setitem(subjects._KINDS, ALARM, _kind(ALARM))
    first = _start_watch(world.mahalla)
    _start_watch(world.foreign_mahalla)  # another district: never reached

    version = publish_files(ALARM, {"mahalla_alarm.bpmn": ALARM_DIAGRAM}, note="an alarm of the mahalla")
    instance = run_engine(lambda: Instance.start(library_for(version), {}))
    alarm = add_instance(Subject(ALARM, world.mahalla.id), version.id, instance, actor_id=world.inspector.id)
    db.session.commit()
    queued = db.session.scalars(select(QueuedSignal).where(QueuedSignal.origin_instance_id == alarm)).all()
    assert [(q.name, q.district_id, q.actor_id) for q in queued] == [
        ("new_appeal_registered", world.district.id, world.inspector.id)
    ]
    run = deliver_signals()
    assert run.delivered == [first] and not run.incidents

    assert world.second_mahalla.district_id == world.district.id
    second = _start_watch(world.second_mahalla)  # waits for the next one
    record, instance = live_instance(Subject(ALARM, world.mahalla.id))
    [task] = instance.ready_user_tasks()
    run_engine(lambda: instance.complete(task.id, {"watch_note": "Xavotir"}))
    save_state(record, instance, actor_id=world.inspector.id)  # what a subject module's step does
    db.session.commit()
    run = deliver_signals()
    assert run.delivered == [second] and not run.incidents
    for mahalla in (world.mahalla, world.second_mahalla):
        assert [t.name for t in subject_tasks(Subject(WATCH, mahalla.id))] == ["look_at_appeal"]
    assert subject_tasks(Subject(WATCH, world.foreign_mahalla.id)) == []
