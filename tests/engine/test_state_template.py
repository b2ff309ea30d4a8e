"""A stored state as a template: clones with fresh task ids and data restore and run on the engine."""

from __future__ import annotations

import json
import uuid

import pytest

from engine import Instance, state_template

REGISTRATION = {"kind": "ariza", "category": "other", "urgency": "normal", "within_competence": "true"}
ANALYSIS = {"causes": "Qo'shnilar o'rtasidagi nizo.", "severity": "low"}
FIELDS = ("appeal_number", "category", "mahalla", "not_in_the_data")


@pytest.fixture
def case(library, start_data) -> Instance:
    # A '%' and quotes in the data the clones share: the template's text must keep them as they are.
    instance = Instance.start(library, {**start_data, "note": 'Bajarildi: 50% "tez"'})
    instance.complete(instance.ready_user_tasks()[0].id, REGISTRATION)
    return instance  # waiting in analyse_appeal, inside a call activity (a sub-process in the state)


def _all_task_ids(state: str) -> set[str]:
    document = json.loads(state)
    ids = set(document["tasks"])
    for subprocess in document["subprocesses"].values():
        ids |= set(subprocess["tasks"])
    return ids


def _clone(template, number: str, category: str) -> tuple[str, dict[str, str]]:
    new_ids = {old: str(uuid.uuid4()) for old in template.task_ids}
    values = {"appeal_number": number, "category": category, "mahalla": "M-7"}
    return template.render(new_ids, values), new_ids


def test_the_template_knows_every_task_id_and_the_fields_present(case):
    state = case.serialize()
    template = state_template(state, FIELDS)
    assert json.loads(state)["subprocesses"]  # the ids of sub-process tasks are there too
    assert set(template.task_ids) == _all_task_ids(state)
    assert len(template.task_ids) == len(set(template.task_ids)) > 10
    assert template.fields == ("appeal_number", "category", "mahalla")
    # Rendered with its own ids and values, the template gives back the state itself.
    same = template.render(
        {t: t for t in template.task_ids}, {"appeal_number": "2026-000001", "category": "other", "mahalla": "m1"}
    )
    assert json.loads(same) == json.loads(state)


def test_clones_restore_with_their_own_ids_and_data_and_run_on(library, case):
    state = case.serialize()
    template = state_template(state, FIELDS)
    (waiting,) = case.ready_user_tasks()
    first, first_ids = _clone(template, "2026-000777", "utilities")
    second, second_ids = _clone(template, 'Ko\u02bbcha "7"', "minors_youth")

    clones = []
    for text, ids, number, category in (
        (first, first_ids, "2026-000777", "utilities"),
        (second, second_ids, 'Ko\u02bbcha "7"', "minors_youth"),
    ):
        clone = Instance.restore(library, text)
        assert [(t.id, t.name, t.lane) for t in clone.ready_user_tasks()] == [
            (ids[waiting.id], "analyse_appeal", waiting.lane)
        ]
        data = clone.current_data()
        assert (data["appeal_number"], data["category"], data["mahalla"]) == (number, category, "M-7")
        assert data["note"] == 'Bajarildi: 50% "tez"' and data["deadline_term"] == "P15D"
        assert _all_task_ids(text) == set(ids.values())
        clones.append(clone)
    assert not _all_task_ids(first) & _all_task_ids(state)
    assert not _all_task_ids(first) & _all_task_ids(second)

    # A clone completes its task on the engine (also when loaded lazily); the template case is untouched.
    lazy = Instance.load(library, second)
    lazy.complete(second_ids[waiting.id], ANALYSIS)
    assert [t.name for t in lazy.ready_user_tasks()] == ["take_measures"]
    assert lazy.current_data()["category"] == "minors_youth" and lazy.current_data()["stage"] == 3
    assert [t.id for t in case.ready_user_tasks()] == [waiting.id]
    assert [t.id for t in clones[0].ready_user_tasks()] == [first_ids[waiting.id]]


def test_a_field_value_of_another_type_is_written_as_the_engine_writes_data(library, case):
    template = state_template(case.serialize(), ("category", "urgency"))
    new_ids = {old: str(uuid.uuid4()) for old in template.task_ids}
    clone = Instance.restore(library, template.render(new_ids, {"category": None, "urgency": {"level": 3}}))
    assert clone.current_data()["category"] is None
    assert clone.current_data()["urgency"] == {"level": 3}


def test_render_refuses_missing_or_repeated_ids_and_missing_values(case):
    template = state_template(case.serialize(), ("category",))
    ids = {old: str(uuid.uuid4()) for old in template.task_ids}
    with pytest.raises(ValueError, match="same new id"):
        template.render({**ids, template.task_ids[1]: ids[template.task_ids[0]]}, {"category": "other"})
    with pytest.raises(KeyError):
        template.render({k: v for k, v in ids.items() if k != template.task_ids[-1]}, {"category": "other"})
    with pytest.raises(KeyError):
        template.render(ids, {})


def test_a_state_in_an_unknown_format_is_refused(case):
    state = json.loads(case.serialize())
    state["format"] = "something-else"
    with pytest.raises(ValueError, match="unknown workflow state format"):
        state_template(json.dumps(state))
