"""The referral to a partner organisation (processes/partner_referral.bpmn, called from the analysis):
the partner's two tasks, the reminder and escalation timers, and the inspector's withdrawal and
re-routing, on the real diagrams through the engine API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import Instance, ProcessLibrary
from tests.engine.test_appeal_paths import (
    ACKNOWLEDGE,
    LAW_ENFORCEMENT,
    OUTCOME,
    SOCIAL_SERVICES,
    analysis,
    registration,
)

TASHKENT = dt.timezone(dt.timedelta(hours=5))


def referred(library: ProcessLibrary, start_data: dict[str, Any], also: dict[str, bool] | None = None) -> Instance:
    """A complaint referred to the police (and to the partners ``also`` names): the partners'
    acknowledgements wait."""
    instance = Instance.start(library, {**start_data, "kind": "shikoyat"})
    for name, submitted in (
        ("check_registration", registration("shikoyat")),
        ("analyse_appeal", analysis(crime=True)),
        ("refer_law_enforcement", {**LAW_ENFORCEMENT, **(also or {})}),
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
    instance = referred(
        library,
        {
            **start_data,
            "referral_timers": {
                **start_data["referral_timers"],
                "police": {**start_data["referral_timers"]["police"], "escalate_at": "2099-03-12T00:00:00+05:00"},
            },
        },
    )
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
    assert not instance.deliver_message("referral_withdrawn", {"referral_partner": "health"})  # not this one's
    assert instance.deliver_message("referral_withdrawn", {"referral_partner": "police"})
    assert names(instance) == [("take_measures", "inspector")]
    assert not instance.deliver_message("referral_withdrawn", {"referral_partner": "police"})  # nothing waits


def test_the_inspector_reroutes_a_referral_to_another_partner(library, start_data):
    instance = referred(library, start_data)
    assert instance.deliver_message("referral_rerouted", {"referral_partner": "police", "partner": "social_protection"})
    (task,) = instance.ready_user_tasks()
    assert task.name == "acknowledge_referral"
    assert task.variables["referral_partner"] == "social_protection"


TWO = {"law_also_social_protection": True}


def partner_tasks(instance: Instance) -> dict[str, Any]:
    """The partners' waiting tasks, by the partner each instance serves."""
    return {t.variables["referral_partner"]: t for t in instance.ready_user_tasks() if t.lane == "partner"}


def test_two_partners_each_answer_and_the_case_goes_on_after_both(library, start_data):
    instance = referred(library, start_data, TWO)
    assert instance.current_data()["referral_partners"] == ["police", "social_protection"]
    tasks = partner_tasks(instance)
    assert sorted(tasks) == ["police", "social_protection"]
    assert {t.name for t in tasks.values()} == {"acknowledge_referral"}
    instance.complete(tasks["police"].id, ACKNOWLEDGE)
    instance.complete(partner_tasks(instance)["police"].id, OUTCOME)
    # the police answered; social protection still owes its answer, so the analysis waits
    assert names(instance) == [("acknowledge_referral", "partner")]
    social = partner_tasks(instance)["social_protection"]
    instance.complete(social.id, ACKNOWLEDGE)
    instance.complete(partner_tasks(instance)["social_protection"].id, OUTCOME)
    assert names(instance) == [("take_measures", "inspector")]


def test_one_of_two_overdue_escalates_while_the_other_is_answered(library, start_data):
    timers = dict(start_data["referral_timers"])
    timers["social_protection"] = {**timers["social_protection"], "escalate_at": "2099-03-12T00:00:00+05:00"}
    instance = referred(library, {**start_data, "referral_timers": timers}, TWO)
    police = partner_tasks(instance)["police"]
    instance.complete(police.id, ACKNOWLEDGE)
    instance.complete(partner_tasks(instance)["police"].id, OUTCOME)
    instance.fire_due_timers(dt.datetime(2099, 3, 12, 1, tzinfo=TASHKENT))
    reminded = [e for e in instance.elements_completed(qualified=True) if e.endswith("_reminder")]
    assert reminded == ["partner_referral:acknowledge_referral_reminder"]  # one instance still waits to acknowledge
    assert names(instance) == [("acknowledge_referral", "partner"), ("review_overdue_referral", "supervisor")]
    (review,) = [t for t in instance.ready_user_tasks() if t.name == "review_overdue_referral"]
    assert review.variables["referral_partner"] == "social_protection"


def test_withdrawing_one_of_two_leaves_the_other_running(library, start_data):
    instance = referred(library, start_data, TWO)
    assert instance.deliver_message("referral_withdrawn", {"referral_partner": "social_protection"})
    assert list(partner_tasks(instance)) == ["police"]
    police = partner_tasks(instance)["police"]
    instance.complete(police.id, ACKNOWLEDGE)
    instance.complete(partner_tasks(instance)["police"].id, OUTCOME)
    assert names(instance) == [("take_measures", "inspector")]


def test_rerouting_one_of_two_leaves_the_other_waiting(library, start_data):
    instance = referred(library, start_data, TWO)
    police = partner_tasks(instance)["police"]
    instance.complete(police.id, ACKNOWLEDGE)
    assert instance.deliver_message("referral_rerouted", {"referral_partner": "social_protection", "partner": "health"})
    tasks = partner_tasks(instance)
    assert sorted(tasks) == ["health", "police"]
    assert tasks["police"].name == "report_referral_outcome"  # the police's work is untouched
    assert tasks["health"].name == "acknowledge_referral"


def test_the_social_referral_goes_to_the_chosen_service_and_the_others_ticked(library, start_data):
    instance = Instance.start(library, {**start_data, "kind": "ariza"})
    for name, submitted in (
        ("check_registration", registration("ariza")),
        ("analyse_appeal", analysis(social=True)),
        (
            "refer_social_services",
            {**SOCIAL_SERVICES, "social_also_health": True, "social_also_social_protection": True},
        ),
    ):
        (task,) = instance.ready_user_tasks()
        assert task.name == name
        instance.complete(task.id, submitted)
    assert sorted(partner_tasks(instance)) == ["health", "social_protection"]  # the chosen one once
