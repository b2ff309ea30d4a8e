"""BPMN constructs run end to end by the engine the sandbox uses: embedded and event sub-processes,
multi-instance user tasks, boundary events, errors and escalations caught where drawn.

Every step goes through serialize/restore, as a case does between two requests. The diagrams
under diagrams/ are drawn as bpmn-js draws them (with DI).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine import EngineStepFailed, Instance, ProcessLibrary, load_library

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
LANES = ("inspector", "supervisor", "partner")
COLLECTIVE = ("collective_reply.bpmn", "standard_multi_instance.bpmn")  # a call activity and the process it calls


OTHER_CODES = (
    "  <bpmn:process ",
    '  <bpmn:error id="error_other" name="Other" errorCode="OTHER" />\n'
    '  <bpmn:escalation id="escalation_other" name="Other" escalationCode="OTHER" />\n  <bpmn:process ',
)


def library(name: str, process_id: str, *replace: tuple[str, str]) -> ProcessLibrary:
    text = (DIAGRAMS / name).read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new, 1)
    return load_library({name: text}, process_id, allowed_lanes=LANES)


def saved(instance: Instance) -> Instance:
    return Instance.restore(instance.library, instance.serialize())


def ready(instance: Instance) -> list[tuple[str, str | None]]:
    return sorted((t.name, t.lane) for t in instance.ready_user_tasks())


def complete(instance: Instance, name: str, data: dict[str, Any]) -> Instance:
    task = next(t for t in instance.ready_user_tasks() if t.name == name)
    instance.complete(task.id, data)
    return saved(instance)


@pytest.fixture(scope="module")
def events() -> ProcessLibrary:
    return library("case_events.bpmn", "case_events")


def test_embedded_subprocess_runs() -> None:
    instance = saved(Instance.start(library("embedded_subprocess.bpmn", "home_check"), {}))
    assert ready(instance) == [("record_visit", "inspector")]  # the sub-process's lane
    instance = complete(instance, "record_visit", {"visit_notes": "Oila uyda"})
    assert instance.is_completed
    assert instance.current_data()["visited"] is True and instance.current_data()["visit_notes"] == "Oila uyda"


def test_multi_instance_user_task_has_one_task_per_instance() -> None:
    partners = ["police", "school", "clinic"]
    instance = saved(Instance.start(library("multi_instance.bpmn", "partner_referral"), {"partner_names": partners}))
    tasks = instance.ready_user_tasks()
    assert [(t.name, t.lane) for t in tasks] == [("partner_answer", "inspector")] * 3
    assert len({t.id for t in tasks}) == 3
    for task, answer in zip(tasks, ("yes", "no", "later"), strict=True):
        assert not instance.is_completed
        instance.complete(task.id, {"answer": answer})
        instance = saved(instance)
    assert instance.is_completed
    # each instance's answers are kept in its item of the collection
    assert instance.current_data()["partners"] == [
        {"partner": "police", "answer": "yes"},
        {"partner": "school", "answer": "no"},
        {"partner": "clinic", "answer": "later"},
    ]


def test_sequential_multi_instance_offers_one_task_at_a_time() -> None:
    sequential = library(
        "multi_instance.bpmn",
        "partner_referral",
        (
            "<bpmn:multiInstanceLoopCharacteristics camunda:",
            '<bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:',
        ),
    )
    instance = saved(Instance.start(sequential, {"partner_names": ["police", "school"]}))
    assert len(instance.ready_user_tasks()) == 1
    instance = complete(instance, "partner_answer", {"answer": "yes"})
    assert len(instance.ready_user_tasks()) == 1 and not instance.is_completed
    instance = complete(instance, "partner_answer", {"answer": "no"})
    assert instance.is_completed


def test_a_multi_instance_over_an_empty_collection_passes(events: ProcessLibrary) -> None:
    instance = Instance.start(library("multi_instance.bpmn", "partner_referral"), {"partner_names": []})
    assert instance.is_completed and instance.ready_user_tasks() == []


def test_interrupting_event_subprocess_cancels_the_main_flow(events: ProcessLibrary) -> None:
    instance = saved(Instance.start(events, {}))
    assert ready(instance) == [("inspect", "inspector")]
    assert instance.deliver_message("appeal_withdrawn", {"reason": "hal bo'ldi"})
    instance = saved(instance)
    assert instance.is_completed and ready(instance) == []
    assert instance.current_data()["closed_as"] == "withdrawn"


def test_non_interrupting_event_subprocess_keeps_the_main_flow(events: ProcessLibrary) -> None:
    instance = saved(Instance.start(events, {}))
    assert instance.deliver_message("related_appeal_arrived", {"number": "2026-000077"})
    instance = saved(instance)
    assert ready(instance) == [("inspect", "inspector"), ("note_related", "inspector")]
    assert instance.deliver_message("related_appeal_arrived", {"number": "2026-000078"})  # it may come again
    instance = saved(instance)
    assert ready(instance).count(("note_related", "inspector")) == 2
    instance = complete(instance, "inspect", {"found_problem": False, "needs_supervisor": False})
    assert ready(instance) == [("note_related", "inspector")] * 2 and not instance.is_completed
    instance = complete(instance, "note_related", {"related_note": "a"})
    instance = complete(instance, "note_related", {"related_note": "b"})
    assert instance.is_completed


def test_interrupting_boundary_error_is_caught_where_drawn(events: ProcessLibrary) -> None:
    instance = saved(Instance.start(events, {}))
    instance = complete(instance, "inspect", {"found_problem": True, "needs_supervisor": False})
    assert ready(instance) == [("handle_failure", "supervisor")]
    instance = complete(instance, "handle_failure", {"failure_note": "qayta tekshirish"})
    assert instance.is_completed
    assert "case_done" not in instance.elements_completed()


def test_non_interrupting_escalation_is_caught_and_the_task_goes_on(events: ProcessLibrary) -> None:
    instance = saved(Instance.start(events, {}))
    instance = complete(instance, "inspect", {"found_problem": False, "needs_supervisor": True})
    assert ready(instance) == [("inform_supervisor", "supervisor")]
    assert not instance.is_completed
    instance = complete(instance, "inform_supervisor", {"supervisor_note": "ko'rdim"})
    assert instance.is_completed


def test_an_error_nothing_catches_is_a_failure_on_the_element_that_threw_it() -> None:
    uncaught = library(
        "case_events.bpmn",
        "case_events",
        OTHER_CODES,
        ('id="inspection_failed_definition" errorRef="error_inspection_failed"', 'errorRef="error_other"'),
    )
    instance = saved(Instance.start(uncaught, {}))
    task = instance.ready_user_tasks()[0]
    with pytest.raises(EngineStepFailed) as failure:
        instance.complete(task.id, {"found_problem": True, "needs_supervisor": False})
    assert (failure.value.element_id, failure.value.code) == ("inspection_failed_end", "event.uncaught_error")
    assert failure.value.params == {"name": "Inspection failed", "code": "INSPECTION_FAILED"}


def test_an_escalation_nothing_catches_is_a_failure_too() -> None:
    uncaught = library(
        "case_events.bpmn",
        "case_events",
        OTHER_CODES,
        ('id="supervisor_told_definition" escalationRef="escalation_supervisor"', 'escalationRef="escalation_other"'),
    )
    instance = saved(Instance.start(uncaught, {}))
    task = instance.ready_user_tasks()[0]
    with pytest.raises(EngineStepFailed) as failure:
        instance.complete(task.id, {"found_problem": False, "needs_supervisor": True})
    assert (failure.value.element_id, failure.value.code) == ("tell_supervisor", "event.uncaught_escalation")


def test_standard_multi_instance_runs_over_its_data_input() -> None:
    # loopDataInputRef/inputDataItem/outputDataItem, as SpiffWorkflow's own BPMN parser reads them
    notices = library("standard_multi_instance.bpmn", "applicant_notices")
    instance = saved(Instance.start(notices, {"applicants": ["Aziza", "Bobur", "Dilshod"]}))
    tasks = instance.ready_user_tasks()
    assert [(t.name, t.lane) for t in tasks] == [("notify_applicant", "inspector")] * 3
    for answer in ("phone", "letter", "visit"):
        assert not instance.is_completed
        instance = complete(instance, "notify_applicant", {"notice": answer})
    assert instance.is_completed
    assert instance.current_data()["notices"] == ["phone", "letter", "visit"]


def test_pools_of_a_collaboration_exchange_messages_in_one_case() -> None:
    # A case of either pool's process runs the whole collaboration; each pool's tasks keep their lane.
    for main in ("joint_plan", "district_review"):
        instance = saved(Instance.start(library("collaboration.bpmn", main), {}))
        assert ready(instance) == [("draft_plan", "inspector")]
        instance = complete(instance, "draft_plan", {"plan_text": "Yoshlar bilan uchrashuv"})
        # the proposal reached the district's pool, which started on it
        assert ready(instance) == [("review_plan", "supervisor")]
        assert instance.ready_user_tasks()[0].process_id == "district_review"
        assert instance.current_data()["proposal"] == {"plan_text": "Yoshlar bilan uchrashuv"}
        instance.complete(instance.ready_user_tasks()[0].id, {"approved": True})
        assert instance.is_completed
        path = instance.elements_completed(qualified=True)
        assert path.index("district_review:send_decision") < path.index("joint_plan:decision_received")


def test_a_pool_waiting_for_a_message_the_other_never_sends_keeps_waiting() -> None:
    silent = library(
        "collaboration.bpmn",
        "joint_plan",
        (
            'messageRef="message_plan_decided" camunda:resultVariable',
            'messageRef="message_other" camunda:resultVariable',
        ),
        ("<bpmn:process ", '<bpmn:message id="message_other" name="other" />\n  <bpmn:process '),
    )
    instance = saved(Instance.start(silent, {}))
    instance = complete(instance, "draft_plan", {"plan_text": "reja"})
    instance = complete(instance, "review_plan", {"approved": False})
    assert not instance.is_completed and instance.ready_user_tasks() == []
    assert instance.deliver_message("plan_decided", {"approved": False})  # from outside the case
    assert saved(instance).is_completed


def test_service_and_send_tasks_pass_and_an_event_based_gateway_takes_the_first_event() -> None:
    awaiting = library("await_outcome.bpmn", "await_outcome")
    by_message = saved(Instance.start(awaiting, {}))
    assert not by_message.is_completed and by_message.ready_user_tasks() == []
    assert by_message.deliver_message("citizen_answered", {"answer": "yes"})
    assert saved(by_message).is_completed and by_message.current_data()["outcome"] == "message"
    started = Instance.start(awaiting, {})
    # the send task's message goes to a partner outside the case: recorded, not kept in the state
    assert started.thrown == [{"kind": "message", "name": "question_sent"}]
    assert "question_sent" not in started.serialize()
    by_timer = saved(started)
    due = by_timer.next_timer_due()  # the gateway's timer is what the timer service looks for
    assert due is not None and timedelta(days=2) < due - datetime.now(UTC) <= timedelta(days=3)
    assert not by_timer.deliver_signal("curfew_lifted")  # nothing waits for that one
    by_timer.fire_due_timers(datetime.now(UTC) + timedelta(days=2))
    assert not by_timer.is_completed
    by_timer.fire_due_timers(datetime.now(UTC) + timedelta(days=4))
    assert by_timer.is_completed and by_timer.current_data()["outcome"] == "timer"
    # the gateway took one event: the others no longer wait
    assert not by_timer.deliver_message("citizen_answered", {})


def test_signals_from_outside_and_thrown_signals() -> None:
    by_signal = saved(Instance.start(library("await_outcome.bpmn", "await_outcome"), {}))
    assert by_signal.deliver_signal("district_meeting_held")
    assert saved(by_signal).is_completed and by_signal.current_data()["outcome"] == "signal"
    rounds = saved(Instance.start(library("visit_rounds.bpmn", "visit_rounds"), {}))
    rounds.complete(rounds.ready_user_tasks()[0].id, {"more_rounds": False})
    # nothing in the case catches round_done: it is handed to the application for the other cases
    assert rounds.thrown == [{"kind": "signal", "name": "round_done"}]


def test_a_standard_loop_repeats_while_its_condition_holds() -> None:
    rounds = library("visit_rounds.bpmn", "visit_rounds")
    instance = saved(Instance.start(rounds, {}))
    for more in (True, True, False):
        assert ready(instance) == [("record_round", "inspector")]
        instance = complete(instance, "record_round", {"more_rounds": more})
    assert ready(instance) == [("follow_up", "inspector")]
    capped = saved(Instance.start(rounds, {}))
    for _ in range(5):  # loopMaximum="5"
        capped = complete(capped, "record_round", {"more_rounds": True})
    assert ready(capped) == [("follow_up", "inspector")]


def test_a_conditional_event_waits_until_its_condition_holds() -> None:
    instance = saved(Instance.start(library("visit_rounds.bpmn", "visit_rounds"), {}))
    instance = complete(instance, "record_round", {"more_rounds": False})
    instance = complete(instance, "follow_up", {"council_approved": False})
    assert "council_end" not in instance.elements_completed()
    assert instance.set_timer_data({"council_approved": True})
    assert instance.elements_completed()[-2:] == ["council_agreed", "council_end"]
    assert not instance.is_completed  # the police report is still awaited


def test_a_receive_task_and_a_terminate_end_stop_everything() -> None:
    instance = saved(Instance.start(library("visit_rounds.bpmn", "visit_rounds"), {}))
    instance = complete(instance, "record_round", {"more_rounds": False})
    assert ready(instance) == [("follow_up", "inspector")]
    assert instance.deliver_message("police_report", {"report": "ko'rildi"})
    instance = saved(instance)
    assert instance.is_completed and ready(instance) == []  # the follow-up was terminated with the rest


def test_a_transaction_completes_or_is_cancelled_to_its_boundary() -> None:
    work = library("bounded_work.bpmn", "bounded_work")
    done = saved(Instance.start(work, {}))
    done = complete(done, "collect_documents", {"documents_complete": True})
    assert ready(done) == [("hand_over", "inspector")]
    cancelled = saved(Instance.start(work, {}))
    cancelled = complete(cancelled, "collect_documents", {"documents_complete": False})
    assert ready(cancelled) == [("notify_cancelled", "inspector")]
    cancelled = complete(cancelled, "notify_cancelled", {"cancel_note": "hujjatlar yetarli emas"})
    assert cancelled.is_completed


def test_manual_and_plain_tasks_wait_for_a_person() -> None:
    instance = saved(Instance.start(library("bounded_work.bpmn", "bounded_work"), {}))
    instance = complete(instance, "collect_documents", {"documents_complete": True})
    manual = instance.ready_user_tasks()[0]
    assert (manual.name, manual.lane, manual.form.fields) == ("hand_over", "inspector", ())
    instance = complete(instance, "hand_over", {})
    assert ready(instance) == [("file_copy", "inspector")] and not instance.is_completed
    instance = complete(instance, "file_copy", {})
    assert instance.is_completed


def test_a_signal_starts_a_non_interrupting_event_subprocess_again_and_again() -> None:
    # once started, SpiffWorkflow starts such a sub-process anew on the next signal without a
    # waiting task: the case still waits for the signal (the job that delivers signals asks first)
    by_signal = library(
        "case_events.bpmn",
        "case_events",
        (
            '<bpmn:message id="message_related" name="related_appeal_arrived" />',
            '<bpmn:signal id="signal_related" name="related_appeal_arrived" />',
        ),
        (
            '<bpmn:messageEventDefinition id="related_arrived_definition" messageRef="message_related" />',
            '<bpmn:signalEventDefinition id="related_arrived_definition" signalRef="signal_related" />',
        ),
    )
    instance = saved(Instance.start(by_signal, {}))
    for count in (1, 2):
        assert instance.waits_for_signal("related_appeal_arrived")
        assert not instance.waits_for_signal("round_done")
        assert instance.deliver_signal("related_appeal_arrived")
        instance = saved(instance)
        assert ready(instance).count(("note_related", "inspector")) == count


@pytest.mark.parametrize(
    ("police", "school", "visits"),
    [(True, True, ["visit_police", "visit_school"]), (False, True, ["visit_school"]), (False, False, [])],
)
def test_an_inclusive_gateway_takes_every_true_branch_and_a_data_object_carries_data(
    police: bool, school: bool, visits: list[str]
) -> None:
    plan = library("visit_plan.bpmn", "visit_plan")
    instance = saved(Instance.start(plan, {}))
    instance = complete(instance, "plan_visits", {"with_police": police, "with_school": school})
    assert [name for name, _lane in ready(instance)] == (visits or ["read_summary"])
    for visit in visits:  # the join waits for every branch taken
        instance = complete(instance, visit, {})
    assert ready(instance) == [("read_summary", "inspector")]
    # the script wrote the data object; the task reading it sees it
    assert instance.current_data()["summary"] == {"police": police, "school": school}
    instance = complete(instance, "read_summary", {"summary_read": True})
    assert instance.is_completed


def test_a_call_activity_runs_a_process_of_the_library() -> None:
    files = {name: (DIAGRAMS / name).read_text(encoding="utf-8") for name in COLLECTIVE}
    instance = saved(Instance.start(load_library(files, "collective_reply", allowed_lanes=LANES), {}))
    assert ready(instance) == [("notify_applicant", "inspector")] * 2
    instance = complete(instance, "notify_applicant", {"notice": "phone"})
    instance = complete(instance, "notify_applicant", {"notice": "letter"})
    assert instance.is_completed
