"""A step that fails while a case runs is reported as a code with parameters, on its element."""

from __future__ import annotations

from typing import Any

import pytest

from engine import EngineStepFailed, Instance
from engine.failures import failure_problem
from tests.engine.conftest import PROCESSES_DIR
from tests.engine.test_appeal_paths import registration

REGISTRATION = "appeal_registration.bpmn"
INIT_SCRIPT = "<bpmn:script>stage = 1"
NEVER = '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">False</bpmn:conditionExpression>'


@pytest.mark.parametrize(
    ("script", "code", "params"),
    [
        ("stage = 1\nratio = 1 / 0", "script.division_by_zero", {"line": 2}),
        ("stage = missing_value", "script.undefined_name", {"line": 1, "name": "missing_value"}),
        ("stage = {}['absent']", "script.missing_key", {"line": 1, "key": "'absent'"}),
        ("stage = 'a' * 10**9", "script.too_large", {"operation": "*"}),
        ("stage = int('x')", "script.failed", {"line": 1, "error_type": "ValueError"}),
    ],
)
def test_a_failing_script_is_reported_by_code_on_its_element(
    load_modified: Any, start_data: dict[str, Any], script: str, code: str, params: dict[str, Any]
) -> None:
    library = load_modified(REGISTRATION, INIT_SCRIPT, f"<bpmn:script>{script}")
    with pytest.raises(EngineStepFailed) as info:
        Instance.start(library, start_data)
    assert (info.value.element_id, info.value.code) == ("init_registration", code)
    assert params.items() <= info.value.params.items()


def test_a_script_past_its_time_limit_is_coded(load_modified: Any, start_data: dict[str, Any]) -> None:
    library = load_modified(REGISTRATION, INIT_SCRIPT, "<bpmn:script>while True:\n    stage = 1")
    with pytest.raises(EngineStepFailed) as info:
        Instance.start(library, start_data)
    assert (info.value.element_id, info.value.code, info.value.params) == ("init_registration", "script.timeout", {})


def test_a_gateway_where_no_condition_holds_is_coded(load_modified: Any, start_data: dict[str, Any]) -> None:
    # The registration gateway without its default flow, which gets a condition that never holds.
    accepted = (
        '<bpmn:sequenceFlow id="flow_gw_registration_route_to_mark_accepted" name="Qabul qilinadi" '
        'sourceRef="gw_registration_route" targetRef="mark_accepted"/>'
    )
    never = accepted[:-2] + ">" + NEVER + "</bpmn:sequenceFlow>"
    text = (PROCESSES_DIR / REGISTRATION).read_text(encoding="utf-8")
    changed = text.replace(' default="flow_gw_registration_route_to_mark_accepted">', ">", 1).replace(accepted, never)
    assert changed.count(NEVER) == 1 and "default=" not in changed.split('id="gw_registration_route"')[1][:40]
    library = load_modified(REGISTRATION, text, changed)
    instance = Instance.start(library, start_data)
    [task] = instance.ready_user_tasks()
    with pytest.raises(EngineStepFailed) as info:
        instance.complete(task.id, registration())
    assert (info.value.element_id, info.value.code) == ("gw_registration_route", "gateway.no_condition_met")


def test_an_exception_we_do_not_know_keeps_its_text() -> None:
    problem = failure_problem(RuntimeError("the disk is full"))
    assert (problem.code, problem.params) == ("engine.unknown", {"detail": "RuntimeError: the disk is full"})
