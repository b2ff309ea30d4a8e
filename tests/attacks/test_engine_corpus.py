"""Every hostile piece of code, in every place diagram code runs: refused by the validator when it
can be seen, and — as if the validator had let it through — stopped by the runtime with a coded
problem within its limits, the worker replaced and the next case unharmed."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from engine import DiagramError, EngineStepFailed, Instance, load_library, sandbox, validate_library
from engine.decisions import DecisionFailed, decide_many
from engine.library import ProcessLibrary
from tests.attacks.conftest import TIME_BOUND
from tests.attacks.corpus import EXPRESSIONS, REPRESENTATIVE, SCRIPTS, Attack
from tests.attacks.diagrams import (
    ARMED,
    DECISION_ID,
    ELEMENT,
    MORE_POSITIONS,
    POSITIONS,
    PROCESS_ID,
    files_for,
    form_default_bpmn,
    script_bpmn,
)

pytestmark = [pytest.mark.attack, pytest.mark.usefixtures("attack_limits")]

CASES = [(attack, position) for attack in EXPRESSIONS for position in POSITIONS]
CASES += [(attack, "script_body") for attack in SCRIPTS]
CASES += [(attack, position) for attack in REPRESENTATIVE for position in MORE_POSITIONS]
# Codes that say the runtime refused or stopped the code (never engine.unknown, never a hang).
STOPPED = {
    "script.too_large",
    "script.timeout",
    "script.undefined_name",
    "script.failed",
    "sandbox.time_limit",
    "sandbox.memory_limit",
    "data.field_too_large",
    "data.too_large",
    "data.too_deep",
}


def _files(attack: Attack, position: str) -> dict[str, str]:
    if position == "script_body":
        return {"attack.bpmn": script_bpmn(attack.code)}
    return files_for(position, attack.code)


def _unchecked_library(files: dict[str, str]) -> ProcessLibrary:
    """The library as if the validator had let everything through."""
    return load_library(files, PROCESS_ID, validate_xsd=False, lint=False)


@pytest.mark.parametrize(("attack", "position"), CASES, ids=[f"{a.name}-{p}" for a, p in CASES])
def test_the_validator_refuses_what_it_can_see(attack: Attack, position: str) -> None:
    report = validate_library(_files(attack, position), PROCESS_ID)
    if attack.static:
        assert report.errors, "the validator let it through"
        assert all(p.code != "engine.unknown" for p in report.errors), report.errors
        assert any(p.element_id for p in report.errors), "the problem names no element"


@pytest.mark.parametrize(("attack", "position"), CASES, ids=[f"{a.name}-{p}" for a, p in CASES])
def test_the_runtime_stops_it_without_the_validator(attack: Attack, position: str) -> None:
    started = time.monotonic()
    try:
        library = _unchecked_library(_files(attack, position))
        with pytest.raises(EngineStepFailed) as info:
            instance = Instance.start(library, {"x": "1", ARMED: False})
            if position == "timer_job":  # what the timer job does once the timer's data changed
                assert not instance.is_completed and instance.next_timer_due() is not None
                instance.set_timer_data({ARMED: True})
    except DiagramError as exc:
        # SpiffWorkflow's own DMN parser compiles expressions when the tables are read.
        assert attack.static and position.startswith("dmn"), exc
        return
    elapsed = time.monotonic() - started
    assert elapsed < TIME_BOUND, f"took {elapsed:.1f} s"
    failure = info.value
    assert failure.code.startswith(("script.", "sandbox.", "data.")), (failure.code, failure.params)
    assert failure.code in STOPPED or attack.static, (failure.code, failure.params)
    expected = ELEMENT["script"] if position == "script_body" else ELEMENT[position]
    assert failure.element_id in (expected, "attack_gateway", DECISION_ID, None), failure.element_id


@pytest.mark.parametrize("attack", EXPRESSIONS, ids=[a.name for a in EXPRESSIONS])
def test_decisions_for_pages_stop_it_too(attack: Attack) -> None:
    files = {"attack.dmn": files_for("dmn_input", attack.code)["attack.dmn"]}
    files_out = {"attack.dmn": files_for("dmn_output", attack.code)["attack.dmn"]}
    for dmn_files in (files, files_out):
        started = time.monotonic()
        try:
            decide_many(dmn_files, DECISION_ID, [{"x": "1"}, {"x": "2"}])
        except DecisionFailed as exc:
            assert exc.code.startswith(("script.", "sandbox.", "data.", "decision.")), (exc.code, exc.params)
        except DiagramError:  # refused when the tables are parsed (the validator's checks)
            assert attack.static
        else:
            pytest.fail("the decision ran")
        assert time.monotonic() - started < TIME_BOUND


def _children() -> list[int]:
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_after_the_corpus_the_engine_still_runs_cases_and_leaves_no_stray_process() -> None:
    library = _unchecked_library({"attack.bpmn": script_bpmn("result = sum(range(10))")})
    instance = Instance.start(library, {"x": "1"})
    assert instance.is_completed
    assert instance.current_data()["result"] == 45
    assert len(_children()) <= 5  # the idle pool (engine.sandbox.MAX_IDLE) and a warm spare


def test_a_payload_caught_forever_is_killed_by_the_os_limit(attack_limits: Any) -> None:
    """The trace hook's exception is caught; only the OS limit or the wall clock stops it."""
    code = "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass"
    library = _unchecked_library({"attack.bpmn": script_bpmn(code)})
    with pytest.raises(EngineStepFailed) as info:
        Instance.start(library, {})
    assert (info.value.code, info.value.element_id) == ("sandbox.time_limit", "attack_script")
    assert info.value.params == {"seconds": f"{attack_limits.cpu_seconds:g}"}


def test_a_memory_bomb_is_stopped_by_the_address_space_limit(attack_limits: Any) -> None:
    """With time to spare (on a loaded machine the time limits would stop it first), memory stops it."""
    library = _unchecked_library({"attack.bpmn": script_bpmn("x = [list(range(99999)) for i in range(99999)]")})
    sandbox.configure(attack_limits, script_seconds=20.0, cpu_seconds=20.0, wall_seconds=30.0)
    try:
        with pytest.raises(EngineStepFailed) as info:
            Instance.start(library, {})
    finally:
        sandbox.configure(attack_limits)
    assert (info.value.code, info.value.element_id) == ("sandbox.memory_limit", "attack_script")


@pytest.mark.parametrize("field_type", ["string", "long", "date"])
@pytest.mark.parametrize("attack", REPRESENTATIVE, ids=[a.name for a in REPRESENTATIVE])
def test_a_form_default_is_text_never_evaluated(attack: Attack, field_type: str) -> None:
    """A form field's default value is a literal, never an expression: the hostile payload is the
    text the form shows (or nothing, for a number or date it is not), and costs no time."""
    files = {"attack.bpmn": form_default_bpmn(attack.code, field_type)}
    started = time.monotonic()
    instance = Instance.start(_unchecked_library(files), {"x": "1"})
    (task,) = instance.ready_user_tasks()
    assert task.prefill == {"attack_field": attack.code if field_type != "long" else None}
    instance.complete(task.id, {})
    assert instance.is_completed
    assert time.monotonic() - started < TIME_BOUND / 2
