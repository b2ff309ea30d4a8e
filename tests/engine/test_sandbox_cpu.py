"""The processor time a worker reports for its steps (engine.sandbox.STATS, what the benchmarks
count as the engine's share) is the time the worker process really used, as the kernel counts it in
/proc — with the per-step RLIMIT_CPU armed, Python's process clock lagged behind and a third of a
short step's time fell outside what was reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import Instance, load_library, sandbox
from tests.attacks.diagrams import PROCESS_ID, script_bpmn

STEPS = 300


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.update(int(pid) for pid in children)
    return pids


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_workers_reported_time_is_the_time_it_used() -> None:
    library = load_library(
        {"busy.bpmn": script_bpmn("total = 1")},
        PROCESS_ID,
        validate_xsd=False,
        lint=False,
    )
    Instance.start(library, {})  # the worker is started and has the library
    workers = _children()
    assert workers, "no engine worker process"
    before = {pid: _cpu_seconds(pid) for pid in workers}
    reported_before = sandbox.STATS["worker_cpu_seconds"]
    for _ in range(STEPS):
        assert Instance.start(library, {}).current_data()["total"] == 1
    assert _children() >= workers  # no worker was replaced: the time of every step is in /proc
    used = sum(_cpu_seconds(pid) - before[pid] for pid in workers)
    reported = sandbox.STATS["worker_cpu_seconds"] - reported_before
    # /proc counts in clock ticks; each step reports what it used, JSON in and out included (short
    # steps: the lagging clock reported an eighth of their time)
    assert used > 0.05
    assert abs(reported - used) <= 0.12 * used + 2 / os.sysconf("SC_CLK_TCK"), (reported, used)
