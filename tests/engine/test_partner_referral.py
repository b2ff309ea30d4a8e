"""The referral to a partner organisation (processes/partner_referral.bpmn, called from the analysis):
the partner's two tasks, the reminder and escalation timers, and the inspector's withdrawal and
re-routing, on the real diagrams through the engine API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import Instance, ProcessLibrary
from tests.engine.test_appeal_paths import ACKNOWLEDGE, LAW_ENFORCEMENT, OUTCOME, analysis, registration

TASHKENT = dt.timezone(dt.timedelta(hours=5))


def referred(library: ProcessLibrary, start_data: dict[str, Any]) -> Instance:
    """A complaint referred to the police: the partner's acknowledgement waits."""
    instance = Instance.start(library, {**start_data, "kind": "shikoyat"})
    for name, submitted in (
        ("check_registration", registration("shikoyat")),
        ("analyse_appeal", analysis(crime=True)),
        ("refer_law_enforcement", LAW_ENFORCEMENT),
    ):
        (task,) = instance.ready_user_tasks()
        assert task.name == name
        instance.complete(task.id, submitted)
    return instance


def names(instance: Instance) -> list[tuple[str, str | None]]:
    return sorted((t.name, t.lane) for t in instance.ready_user_tasks())


def test_the_partner_acknowledges_and_answers_then_the_case_goes_on(library, start_data):
    instance = referred(library, start_data)
    assert names(instance) == [("acknowledge_referral", "partner")]
    (task,) = instance.ready_user_tasks()
    assert task.prefill["referral_summary"] == "Qo'shnilar o'rtasidagi nizo."
    assert [f.id for f in task.form.fields if f.readonly] == ["referral_summary"]
    instance.complete(task.id, ACKNOWLEDGE)
    (task,) = instance.ready_user_tasks()
    assert task.name == "report_referral_outcome"
    instance.complete(task.id, OUTCOME)
    assert names(instance) == [("take_measures", "inspector")]
    assert instance.current_data()["referral_outcome"] == OUTCOME["referral_outcome"]


def test_an_unanswered_referral_reminds_then_escalates_to_the_supervisor(library, start_data):
    # before the appeal's own deadline (deadline_at), so only the referral escalates
    instance = referred(library, {**start_data, "referral_escalate_at": "2099-03-12T00:00:00+05:00"})
    instance.fire_due_timers(dt.datetime(2099, 3, 9, 1, tzinfo=TASHKENT))
    assert "partner_referral:acknowledge_referral_reminder" in instance.elements_completed(qualified=True)
    assert names(instance) == [("acknowledge_referral", "partner")]  # a reminder does not stop the work
    instance.fire_due_timers(dt.datetime(2099, 3, 12, 1, tzinfo=TASHKENT))
    assert names(instance) == [("acknowledge_referral", "partner"), ("review_overdue_referral", "supervisor")]
    review = next(t for t in instance.ready_user_tasks() if t.name == "review_overdue_referral")
    instance.complete(review.id, {"referral_escalation_decision": "contact_partner_head"})
    assert names(instance) == [("acknowledge_referral", "partner")]  # the partner still owes the answer


def test_the_inspector_withdraws_a_referral(library, start_data):
    instance = referred(library, start_data)
    assert instance.deliver_message("referral_withdrawn", {})
    assert names(instance) == [("take_measures", "inspector")]
    assert not instance.deliver_message("referral_withdrawn", {})  # nothing waits for it any more


def test_the_inspector_reroutes_a_referral_to_another_partner(library, start_data):
    instance = referred(library, start_data)
    assert instance.deliver_message("referral_rerouted", {"partner": "social_protection"})
    (task,) = instance.ready_user_tasks()
    assert task.name == "acknowledge_referral"
    assert instance.current_data()["referral_partner"] == "social_protection"
