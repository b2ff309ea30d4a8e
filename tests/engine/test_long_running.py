"""Long cases do not decay: the live state stays small and the task tree never nears depth 1000.

A complaint's reply sent back 500 times is 1000+ user tasks in one loop; without compaction
SpiffWorkflow 3.2.0 would grow a tree deeper than 1000 and silently stop (no READY task).
"""

from __future__ import annotations

from typing import Any

from engine import Instance, ProcessLibrary

REGISTRATION = {
    "kind": "shikoyat",
    "category": "other",
    "urgency": "normal",
    "anonymous": False,
    "within_competence": True,
}
ANALYSIS = {
    "causes": "Holat joyida o'rganildi.",
    "severity": "low",
    "crime_related": False,
    "social_need": False,
    "extra_study_needed": False,
}
MEASURES = {
    "measures": "legal_advice",
    "measures_description": "Huquqiy maslahat berildi.",
    "measures_date": "2026-11-20",
    "problem_resolved": True,
}
REPLY = {"reply_text": "Hurmatli fuqaro, murojaatingiz ko'rib chiqildi.", "reply_channel": "letter"}


def step(library: ProcessLibrary, state: str, name: str, data: dict[str, Any]) -> str:
    instance = Instance.restore(library, state)
    (task,) = [t for t in instance.ready_user_tasks() if t.name == name]
    instance.complete(task.id, data)
    return instance.serialize()


def test_a_reply_sent_back_500_times_still_runs_with_a_bounded_state(
    library: ProcessLibrary, start_data: dict[str, Any]
) -> None:
    state = Instance.start(library, {**start_data, "kind": "shikoyat"}).serialize()
    for name, data in (("check_registration", REGISTRATION), ("analyse_appeal", ANALYSIS), ("take_measures", MEASURES)):
        state = step(library, state, name, data)
    sizes = []
    for round_number in range(500):
        state = step(library, state, "prepare_reply", REPLY)
        state = step(library, state, "approve_reply", {"reply_approved": False, "reply_comment": f"{round_number}"})
        sizes.append(len(state))
    assert max(sizes) < 1.2 * sizes[0], (sizes[0], max(sizes))

    instance = Instance.restore(library, state)
    assert [t.name for t in instance.ready_user_tasks()] == ["prepare_reply"]
    assert instance.current_data()["reply_comment"] == "499"
    state = step(library, state, "prepare_reply", REPLY)
    state = step(library, state, "approve_reply", {"reply_approved": True})
    state = step(library, state, "record_result", {"result": "explained", "reply_date": "2026-11-22"})
    state = step(library, state, "evaluate_effectiveness", {"effective": True, "effectiveness_score": 3})
    final = Instance.restore(library, state)
    assert final.is_completed
    assert final.current_data()["status"] == "answered"
