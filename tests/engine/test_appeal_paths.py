"""Every path through the appeal diagrams, driven through the engine API only.

After every step the case is serialized and restored; the restored instance must show the same
ready tasks and data as the original, and the case then continues on the restored instance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from engine import Instance, ProcessLibrary

CALL_ACTIVITIES = ["call_registration", "call_analysis", "call_resolution", "call_reply", "call_monitoring"]


# --- form submissions, one builder per user task --------------------------------------------


def registration(kind: str = "ariza", *, anonymous: bool = False, within_competence: bool = True) -> dict[str, Any]:
    return {
        "kind": kind,
        "category": "other",
        "urgency": "normal",
        "anonymous": "on" if anonymous else "",
        # an unchecked checkbox is simply not submitted; "false" is what an API client sends
        "within_competence": "true" if within_competence else "false",
        "registration_note": "",
    }


def conclusion(text: str = "Anonim murojaat, manzil ko'rsatilmagan.") -> dict[str, Any]:
    return {"conclusion_text": text}


def approve_conclusion(approved: bool, comment: str = "") -> dict[str, Any]:
    return {"conclusion_approved": approved, "supervisor_comment": comment}


FORWARD = {
    "competent_body": "Tuman hokimligi",
    "forward_date": "2026-01-12",
    "forward_letter": "Murojaat vakolatga ko'ra yuborildi.",
    "applicant_notified": "on",
}


def analysis(*, crime: bool = False, social: bool = False, extra_study: bool = False) -> dict[str, Any]:
    return {
        "causes": "Qo'shnilar o'rtasidagi nizo.",
        "severity": "medium",
        "crime_related": crime,
        "social_need": social,
        "extra_study_needed": extra_study,
        "related_appeals": "",
    }


LAW_ENFORCEMENT = {"law_enforcement_body": "Tuman IIB", "referral_date": "2026-01-13", "referral_number": "17/45"}
SOCIAL_SERVICES = {"social_service": "social_protection", "social_referral_note": "Moddiy yordam"}
ACKNOWLEDGE = {"referral_responsible": "Navbatchi inspektor A. Karimov"}
OUTCOME = {"referral_outcome": "Profilaktik suhbat o'tkazildi.", "referral_outcome_date": "2026-01-15"}
MEASURES = {
    "measures": "prevention_talk",
    "measures_description": "Profilaktik suhbat o'tkazildi.",
    "measures_date": "2026-01-14",
    "personal_data_protected": True,
    "problem_resolved": True,
}
PROPOSAL = {"proposal_accepted": True, "implementation_plan": "Yig'inda muhokama qilinadi."}
REPLY = {"reply_text": "Murojaatingiz ko'rib chiqildi va choralar ko'rildi.", "reply_channel": "letter"}


def approve_reply(approved: bool, comment: str = "") -> dict[str, Any]:
    return {"reply_approved": approved, "reply_comment": comment}


RESULT = {"result": "satisfied", "reply_date": "2026-01-20", "result_note": ""}
EFFECTIVENESS = {"effective": True, "effectiveness_score": "4", "recurring_issue": False, "recommendation": ""}


# --- driving a case -------------------------------------------------------------------------


def snapshot(instance: Instance) -> tuple[list[tuple[str, str, str | None]], dict[str, Any]]:
    return [(t.name, t.id, t.lane) for t in instance.ready_user_tasks()], instance.current_data()


@dataclass
class Run:
    instance: Instance
    steps: list[tuple[str, str | None]] = field(default_factory=list)
    stages: list[int] = field(default_factory=list)
    data_seen: list[dict[str, Any]] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return self.instance.current_data()

    def called(self) -> list[str]:
        return [e for e in self.elements if e.startswith("call_")]


def round_trip(library: ProcessLibrary, instance: Instance) -> Instance:
    """Serialize and restore; neither may change what the case shows."""
    before = snapshot(instance)
    completed = instance.is_completed
    restored = Instance.restore(library, instance.serialize())
    assert snapshot(restored) == before
    assert snapshot(instance) == before  # serializing does not change the live case either
    assert restored.is_completed == completed
    assert restored.elements_completed() == []  # history is counted from the restore on
    return restored


def drive(
    library: ProcessLibrary,
    start: Mapping[str, Any],
    submissions: Sequence[tuple[str, Mapping[str, Any]]],
) -> Run:
    """Complete the listed tasks in order; each must be the single ready task when its turn comes.

    ``Run.elements`` collects ``elements_completed()`` of every step, i.e. the whole path.
    """
    instance = Instance.start(library, start)
    run = Run(instance, elements=instance.elements_completed())
    instance = round_trip(library, instance)
    for expected_name, submitted in submissions:
        ready = instance.ready_user_tasks()
        assert [t.name for t in ready] == [expected_name], f"after {run.steps}"
        task = ready[0]
        data = instance.current_data()
        run.steps.append((task.name, task.lane))
        run.stages.append(data["stage"])
        run.data_seen.append(data)
        clean = instance.complete(task.id, submitted)
        assert set(clean) == {f.id for f in task.form.fields if not f.readonly}
        run.elements.extend(instance.elements_completed())
        instance = round_trip(library, instance)
        run.instance = instance
    assert instance.ready_user_tasks() == []
    assert instance.is_completed
    return run


# --- the paths ------------------------------------------------------------------------------


def test_anonymous_rejected_after_one_supervisor_rejection(library, start_data):
    run = drive(
        library,
        start_data,
        [
            ("check_registration", registration(anonymous=True)),
            ("write_conclusion", conclusion("Birinchi xulosa: manzil yo'q.")),
            ("approve_conclusion", approve_conclusion(False, "Asoslarni to'liqroq yozing")),
            ("write_conclusion", conclusion("Ikkinchi xulosa: ism va manzil ko'rsatilmagan.")),
            ("approve_conclusion", approve_conclusion(True)),
        ],
    )
    assert run.steps == [
        ("check_registration", "inspector"),
        ("write_conclusion", "inspector"),
        ("approve_conclusion", "supervisor"),
        ("write_conclusion", "inspector"),
        ("approve_conclusion", "supervisor"),
    ]
    assert run.stages == [1, 1, 1, 1, 1]
    # the rejected draft is visible to the inspector on the second round
    assert run.data_seen[3]["conclusion_approved"] is False
    assert run.data_seen[3]["supervisor_comment"] == "Asoslarni to'liqroq yozing"
    data = run.data
    assert data["status"] == "rejected"
    assert data["outcome"] == "unconsidered"
    assert data["stage"] == 1
    assert data["conclusion_text"] == "Ikkinchi xulosa: ism va manzil ko'rsatilmagan."
    assert "closed" not in data
    assert run.called() == ["call_registration"]
    elements = run.elements
    assert "end_unconsidered" in elements
    assert elements.count("write_conclusion") == 2
    assert elements.count("approve_conclusion") == 2
    assert "mark_unconsidered" in elements
    for later in ("call_analysis", "analyse_appeal", "mark_accepted", "forward_appeal"):
        assert later not in elements


def test_anonymous_and_outside_competence_anonymous_wins(library, start_data):
    run = drive(
        library,
        start_data,
        [
            ("check_registration", registration(anonymous=True, within_competence=False)),
            ("write_conclusion", conclusion()),
            ("approve_conclusion", approve_conclusion(True)),
        ],
    )
    assert run.steps == [
        ("check_registration", "inspector"),
        ("write_conclusion", "inspector"),
        ("approve_conclusion", "supervisor"),
    ]
    assert run.data["status"] == "rejected"
    assert run.data["within_competence"] is False
    assert run.data["anonymous"] is True
    assert run.called() == ["call_registration"]
    assert "forward_appeal" not in run.elements


def test_outside_competence_is_forwarded(library, start_data):
    run = drive(
        library,
        start_data,
        [
            ("check_registration", registration(within_competence=False)),
            ("forward_appeal", FORWARD),
        ],
    )
    assert run.steps == [("check_registration", "inspector"), ("forward_appeal", "inspector")]
    data = run.data
    assert data["status"] == "forwarded"
    assert data["outcome"] == "forwarded"
    assert data["competent_body"] == "Tuman hokimligi"
    assert data["forward_date"] == "2026-01-12"
    assert data["applicant_notified"] is True
    assert run.called() == ["call_registration"]
    elements = run.elements
    assert "mark_forwarded" in elements
    assert "call_analysis" not in elements
    assert "write_conclusion" not in elements


def test_ariza_standard_path_through_all_stages(library, start_data):
    run = drive(
        library,
        start_data,
        [
            ("check_registration", registration("ariza")),
            ("analyse_appeal", analysis()),
            ("take_measures", MEASURES),
            ("prepare_reply", REPLY),
            ("record_result", RESULT),
            ("evaluate_effectiveness", EFFECTIVENESS),
        ],
    )
    assert run.steps == [
        ("check_registration", "inspector"),
        ("analyse_appeal", "inspector"),
        ("take_measures", "inspector"),
        ("prepare_reply", "inspector"),
        ("record_result", "inspector"),
        ("evaluate_effectiveness", "supervisor"),
    ]
    assert run.stages == [1, 2, 3, 4, 4, 5]
    assert [d["status"] for d in run.data_seen] == [
        "registered",
        "under_review",
        "under_review",
        "resolved",
        "resolved",
        "answered",
    ]
    data = run.data
    assert data["status"] == "answered"
    assert data["closed"] is True
    assert data["deadline_term"] == "P15D"
    assert data["outcome"] == "accepted"
    assert data["stage"] == 5
    assert data["effectiveness_score"] == 4
    assert data["measures_date"] == "2026-01-14"
    # the start data is carried through every call activity
    assert data["appeal_number"] == "2026-000001"
    assert data["mahalla"] == "m1"
    assert data["channel"] == "walk_in"
    assert run.called() == CALL_ACTIVITIES
    assert run.elements == [
        *("start_event", "start_event", "init_registration", "check_registration", "gw_registration_route"),
        *("mark_accepted", "end_accepted", "call_registration", "gw_registration_outcome"),
        *("start_event", "start_analysis", "analyse_appeal", "set_deadline", "gw_repeated", "gw_crime"),
        *("gw_crime_join", "gw_social", "gw_social_join", "end_event", "call_analysis", "gw_analysis_outcome"),
        *("start_event", "start_resolution", "gw_kind", "take_measures", "gw_kind_join", "mark_resolved"),
        *("end_event", "call_resolution"),
        *("start_event", "start_reply", "prepare_reply", "gw_needs_approval", "gw_reply_join", "record_result"),
        *("mark_answered", "end_event", "call_reply"),
        *("start_event", "start_monitoring", "evaluate_effectiveness", "mark_closed", "end_event", "call_monitoring"),
        *("gw_reopened", "end_closed"),
    ]
    elements = run.elements
    for skipped in ("evaluate_proposal", "approve_reply", "refer_law_enforcement", "refer_social_services"):
        assert skipped not in elements
    assert elements.index("take_measures") < elements.index("prepare_reply") < elements.index("record_result")


def test_taklif_is_evaluated_not_measured(library, start_data):
    run = drive(
        library,
        {**start_data, "kind": "taklif"},
        [
            ("check_registration", registration("taklif")),
            ("analyse_appeal", analysis()),
            ("evaluate_proposal", PROPOSAL),
            ("prepare_reply", REPLY),
            ("record_result", RESULT),
            ("evaluate_effectiveness", EFFECTIVENESS),
        ],
    )
    assert run.steps == [
        ("check_registration", "inspector"),
        ("analyse_appeal", "inspector"),
        ("evaluate_proposal", "inspector"),
        ("prepare_reply", "inspector"),
        ("record_result", "inspector"),
        ("evaluate_effectiveness", "supervisor"),
    ]
    assert run.stages == [1, 2, 3, 4, 4, 5]
    data = run.data
    assert data["deadline_term"] == "P1M"
    assert data["proposal_accepted"] is True
    assert data["status"] == "answered"
    assert data["closed"] is True
    assert "measures" not in data
    assert run.called() == CALL_ACTIVITIES
    assert "take_measures" not in run.elements


def test_shikoyat_crime_social_and_reply_rejection(library, start_data):
    run = drive(
        library,
        {**start_data, "kind": "shikoyat"},
        [
            ("check_registration", registration("shikoyat")),
            ("analyse_appeal", analysis(crime=True, social=True)),
            ("refer_law_enforcement", LAW_ENFORCEMENT),
            ("acknowledge_referral", ACKNOWLEDGE),
            ("report_referral_outcome", OUTCOME),
            ("refer_social_services", SOCIAL_SERVICES),
            ("acknowledge_referral", ACKNOWLEDGE),
            ("report_referral_outcome", {**OUTCOME, "not_our_competence": True}),
            ("take_measures", MEASURES),
            ("prepare_reply", REPLY),
            ("approve_reply", approve_reply(False, "Javobni aniqlashtiring")),
            ("prepare_reply", {**REPLY, "reply_text": "Aniqlashtirilgan javob matni, choralar ko'rildi."}),
            ("approve_reply", approve_reply(True)),
            ("record_result", RESULT),
            ("evaluate_effectiveness", EFFECTIVENESS),
        ],
    )
    assert run.steps == [
        ("check_registration", "inspector"),
        ("analyse_appeal", "inspector"),
        ("refer_law_enforcement", "inspector"),
        ("acknowledge_referral", "partner"),
        ("report_referral_outcome", "partner"),
        ("refer_social_services", "inspector"),
        ("acknowledge_referral", "partner"),
        ("report_referral_outcome", "partner"),
        ("take_measures", "inspector"),
        ("prepare_reply", "inspector"),
        ("approve_reply", "supervisor"),
        ("prepare_reply", "inspector"),
        ("approve_reply", "supervisor"),
        ("record_result", "inspector"),
        ("evaluate_effectiveness", "supervisor"),
    ]
    assert run.stages == [1, 2, 2, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4, 5]
    # the partner sees the shared summary the diagram prepared, and the answer comes back to the case
    assert run.data_seen[3]["referral_summary"] == "Qo'shnilar o'rtasidagi nizo."
    assert run.data_seen[3]["referral_partner"] == "police"
    assert run.data_seen[6]["referral_partner"] == "social_protection"
    assert run.data_seen[8]["referral_outcome"] == "Profilaktik suhbat o'tkazildi."
    assert run.data_seen[11]["reply_comment"] == "Javobni aniqlashtiring"
    data = run.data
    assert data["status"] == "answered"
    assert data["closed"] is True
    assert data["deadline_term"] == "P15D"
    assert data["law_enforcement_body"] == "Tuman IIB"
    assert data["social_service"] == "social_protection"
    assert data["reply_approved"] is True
    assert data["reply_text"] == "Aniqlashtirilgan javob matni, choralar ko'rildi."
    assert [name for name in run.called() if name in CALL_ACTIVITIES] == CALL_ACTIVITIES
    assert run.called().count("call_law_referral") == run.called().count("call_social_referral") == 1
    elements = run.elements
    assert elements.count("prepare_reply") == 2
    assert elements.count("approve_reply") == 2


def test_ariza_with_extra_study_gets_one_month(library, start_data):
    run = drive(
        library,
        start_data,
        [
            ("check_registration", registration("ariza")),
            ("analyse_appeal", analysis(extra_study=True)),
            ("take_measures", MEASURES),
            ("prepare_reply", REPLY),
            ("record_result", RESULT),
            ("evaluate_effectiveness", EFFECTIVENESS),
        ],
    )
    assert [name for name, _ in run.steps] == [
        "check_registration",
        "analyse_appeal",
        "take_measures",
        "prepare_reply",
        "record_result",
        "evaluate_effectiveness",
    ]
    assert run.data_seen[1]["deadline_term"] == "P15D"
    assert run.data_seen[2]["deadline_term"] == "P1M"
    assert run.data["deadline_term"] == "P1M"
    assert run.data["extra_study_needed"] is True
    assert run.data["status"] == "answered"
    assert run.called() == CALL_ACTIVITIES


def test_reclassified_taklif_gets_one_month(library, start_data):
    run = drive(
        library,
        start_data,  # arrives as ariza
        [
            ("check_registration", registration("taklif")),
            ("analyse_appeal", analysis()),
            ("evaluate_proposal", PROPOSAL),
            ("prepare_reply", REPLY),
            ("record_result", RESULT),
            ("evaluate_effectiveness", EFFECTIVENESS),
        ],
    )
    assert run.data["kind"] == "taklif"
    assert run.data["deadline_term"] == "P1M"


# --- the API around the steps ---------------------------------------------------------------


def test_first_task_prefill_and_metadata(library, start_data):
    instance = Instance.start(library, start_data)
    (task,) = instance.ready_user_tasks()
    assert task.name == "check_registration"
    assert task.process_id == "appeal_registration"
    assert task.title == "Murojaatni tekshirish va tasniflash"
    assert task.documentation.startswith("Murojaatni o'rganib chiqing")
    assert dict(task.prefill) == {
        "kind": "ariza",
        "category": "other",
        "urgency": "normal",
        "anonymous": False,
        "within_competence": True,
        "registration_note": None,
    }
    assert instance.current_data()["status"] == "registered"
    # the lifecycle's and the registration's start events, then the registration script
    assert instance.elements_completed() == ["start_event", "start_event", "init_registration"]


def test_completing_unknown_or_finished_task_is_refused(library, start_data):
    from engine import FormInvalid, TaskNotReady

    instance = Instance.start(library, start_data)
    (task,) = instance.ready_user_tasks()
    with pytest.raises(TaskNotReady):
        instance.complete("not-a-uuid", {})
    with pytest.raises(TaskNotReady):
        instance.complete("00000000-0000-0000-0000-000000000000", {})
    with pytest.raises(FormInvalid) as info:
        instance.complete(task.id, {"kind": "ariza"})
    assert {(e.field, e.code) for e in info.value.errors} == {("category", "required"), ("urgency", "required")}
    assert [t.id for t in instance.ready_user_tasks()] == [task.id]
    instance.complete(task.id, registration())
    with pytest.raises(TaskNotReady):
        instance.complete(task.id, registration())
