"""Workflow state is stored without its spec; libraries are identified and cached by content hash."""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: TID251 - comparison only

from engine import Instance, LibraryCache, content_hash, load_library
from engine.compaction import compact
from engine.serialization import ENGINE_CONFIG, STATE_FORMAT, StateSerializer

LANES = ("inspector", "supervisor", "partner")
CHECK_REGISTRATION_DOC = "Murojaatni o'rganib chiqing, uning turi, toifasi va shoshilinchligini belgilang"
REGISTRATION = {"kind": "ariza", "category": "other", "urgency": "normal", "within_competence": "true"}
ANALYSIS = {"causes": "Qo'shnilar o'rtasidagi nizo.", "severity": "low"}


def spiff_full_json(library, state: str) -> str:
    """What SpiffWorkflow's own serializer stores for the same workflow (spec included)."""
    workflow = StateSerializer().loads(state, library.spec, library.subprocess_specs)
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(ENGINE_CONFIG)).serialize_json(workflow)


@pytest.fixture
def case(library, start_data) -> Instance:
    instance = Instance.start(library, start_data)
    instance.complete(instance.ready_user_tasks()[0].id, REGISTRATION)
    return instance  # now waiting in analyse_appeal, inside a call activity


def test_state_has_no_spec(library, case):
    state = case.serialize()
    assert json.loads(state)["format"] == STATE_FORMAT
    assert "task_specs" not in state
    assert CHECK_REGISTRATION_DOC not in state
    assert "Murojaatni tahlil qilish" not in state  # name of the waiting task
    assert "crime_related == True" not in state  # a gateway condition
    full = spiff_full_json(library, state)
    # the comparison is meaningful: SpiffWorkflow's own output does contain all of the above
    assert "task_specs" in full
    assert CHECK_REGISTRATION_DOC in full
    assert "crime_related == True" in full
    # Every case also carries the lifecycle's two armed event sub-processes (withdrawal, related appeal).
    assert len(state) * 3.5 < len(full), (len(state), len(full))


def test_state_keeps_the_case_data(case):
    state = json.loads(case.serialize())
    assert state["data"]["appeal_number"] == "2026-000001"
    assert set(state) >= {"tasks", "root", "subprocesses", "data", "bpmn_events", "format"}
    # subprocesses refer to their spec by name only
    specs = [sub["spec"] for sub in state["subprocesses"].values()]
    assert "appeal_analysis" in specs
    assert set(specs) <= {"appeal_registration", "appeal_analysis", "citizen_withdrawal", "related_appeal_notice"}


def test_restore_with_the_same_library(library, case):
    restored = Instance.restore(library, case.serialize())
    assert [(t.id, t.name, t.lane) for t in restored.ready_user_tasks()] == [
        (t.id, t.name, t.lane) for t in case.ready_user_tasks()
    ]
    assert restored.current_data() == case.current_data()
    assert restored.serialize() == case.serialize()
    # and it runs on
    (task,) = restored.ready_user_tasks()
    assert task.name == "analyse_appeal"
    assert restored.elements_completed() == []
    restored.complete(task.id, ANALYSIS)
    assert restored.elements_completed()[:4] == ["analyse_appeal", "set_deadline", "gw_repeated", "gw_crime"]
    assert [t.name for t in restored.ready_user_tasks()] == ["take_measures"]
    assert restored.current_data()["stage"] == 3


def test_restore_with_a_freshly_loaded_copy_of_the_library(process_files, library, case):
    reloaded = load_library(dict(process_files), "appeal_lifecycle", allowed_lanes=LANES)
    assert reloaded is not library
    assert reloaded.content_hash == library.content_hash
    restored = Instance.restore(reloaded, case.serialize())
    assert restored.current_data() == case.current_data()
    (task,) = restored.ready_user_tasks()
    restored.complete(task.id, ANALYSIS)
    assert [t.name for t in restored.ready_user_tasks()] == ["take_measures"]


def forwarded(library, start_data) -> Instance:
    """A case outside the inspectors' competence, forwarded: finished."""
    instance = Instance.start(library, start_data)
    instance.complete(instance.ready_user_tasks()[0].id, {**REGISTRATION, "within_competence": "false"})
    instance.complete(
        instance.ready_user_tasks()[0].id,
        {"competent_body": "Hokimlik", "forward_date": "2026-01-12", "forward_letter": "Kuzatuv xati matni"},
    )
    assert instance.is_completed
    return instance


