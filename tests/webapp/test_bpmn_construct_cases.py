"""Each supported BPMN construct in a real case: the construct's test diagram (tests/engine/diagrams,
drawn as bpmn-js draws it) is published as the appeal lifecycle, an appeal is registered, and the
case runs through the application: pending tasks in the right inbox, messages delivered to the
case, timers fired by the worker's timer service, incidents recorded, cases migrated.
The sandbox runs of the same diagrams are in tests/engine/test_bpmn_constructs.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import Instance
from tests.conftest import World
from tests.webapp.cases import event_kinds, pending_names, pending_tasks, register, the_task
from webapp.cases.assignment.service import claim, unclaim
from webapp.cases.instances import StepFailed
from webapp.cases.migration import migrate_case
from webapp.cases.models import ProcessInstance, ProcessVersion
from webapp.cases.tasks.service import inbox
from webapp.cases.timer_service import fire_due_timers
from webapp.cases.versions import APPEAL_PROCESS, decide_with_latest, library_for, publish_files
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task, deliver_case_message
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "tests" / "engine" / "diagrams"
OTHER_CODES = (
    "  <bpmn:process ",
    '  <bpmn:error id="error_other" name="Other" errorCode="OTHER" />\n'
    '  <bpmn:escalation id="escalation_other" name="Other" escalationCode="OTHER" />\n  <bpmn:process ',
)


def diagram(name: str, *replace: tuple[str, str]) -> str:
    text = (DIAGRAMS / name).read_text(encoding="utf-8")
    for old, new in replace:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def as_lifecycle(text: str, process_id: str) -> str:
    """The diagram with its process renamed to the appeal lifecycle, which every new case starts."""
    return text.replace(f'id="{process_id}"', f'id="{APPEAL_PROCESS}"').replace(
        f'processRef="{process_id}"', f'processRef="{APPEAL_PROCESS}"'
    )


def publish(name: str, process_id: str, *replace: tuple[str, str], note: str = "") -> ProcessVersion:
    version = publish_files(
        APPEAL_PROCESS, {name: as_lifecycle(diagram(name, *replace), process_id)}, note=note or name
    )
    db.session.commit()
    return version


def case_of(appeal: Appeal) -> ProcessInstance:
    db.session.expire_all()
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None
    return record


def closed(appeal: Appeal) -> bool:
    db.session.expire_all()
    row = db.session.get(Appeal, appeal.id)
    assert row is not None
    return not row.is_open and case_of(appeal).is_completed


def inbox_ids(user: User) -> set[str]:
    return {t.id for t in inbox(user)}


def later(hours: float) -> dt.datetime:
    return utcnow() + dt.timedelta(hours=hours)


# --- activities -------------------------------------------------------------------------------


def test_an_embedded_sub_process_runs_in_a_case(world: World) -> None:
    publish("embedded_subprocess.bpmn", "home_check")
    appeal = register(world)
    visit = the_task(appeal, "record_visit")
    assert (visit.role, visit.mahalla_id) == ("inspector", world.mahalla.id)
    assert visit.id in inbox_ids(world.inspector) and visit.id not in inbox_ids(world.inspector2)
    complete_task(visit, world.inspector, {"visit_notes": "Oila uyda"})
    assert closed(appeal) and ("case_closed", None) in event_kinds(appeal)


def test_multi_instance_over_a_collection_one_assignable_task_each(world: World) -> None:
    publish("multi_instance.bpmn", "partner_referral", ("in partner_names", 'in ["police", "school", "clinic"]'))
    appeal = register(world)
    tasks = pending_tasks(appeal)
    assert [(t.name, t.role) for t in tasks] == [("partner_answer", "inspector")] * 3
    assert {t.id for t in tasks} <= inbox_ids(world.inspector)
    first = tasks[0]
    if first.assignee_id is not None:
        unclaim(world.inspector, first)
    claim(world.inspector, first)
    db.session.refresh(first)
    assert first.assignee_id == world.inspector.id
    for task, answer in zip(tasks, ("yes", "no", "later"), strict=True):
        assert not closed(appeal)
        complete_task(task, world.inspector, {"answer": answer})
    assert closed(appeal)
    completed = [name for kind, name in event_kinds(appeal) if kind == "task_completed"]
    assert completed == ["partner_answer"] * 3


def test_a_call_activity_runs_a_standard_multi_instance_in_a_case(world: World) -> None:
    files = {
        "collective_reply.bpmn": as_lifecycle(diagram("collective_reply.bpmn"), "collective_reply"),
        "standard_multi_instance.bpmn": diagram("standard_multi_instance.bpmn"),
    }
    publish_files(APPEAL_PROCESS, files, note="call activity")
    db.session.commit()
    appeal = register(world)
    assert pending_names(appeal) == ["notify_applicant", "notify_applicant"]
    for notice in ("phone", "letter"):
        task = pending_tasks(appeal)[0]
        assert task.id in inbox_ids(world.inspector)
        complete_task(task, world.inspector, {"notice": notice})
    assert closed(appeal)


def test_a_business_rule_task_decides_with_the_library_s_table_in_a_case(world: World) -> None:
    files = {
        "routing_rule.bpmn": as_lifecycle(diagram("routing_rule.bpmn"), "routing_rule"),
        "appeal_routing.dmn": (ROOT / "processes" / "appeal_routing.dmn").read_text(encoding="utf-8"),
    }
    version = publish_files(APPEAL_PROCESS, files, note="business rule task")
    db.session.commit()
    appeal = register(world, category="public_safety")
    follow = the_task(appeal, "follow_route")
    assert follow.id in inbox_ids(world.inspector)
    decided = decide_with_latest(APPEAL_PROCESS, "appeal_routing", {"category": "public_safety", "urgency": "normal"})
    data = Instance.restore(library_for(version), case_of(appeal).state).current_data()
    assert data["route"] == decided[0].outputs["route"]
    complete_task(follow, world.inspector, {"route_note": "ok"})
    assert closed(appeal)


def test_a_standard_loop_then_a_conditional_event_and_a_receive_task_in_a_case(world: World) -> None:
    publish("visit_rounds.bpmn", "visit_rounds")
    appeal = register(world)
    for more in (True, True, False):
        complete_task(the_task(appeal, "record_round"), world.inspector, {"more_rounds": more})
    assert pending_names(appeal) == ["follow_up"]
    # the conditional event waits until the case's data says the council agreed
    complete_task(the_task(appeal, "follow_up"), world.inspector, {"council_approved": True})
    assert pending_names(appeal) == [] and not closed(appeal)  # the receive task still waits
    assert deliver_case_message(appeal, "police_report", {"report": "ko'rildi"})
    assert closed(appeal)


def test_a_receive_task_and_a_terminate_end_stop_the_whole_case(world: World) -> None:
    publish("visit_rounds.bpmn", "visit_rounds")
    appeal = register(world)
    complete_task(the_task(appeal, "record_round"), world.inspector, {"more_rounds": False})
    follow_up = the_task(appeal, "follow_up").id
    assert deliver_case_message(appeal, "police_report", {"report": "ko'rildi"})
    assert closed(appeal) and pending_names(appeal) == []
    assert follow_up not in inbox_ids(world.inspector)


def test_a_transaction_and_its_cancel_boundary_in_a_case(world: World) -> None:
    publish("bounded_work.bpmn", "bounded_work")
    done, cancelled = register(world), register(world, applicant_name="Karimova Dilnoza")
    complete_task(the_task(done, "collect_documents"), world.inspector, {"documents_complete": True})
    # manual and plain tasks: a person of the lane confirms them, no form
    complete_task(the_task(done, "hand_over"), world.inspector, {})
    complete_task(the_task(done, "file_copy"), world.inspector, {})
    assert closed(done)
    complete_task(the_task(cancelled, "collect_documents"), world.inspector, {"documents_complete": False})
    assert pending_names(cancelled) == ["notify_cancelled"]
    complete_task(the_task(cancelled, "notify_cancelled"), world.inspector, {"cancel_note": "yetarli emas"})
    assert closed(cancelled)


def test_an_inclusive_gateway_and_a_data_object_in_a_case(world: World) -> None:
    publish("visit_plan.bpmn", "visit_plan")
    both, neither = register(world), register(world, applicant_name="Karimova Dilnoza")
    complete_task(the_task(both, "plan_visits"), world.inspector, {"with_police": True, "with_school": True})
    assert pending_names(both) == ["visit_police", "visit_school"]
    complete_task(the_task(both, "visit_police"), world.inspector, {"police_note": "ko'rildi"})
    assert pending_names(both) == ["visit_school"]  # the join waits for every branch taken
    complete_task(the_task(both, "visit_school"), world.inspector, {"school_note": "ko'rildi"})
    complete_task(the_task(both, "read_summary"), world.inspector, {"summary_read": True})
    assert closed(both)
    complete_task(the_task(neither, "plan_visits"), world.inspector, {"with_police": False, "with_school": False})
    assert pending_names(neither) == ["read_summary"]  # the default flow


# --- event sub-processes, errors, escalations ---------------------------------------------------


def test_an_interrupting_event_sub_process_closes_the_case(world: World) -> None:
    publish("case_events.bpmn", "case_events")
    appeal = register(world)
    inspect = the_task(appeal, "inspect").id
    assert deliver_case_message(appeal, "appeal_withdrawn", {"reason": "hal bo'ldi"}, reopens=False)
    assert closed(appeal) and pending_names(appeal) == []
    assert inspect not in inbox_ids(world.inspector)


def test_a_non_interrupting_event_sub_process_adds_tasks_beside_the_flow(world: World) -> None:
    publish("case_events.bpmn", "case_events")
    appeal = register(world)
    for number in ("2026-000077", "2026-000078"):  # it may start again while the case runs
        assert deliver_case_message(appeal, "related_appeal_arrived", {"number": number})
    assert pending_names(appeal) == ["inspect", "note_related", "note_related"]
    complete_task(the_task(appeal, "inspect"), world.inspector, {"found_problem": False, "needs_supervisor": False})
    assert pending_names(appeal) == ["note_related", "note_related"] and not closed(appeal)
    for note in ("a", "b"):
        complete_task(pending_tasks(appeal)[0], world.inspector, {"related_note": note})
    assert closed(appeal)


def test_an_error_is_caught_by_its_interrupting_boundary_event(world: World) -> None:
    publish("case_events.bpmn", "case_events")
    appeal = register(world)
    complete_task(the_task(appeal, "inspect"), world.inspector, {"found_problem": True, "needs_supervisor": False})
    handle = the_task(appeal, "handle_failure")
    assert handle.role == "supervisor" and handle.id in inbox_ids(world.supervisor)
    assert handle.id not in inbox_ids(world.foreign_supervisor)
    complete_task(handle, world.supervisor, {"failure_note": "qayta tekshirish"})
    assert closed(appeal) and case_of(appeal).status == "running"


def test_an_escalation_is_caught_by_its_non_interrupting_boundary_event(world: World) -> None:
    publish("case_events.bpmn", "case_events")
    appeal = register(world)
    complete_task(the_task(appeal, "inspect"), world.inspector, {"found_problem": False, "needs_supervisor": True})
    inform = the_task(appeal, "inform_supervisor")
    assert inform.id in inbox_ids(world.supervisor) and not closed(appeal)
    complete_task(inform, world.supervisor, {"supervisor_note": "ko'rdim"})
    assert closed(appeal)


@pytest.mark.parametrize(
    ("catch", "answers", "element"),
    [
        (
            ('id="inspection_failed_definition" errorRef="error_inspection_failed"', 'errorRef="error_other"'),
            {"found_problem": True, "needs_supervisor": False},
            "inspection_failed_end",
        ),
        (
            (
                'id="supervisor_told_definition" escalationRef="escalation_supervisor"',
                'escalationRef="escalation_other"',
            ),
            {"found_problem": False, "needs_supervisor": True},
            "tell_supervisor",
        ),
    ],
)
def test_an_error_or_escalation_nothing_catches_is_an_incident(
    world: World, catch: tuple[str, str], answers: dict[str, bool], element: str
) -> None:
    publish("case_events.bpmn", "case_events", OTHER_CODES, catch)
    appeal = register(world)
    inspect = the_task(appeal, "inspect")
    with pytest.raises(StepFailed):
        complete_task(inspect, world.inspector, answers)
    record = case_of(appeal)
    assert record.status == "incident" and record.incident_element == element
    assert pending_names(appeal) == ["inspect"]  # nothing half-done was committed


# --- boundary events, timers, messages, event-based gateway --------------------------------------


@pytest.mark.parametrize("interrupting", [False, True])
def test_a_timer_boundary_event_fired_by_the_timer_service(world: World, interrupting: bool) -> None:
    replace = [('cancelActivity="false"', 'cancelActivity="true"')] if interrupting else []
    publish("events.bpmn", "events_test", *replace)
    appeal = register(world)
    review = the_task(appeal, "review").id
    assert case_of(appeal).next_timer_at is not None
    run = fire_due_timers(now=later(1))
    assert appeal.number in run.fired
    escalate = the_task(appeal, "escalate")
    assert escalate.role == "supervisor" and escalate.id in inbox_ids(world.supervisor)
    assert (review in {t.id for t in pending_tasks(appeal)}) is not interrupting
    assert fire_due_timers(now=later(2)).fired == []  # a timer fires once


def test_a_message_boundary_event_interrupts_the_task(world: World) -> None:
    publish(
        "events.bpmn",
        "events_test",
        ('cancelActivity="false"', 'cancelActivity="true"'),
        (
            '<bpmn:timerEventDefinition id="timer_review_overdue">\n'
            '        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"PT0.2S"</bpmn:timeDuration>\n'
            "      </bpmn:timerEventDefinition>",
            '<bpmn:messageEventDefinition id="timer_review_overdue" messageRef="message_citizen_reply"/>',
        ),
    )
    appeal = register(world)
    assert pending_names(appeal) == ["review"]
    assert deliver_case_message(appeal, "citizen_reply", {"text": "Javob"})
    assert pending_names(appeal) == ["escalate"]


def test_an_intermediate_message_catch_event_waits_for_its_message(world: World) -> None:
    publish("events.bpmn", "events_test")
    appeal = register(world)
    assert not deliver_case_message(appeal, "citizen_reply", {"text": "erta"})  # not waiting yet
    complete_task(the_task(appeal, "review"), world.inspector, {"review_note": "ok"})
    assert not closed(appeal)
    assert deliver_case_message(appeal, "citizen_reply", {"text": "Javob"})
    assert ("message_received", None) in event_kinds(appeal)


def test_an_event_based_gateway_takes_the_message_or_the_timer(world: World) -> None:
    publish("await_outcome.bpmn", "await_outcome")
    by_message, by_timer = register(world), register(world, applicant_name="Karimova Dilnoza")
    assert pending_names(by_message) == [] and not closed(by_message)
    assert deliver_case_message(by_message, "citizen_answered", {"answer": "ha"})
    assert closed(by_message)
    assert fire_due_timers(now=later(48)).fired == []
    assert by_timer.number in fire_due_timers(now=later(24 * 4)).fired
    assert closed(by_timer)
    assert not deliver_case_message(by_timer, "citizen_answered", {})  # the gateway took one event


# --- collaboration -----------------------------------------------------------------------------


def test_pools_of_a_collaboration_exchange_messages_in_a_case(world: World) -> None:
    publish("collaboration.bpmn", "joint_plan")
    appeal = register(world)
    complete_task(the_task(appeal, "draft_plan"), world.inspector, {"plan_text": "Yoshlar bilan uchrashuv"})
    review = the_task(appeal, "review_plan")
    assert review.id in inbox_ids(world.supervisor) and review.id not in inbox_ids(world.inspector)
    complete_task(review, world.supervisor, {"approved": True})
    assert closed(appeal)


# --- migration ---------------------------------------------------------------------------------


def test_a_case_waiting_in_a_multi_instance_and_an_event_sub_process_migrates(world: World) -> None:
    publish("case_events.bpmn", "case_events")
    appeal = register(world)
    assert deliver_case_message(appeal, "related_appeal_arrived", {"number": "2026-000077"})
    before = {(t.id, t.name) for t in pending_tasks(appeal)}
    target = publish(
        "case_events.bpmn", "case_events", ('name="Take the related appeal into account"', 'name="Related appeal"')
    )
    migrate_case(case_of(appeal).id, target, world.admin)
    assert case_of(appeal).process_version_id == target.id
    assert {(t.id, t.name) for t in pending_tasks(appeal)} == before
    assert the_task(appeal, "note_related").title == "Related appeal"
    complete_task(the_task(appeal, "note_related"), world.inspector, {"related_note": "a"})
    complete_task(the_task(appeal, "inspect"), world.inspector, {"found_problem": False, "needs_supervisor": False})
    assert closed(appeal) and ("migrated", None) in event_kinds(appeal)
