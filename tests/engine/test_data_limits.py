"""The data limits checked after every engine step (engine.steps.check_data), on a real appeal:
equal copies of the case data held by its waiting tasks are measured once, and whatever one task
holds differently is still measured and refused."""

from __future__ import annotations

from typing import Any

import pytest

import engine.steps as steps
from engine import ProcessLibrary
from engine.data_limits import DataLimits
from engine.errors import EngineStepFailed
from engine.scripting import reporting_script_engine

LIMITS = DataLimits(field_bytes=4 * 1024, case_bytes=16 * 1024, depth=20)


@pytest.fixture
def workflow(library: ProcessLibrary, start_data: dict[str, Any]) -> Any:
    """A new appeal waiting at its first task, its data copied into every task on the way."""
    found = steps.new_workflow(library, start_data, reporting_script_engine(1.0, lambda element: None))
    steps.run(found, library, None)
    return found


def _holding_data(workflow: Any) -> list[dict[str, Any]]:
    """The data of the case and of its tasks not finished (and its ends), where there is any."""
    return [data for data in steps._live_data(workflow) if data]


def _measured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    measure = steps.data_problem

    def counting(data: Any, limits: DataLimits) -> Any:
        seen.append(data)
        return measure(data, limits)

    monkeypatch.setattr(steps, "data_problem", counting)
    return seen


def test_equal_copies_of_the_case_data_are_measured_once(workflow: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    holding = _holding_data(workflow)
    distinct: list[dict[str, Any]] = []
    for data in holding:
        if data not in distinct:
            distinct.append(data)
    assert len(holding) > len(distinct) >= 1  # the appeal's tasks hold copies of its data
    measured = _measured(monkeypatch)
    steps.check_data(workflow, LIMITS, None)
    assert measured == distinct


def test_a_waiting_task_holding_more_than_its_copies_is_refused(workflow: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    holding = _holding_data(workflow)
    assert len(holding) >= 2
    holding[-1]["notes"] = "x" * (LIMITS.field_bytes + 1)
    with pytest.raises(EngineStepFailed) as refused:
        steps.check_data(workflow, LIMITS, "a_script")
    assert (refused.value.code, refused.value.params["field"], refused.value.element_id) == (
        "data.field_too_large",
        "notes",
        "a_script",
    )


def test_data_nested_past_any_depth_beside_an_equal_shape_is_refused_not_a_crash(workflow: Any) -> None:
    """Comparing with data already measured never recurses deeper than that data (within the
    limits): a structure 100,000 deep is measured, refused, and never compared to the end."""
    holding = _holding_data(workflow)
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    shallow: list[Any] = [[[[]]]]
    for data in holding[:-1]:
        data["nested"] = shallow
    holding[-1]["nested"] = deep
    with pytest.raises(EngineStepFailed) as refused:
        steps.check_data(workflow, LIMITS, None)
    assert (refused.value.code, refused.value.params["field"]) == ("data.too_deep", "nested")