def test_completed_case_round_trip(library, start_data):
    instance = forwarded(library, start_data)
    restored = Instance.restore(library, instance.serialize())
    assert restored.is_completed
    assert restored.ready_user_tasks() == []
    assert restored.current_data()["status"] == "forwarded"
    assert restored.current_data() == instance.current_data()


def test_unknown_state_format_is_refused(library, case):
    state = json.loads(case.serialize())
    state["format"] = "something-else"
    with pytest.raises(ValueError, match="unknown workflow state format"):
        Instance.restore(library, json.dumps(state))
    del state["format"]
    with pytest.raises(ValueError, match="unknown workflow state format"):
        Instance.restore(library, json.dumps(state))


# --- content hash ------------------------------------------------------------------------------


def test_content_hash_is_stable(process_files, library):
    first = content_hash(process_files)
    assert first == library.content_hash
    assert len(first) == 64 and int(first, 16) >= 0
    reordered = dict(reversed(list(process_files.items())))
    assert content_hash(reordered) == first
    as_text = {name: data.decode("utf-8") for name, data in process_files.items()}
    assert content_hash(as_text) == first


def test_content_hash_changes_with_content_or_names(process_files):
    first = content_hash(process_files)
    changed = dict(process_files)
    changed["appeal_reply.bpmn"] = changed["appeal_reply.bpmn"].replace(b"stage = 4", b"stage = 4 ")
    assert content_hash(changed) != first
    renamed = dict(process_files)
    renamed["appeal_reply_v2.bpmn"] = renamed.pop("appeal_reply.bpmn")
    assert content_hash(renamed) != first
    fewer = {k: v for k, v in process_files.items() if k != "appeal_reply.bpmn"}
    assert content_hash(fewer) != first
    # names and contents cannot be shuffled between files without changing the hash
    assert content_hash({"a": b"1", "b": b"2"}) != content_hash({"a": b"2", "b": b"1"})
    assert content_hash({"ab": b"c"}) != content_hash({"a": b"bc"})


# --- the cache ---------------------------------------------------------------------------------


def test_library_cache_loads_once_per_hash(process_files, library):
    cache = LibraryCache()
    calls: list[str] = []

    def load():
        calls.append("load")
        return library

    key = content_hash(process_files)
    first = cache.get(key, load)
    second = cache.get(key, load)
    assert first is library
    assert second is first
    assert calls == ["load"]


def test_library_cache_loads_each_hash_and_reloads_after_clear(library):
    cache = LibraryCache()
    loaded: list[str] = []

    def loader(name):
        def load():
            loaded.append(name)
            return library if name == "a" else object()

        return load

    a = cache.get("a", loader("a"))
    b = cache.get("b", loader("b"))
    assert a is library and b is not library
    assert cache.get("b", loader("b")) is b
    assert loaded == ["a", "b"]
    cache.clear()
    assert cache.get("a", loader("a")) is library
    assert loaded == ["a", "b", "a"]


def test_library_cache_drops_least_recently_used():
    cache = LibraryCache(capacity=2)
    loaded: list[str] = []

    def loader(name):
        def load():
            loaded.append(name)
            return {"name": name}

        return load

    a = cache.get("a", loader("a"))
    cache.get("b", loader("b"))
    assert cache.get("a", loader("a")) is a  # "a" is now the most recently used
    cache.get("c", loader("c"))  # evicts "b"
    assert loaded == ["a", "b", "c"]
    assert cache.get("a", loader("a")) is a
    cache.get("b", loader("b"))
    assert loaded == ["a", "b", "c", "b"]


def test_library_cache_failed_load_is_not_cached():
    cache = LibraryCache()

    def broken():
        raise RuntimeError("cannot load")

    with pytest.raises(RuntimeError):
        cache.get("k", broken)
    assert cache.get("k", lambda: "ok") == "ok"


