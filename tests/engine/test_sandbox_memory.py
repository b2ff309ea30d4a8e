"""A worker's memory verdict: a step refused for memory in a worker that keeps other versions'
libraries is tried again in a fresh worker, whose verdict stands — an ordinary step never fails
because of what earlier steps left behind, and hostile code is still stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine import EngineStepFailed, Instance, load_library, sandbox
from engine.library import ProcessLibrary
from tests.attacks.diagrams import PROCESS_ID, script_bpmn

SMALL_BUDGET = sandbox.SandboxLimits(memory_mb=64, cpu_seconds=5.0, wall_seconds=10.0, script_seconds=3.0)
# Documentation texts just under the 2 MB file limit: each version's library weighs on its worker.
HEAVY_DOCUMENTATION = "y" * (1900 * 1024)


def _library(code: str, documentation: str = "") -> ProcessLibrary:
    xml = script_bpmn(code)
    if documentation:
        tag = 'scriptFormat="python">'
        xml = xml.replace(tag, f"{tag}<bpmn:documentation>{documentation}</bpmn:documentation>", 1)
    return load_library({"heavy.bpmn": xml}, PROCESS_ID, validate_xsd=False, lint=False)


@pytest.fixture
def small_budget() -> Iterator[None]:
    previous = sandbox.limits()
    sandbox.shutdown()
    sandbox.configure(SMALL_BUDGET)
    try:
        yield
    finally:
        sandbox.configure(previous)
        sandbox.shutdown()


@pytest.mark.usefixtures("small_budget")
def test_versions_kept_by_a_worker_never_fail_an_ordinary_step() -> None:
    # Sixteen versions outweigh the budget of one worker (it failed at the eleventh before).
    for version in range(16):
        instance = Instance.start(_library(f"version = {version}", HEAVY_DOCUMENTATION), {})
        assert instance.current_data()["version"] == version


@pytest.mark.usefixtures("small_budget")
def test_a_fresh_worker_still_stops_a_step_that_needs_too_much() -> None:
    for version in range(12):
        Instance.start(_library(f"version = {version}", HEAVY_DOCUMENTATION), {})
    with pytest.raises(EngineStepFailed) as failure:
        Instance.start(_library("x = []\nfor i in range(100000):\n    x = [x]\nresult = x"), {})
    assert failure.value.code.startswith(("sandbox.", "data.")), failure.value.code
