"""The engine process keeps the element it runs in a shared file, not in messages on its answer
pipe: a step with many scripts and conditions still sends one line, and a stopped step is still
named by its element (tests/attacks/test_engine_corpus.py stops scripts by every limit)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from engine import Instance, load_library, running_element, sandbox
from tests.attacks.diagrams import PROCESS_ID, script_bpmn


def test_the_file_keeps_the_last_element_written() -> None:
    fd = running_element.shared_file()
    try:
        assert running_element.read(fd) is None  # an empty file: none yet
        running_element.write(fd, "a_rather_long_script_task_id")
        running_element.write(fd, "gw_ä")
        assert running_element.read(fd) == "gw_ä"  # a shorter id after a longer one
        running_element.write(fd, None)
        assert running_element.read(fd) is None  # cleared before each request
        running_element.write(fd, "x" * 10_000)
        assert running_element.read(fd) == "x" * running_element.MAX_BYTES
    finally:
        os.close(fd)


def test_a_step_answers_in_one_line_however_many_elements_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    library = load_library({"a.bpmn": script_bpmn("result = 6 * 7")}, PROCESS_ID, validate_xsd=False, lint=False)
    Instance.start(library, {})  # a warm worker that has the library
    lines: list[dict[str, Any]] = []
    read_line = sandbox._Worker._line

    def counted(self: Any, deadline: float) -> dict[str, Any]:
        lines.append(read_line(self, deadline))
        return lines[-1]

    monkeypatch.setattr(sandbox._Worker, "_line", counted)
    assert Instance.start(library, {}).current_data()["result"] == 42
    assert len(lines) == 1 and "ok" in lines[0]
