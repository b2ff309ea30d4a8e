"""Which timer variables a case's next step can read (engine.timer_reads): the application computes
a timer source's moments (a referral's, which cost database reads) only when this says so."""

from __future__ import annotations

from typing import Any

from engine import Instance, ProcessLibrary
from tests.engine.test_appeal_paths import ACKNOWLEDGE, LAW_ENFORCEMENT, analysis, registration

DEADLINE = {"deadline_at", "reminder_at"}
# The referral diagram's timers read each partner kind's moments: referral_timers[referral_partner][…].
REFERRAL = {"referral_timers", "referral_partner"}


def _complete(instance: Instance, name: str, data: dict[str, Any]) -> None:
    task = next(t for t in instance.ready_user_tasks() if t.name == name)
    instance.complete(task.id, data)


def test_a_referral_s_moments_are_read_only_where_a_step_can_reach_its_timers(
    library: ProcessLibrary, start_data: dict[str, Any]
) -> None:
    instance = Instance.start(library, {**start_data, "kind": "shikoyat"})
    # Registration and analysis cannot reach a referral in one step: the inspector's decision comes first.
    assert instance.timer_reads() >= DEADLINE
    assert not instance.timer_reads() & REFERRAL
    _complete(instance, "check_registration", registration("shikoyat"))
    assert not instance.timer_reads() & REFERRAL
    # Waiting at the inspector's referral: its completion starts the referral, whose timers read
    # the acknowledgement and escalation moments.
    _complete(instance, "analyse_appeal", analysis(crime=True))
    assert [t.name for t in instance.ready_user_tasks()] == ["refer_law_enforcement"]
    assert instance.timer_reads() >= DEADLINE | REFERRAL
    # Inside the referral its waiting timers and the next ones (the answer's) are read.
    _complete(instance, "refer_law_enforcement", LAW_ENFORCEMENT)
    assert instance.timer_reads() >= REFERRAL
    _complete(instance, "acknowledge_referral", ACKNOWLEDGE)
    assert instance.timer_reads() >= REFERRAL


def test_the_end_of_a_called_process_goes_on_after_its_callers(load_modified: Any, start_data: dict[str, Any]) -> None:
    """A step that ends the registration's process continues in the lifecycle: a timer right after
    the registration call (here the analysis reminder's, moved onto a new variable) is reachable."""
    library = load_modified("appeal_analysis.bpmn", ">reminder_at<", ">analysis_reminder_at<")
    instance = Instance.start(library, {**start_data, "kind": "shikoyat", "analysis_reminder_at": "2099-01-01"})
    assert "analysis_reminder_at" in instance.timer_reads()
