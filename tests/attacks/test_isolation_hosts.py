"""The isolation works wherever the engine runs: in a daemonic pool process (as Celery's workers
are, which may not start multiprocessing children of their own) and in a background thread (the
in-process job runner), with the limits holding in both."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest

from engine import EngineStepFailed, Instance, load_library, sandbox
from tests.attacks.diagrams import PROCESS_ID, script_bpmn

pytestmark = pytest.mark.attack
LOOP = "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass"


def _run(code: str) -> tuple[str, Any]:
    sandbox.configure(cpu_seconds=1.0, wall_seconds=3.0, script_seconds=0.25)
    library = load_library({"attack.bpmn": script_bpmn(code)}, PROCESS_ID, validate_xsd=False, lint=False)
    try:
        instance = Instance.start(library, {})
    except EngineStepFailed as exc:
        return "failed", (exc.code, exc.element_id)
    return "ok", instance.current_data().get("result")


def _in_daemon(queue: Any) -> None:
    assert multiprocessing.current_process().daemon
    queue.put([_run("result = 6 * 7"), _run(LOOP)])


def test_a_daemonic_worker_process_runs_steps_in_isolation() -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    child.start()
    try:
        results = queue.get(timeout=120)
    finally:
        child.join(timeout=30)
    assert results == [("ok", 42), ("failed", ("sandbox.time_limit", "attack_script"))]


def test_a_job_thread_runs_steps_in_isolation() -> None:
    previous = sandbox.limits()
    results: list[tuple[str, Any]] = []
    thread = threading.Thread(target=lambda: results.extend([_run("result = 6 * 7"), _run(LOOP)]))
    thread.start()
    thread.join(timeout=120)
    sandbox.configure(previous)
    assert results == [("ok", 42), ("failed", ("sandbox.time_limit", "attack_script"))]
