"""What isolating diagram code costs per engine step: three designs compared on the same work.

The measured step is what a request does with the engine when an inspector completes the first
task of an appeal (``check_registration``): restore the case, validate the answers, run the
task and the automatic steps after it (scripts, gateway conditions, timer expressions), save the
state. Designs:

* ``inline``  — diagram code evaluated in the calling process (the engine before isolation;
  the trace-hook limit only, which code can catch);
* ``pool``    — the shipped design (engine.sandbox): a warm worker process per calling process,
  started once and replaced after a breach, OS limits (RLIMIT_CPU, RLIMIT_AS) and a wall-clock
  kill; state in and out as JSON over a pipe;
* ``fork``    — a fresh ``os.fork()`` of the calling process per step (copy-on-write, nothing to
  ship but the answer), with the same OS limits set in the child.

For each: wall-clock ms per step (median, p95) and CPU ms per step (this process plus the worker
processes: the CPU time each pool worker reports per step, getrusage of reaped children for fork). Every design first
runs warm-up steps that are not counted (the pool's worker start and first library load). Cases
are started fresh for every measured step, from a fixed data set, so no design sees warmer state.
Usage:

    .venv/bin/python bench/sandbox_cost.py [--steps 200]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import Instance, load_library, sandbox  # noqa: E402
from engine.sandbox_worker import Worker  # noqa: E402

START_DATA = {
    "kind": "ariza",
    "anonymous": False,
    "representative_without_poa": False,
    "category": "other",
    "urgency": "normal",
    "channel": "walk_in",
    "mahalla": "m1",
    "appeal_number": "2026-000001",
    "deadline_term": "P15D",
    "deadline_at": "2099-03-17T00:00:00+05:00",
    "reminder_at": "2099-03-14T09:00:00+05:00",
}
ANSWERS = {
    "kind": "ariza",
    "category": "public_safety",
    "urgency": "normal",
    "anonymous": False,
    "within_competence": True,
    "registration_note": "",
}


class ForkingWorker:
    """The ``fork`` design: each request handled by a fresh fork of this process."""

    def __init__(self, warm: Worker, limits: sandbox.SandboxLimits) -> None:
        self.warm = warm
        self.limits = limits

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        if request["op"] == "load":  # parsing runs no diagram code: keep the parsed library warm here
            return self.warm.handle(request)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: limits, the step, the answer, exit
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_CPU, (int(self.limits.cpu_seconds) + 1, resource.RLIM_INFINITY))
            answer = json.dumps(self.warm.handle(request)).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(answer)
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as answer_in:
            data = answer_in.read()
        os.waitpid(pid, 0)
        return dict(json.loads(data))


def _cpu_now() -> float:
    """This process, its reaped children (fork) and the pool's workers (as they report each step)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + sandbox.STATS["worker_cpu_seconds"]


def _one_step(library: Any, index: int) -> tuple[float, float]:
    instance = Instance.start(library, {**START_DATA, "appeal_number": f"2026-{index:06d}"})
    state = instance.serialize()
    cpu_before, started = _cpu_now(), time.perf_counter()
    case = Instance.restore(library, state)
    [task] = case.ready_user_tasks()
    case.complete(task.id, ANSWERS)
    case.serialize()
    return (time.perf_counter() - started) * 1000, (_cpu_now() - cpu_before) * 1000


def measure(design: str, library: Any, steps: int, warmup: int = 5) -> dict[str, float]:
    limits = sandbox.limits()
    if design == "pool":
        sandbox.configure(limits, isolated=True)
    else:
        sandbox.configure(limits, isolated=False)
        if design == "fork":
            sandbox._inline = ForkingWorker(sandbox._inline, limits)
    for index in range(warmup):
        _one_step(library, index)
    walls, cpus = [], []
    for index in range(steps):
        wall, cpu = _one_step(library, warmup + index)
        walls.append(wall)
        cpus.append(cpu)
    sandbox.configure(limits, isolated=True)
    return {
        "wall_ms_median": round(statistics.median(walls), 2),
        "wall_ms_p95": round(_p95(walls), 2),
        "cpu_ms_median": round(statistics.median(cpus), 2),
        "cpu_ms_p95": round(_p95(cpus), 2),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(steps: int) -> dict[str, Any]:
    # The appeal lineage: every diagram at the top of processes/ (called processes included).
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "processes").glob("*.bpmn"))}
    library = load_library(files, "appeal_lifecycle")
    results = {design: measure(design, library, steps) for design in ("inline", "pool", "fork")}
    sandbox.shutdown()
    return {"steps": steps, **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    result = run(args.steps)
    print(json.dumps(result))
    if args.output:
        # completed: the steps measured in every design (run() raises on a step that fails)
        args.output.write_text(json.dumps({"completed": 3 * args.steps, "errors": 0, **result}, indent=2))


if __name__ == "__main__":
    main()