def test_a_step_serializes_the_state_once_and_the_text_is_stored_as_answered(library, case):
    """The text read goes to the engine process as it is; the text it answers is what is stored."""
    state = case.serialize()
    assert case.serialize() is state  # nothing serialized again while this side changed nothing
    restored = Instance.restore(library, state)
    assert restored.serialize() is state
    restored.complete(restored.ready_user_tasks()[0].id, ANALYSIS)
    answered = restored.serialize()
    assert answered != state and restored.serialize() is answered
    assert json.loads(answered)["format"] == STATE_FORMAT
    # The answered text is already compacted: compacting and serializing here gives the same state.
    again = StateSerializer().loads(answered, library.spec, library.subprocess_specs)
    compact(again)
    assert json.loads(StateSerializer().dumps(again)) == json.loads(answered)
    assert [t.name for t in Instance.restore(library, answered).ready_user_tasks()] == [
        t.name for t in restored.ready_user_tasks()
    ]
    assert restored.current_data()["causes"] == ANALYSIS["causes"]


def test_a_change_made_on_this_side_is_serialized_again(library, case):
    state = case.serialize()
    assert case.set_timer_data({"deadline_at": "2099-01-02T00:00:00+05:00"})
    changed = case.serialize()
    assert changed is not state
    assert Instance.restore(library, changed).current_data()["deadline_at"] == "2099-01-02T00:00:00+05:00"


# --- restoring: SpiffWorkflow's task converter, with one object per task id ----------------------


def _states(library, start_data) -> dict[str, str]:
    """States of a new case, one inside a call activity with its timers armed, and a finished one."""
    new = Instance.start(library, {**start_data, "tags": {"a", "b"}})
    waiting = Instance.restore(library, new.serialize())
    waiting.complete(waiting.ready_user_tasks()[0].id, REGISTRATION)
    finished = forwarded(library, start_data)
    return {"new": new.serialize(), "waiting": waiting.serialize(), "finished": finished.serialize()}


def _workflows(workflow) -> list:
    return [workflow, *workflow.subprocesses.values()]


def test_a_restored_state_refers_to_each_task_by_one_id_object(library, start_data):
    """Parents and children are found on every walk of the tree: by identity, not by comparing ids."""
    for name, state in _states(library, start_data).items():
        workflow = StateSerializer().loads(state, library.spec, library.subprocess_specs)
        ids = {id(key) for sub in _workflows(workflow) for key in sub.tasks}
        for sub in _workflows(workflow):
            for key, task in sub.tasks.items():
                assert task.id is key, name
                assert task._parent is None or id(task._parent) in ids, name
                assert all(id(child) in ids for child in task._children), name
        assert len(ids) == sum(len(sub.tasks) for sub in _workflows(workflow))


def test_restore_and_serialization_are_spiffworkflows_own(library, start_data):
    """The same workflow as SpiffWorkflow's converters restore, and the same dictionaries they write."""
    spiff = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(ENGINE_CONFIG))
    ours = StateSerializer()
    for name, state in _states(library, start_data).items():
        restored = ours.loads(state, library.spec, library.subprocess_specs)
        reference = spiff.deserialize_json(spiff_full_json(library, state))
        assert ours.dumps(reference) == state == ours.dumps(restored), name
        assert restored.data == reference.data and restored.last_task.id == reference.last_task.id, name
        assert restored.subprocesses.keys() == reference.subprocesses.keys(), name
        for mine, theirs in zip(_workflows(restored), _workflows(reference), strict=True):
            assert mine.tasks.keys() == theirs.tasks.keys(), name
            assert [t.id for t in mine.get_tasks()] == [t.id for t in theirs.get_tasks()], name
            for task_id, task in mine.tasks.items():
                other = theirs.tasks[task_id]
                assert (task.data, task.internal_data, task.state, task._parent, task._children) == (
                    other.data,
                    other.internal_data,
                    other.state,
                    other._parent,
                    other._children,
                ), (name, task.task_spec.name)
                assert list(ours._serializer.registry.convert(task).items()) == list(
                    spiff.registry.convert(task).items()
                ), (name, task.task_spec.name)
        assert {str(t.id) for t in restored.event_manager.tasks.values()} == {
            str(t.id) for t in reference.event_manager.tasks.values()
        }, name
