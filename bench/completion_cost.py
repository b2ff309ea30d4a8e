"""Cost of one task completion: through the service layer vs. SpiffWorkflow alone in memory.

Service layer = load the instance row, complete the task in the engine process against the cached
spec (validate, run, compact, serialize, answer a view), save state + task projection + event log,
commit (what a request does after authentication). SpiffWorkflow alone = the same task completed
on a workflow that is already in memory (``task.data.update``, ``task.run()``,
``do_engine_steps()``): nothing loaded or saved.

Two cases: a new case (its first task) and a case with 200 completed tasks (a complaint whose reply
the supervisor sent back 98 times; the measured step is the supervisor sending it back once more).
Then the same step on cases with 8 and 1,600 completed tasks (``--flat``), measured in turns: the
cost of a step must not grow with the history of its case.

``--clock cpu`` times processor time instead of the wall clock: this process's (the service, the
SQLite engine, SpiffWorkflow alone) plus what the engine's isolated workers report for their calls
(``engine.sandbox.STATS``); a PostgreSQL server's time is not counted. On a shared machine the wall
clock measures the load; processor time is the cost. Usage:

    .venv/bin/python bench/completion_cost.py [--database-url postgresql://postgres@127.0.0.1:5432/test] [--clock cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scenario  # noqa: E402


def processor_time() -> float:
    """Seconds of processor time of this process and of the engine's workers on its calls."""
    from engine import sandbox

    return time.process_time() + sandbox.STATS["worker_cpu_seconds"]


CLOCKS = {"wall": time.perf_counter, "cpu": processor_time}
now = CLOCKS["wall"]  # what every timing below reads; main() sets it from --clock


def _native(files: dict[str, str]) -> tuple[Any, Any, Any]:
    """The specs and SpiffWorkflow's own serializer. The documents are read by the engine's parser
    (SpiffWorkflow's Camunda parser plus the standard multi-instance data inputs the diagrams use);
    what is timed below runs on SpiffWorkflow's default script engine, nothing of ours."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: TID251 - the baseline

    from engine.parser import EngineParser, build_specs
    from engine.serialization import ENGINE_CONFIG

    parser = EngineParser(validator=None)
    for name, text in files.items():
        parser.add_bpmn_str(text.encode("utf-8"), filename=name)
    spec, subprocess_specs = build_specs(parser, "appeal_lifecycle")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(ENGINE_CONFIG))
    return spec, subprocess_specs, serializer


def _ready(workflow: Any, task_name: str) -> Any:
    from SpiffWorkflow.util.task import TaskState  # noqa: TID251

    return next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == task_name)


def native_state(files: dict[str, str], completed: list[str]) -> str:
    """A workflow driven by SpiffWorkflow alone (its own default script engine and serializer)."""
    from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: TID251

    spec, subprocess_specs, serializer = _native(files)
    from SpiffWorkflow.util.task import TaskState  # noqa: TID251

    workflow = BpmnWorkflow(spec, subprocess_specs)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(scenario.START_DATA)
    workflow.do_engine_steps()
    for name in completed:
        task = _ready(workflow, name)
        task.data.update(scenario.ANSWERS[name])
        task.run()
        workflow.do_engine_steps()
    return str(serializer.serialize_json(workflow))


def spiff_alone(files: dict[str, str], state: str, task_name: str, repeat: int) -> list[float]:
    """Time only the completion itself, on a workflow already in memory."""
    _spec, _subprocess_specs, serializer = _native(files)
    timings = []
    for _ in range(repeat):
        workflow = serializer.deserialize_json(state)  # untimed: the workflow is "in memory"
        task = _ready(workflow, task_name)
        start = now()
        task.data.update(scenario.ANSWERS[task_name])
        task.run()
        workflow.do_engine_steps()
        timings.append(now() - start)
    return timings


def engine_steps(appeal_id: int, state: str, task_name: str, repeat: int) -> dict[str, float]:
    """Where the engine's part of a completion goes, as the service runs it: load the live state
    (its text, unparsed), complete the task (the text goes to the engine process as it was read;
    there it is parsed, the submission validated, the step run, the timer data brought along set,
    the state compacted and serialized once, and a view of it answered), read the answer (the ready
    tasks, from the view: nothing parsed here), serialize the new state (the answered text as it
    is: ~0). Median ms of each, the library already parsed (cached per version)."""
    from engine import Instance
    from webapp.cases.models import ProcessInstance
    from webapp.cases.versions import library_for
    from webapp.extensions import db

    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal_id))
    library = library_for(record.process_version)
    task_id = next(t.id for t in Instance.restore(library, state).ready_user_tasks() if t.name == task_name)
    timers = {"deadline_at": "2099-01-01T00:00:00+05:00", "reminder_at": "2098-12-30T09:00:00+05:00"}
    timings: dict[str, list[float]] = {"load": [], "complete_and_run": [], "read_answer": [], "serialize": []}
    for _ in range(repeat):
        started = now()
        instance = Instance.load(library, state)
        loaded = now()
        instance.complete(task_id, scenario.ANSWERS[task_name], timers=timers)
        completed = now()
        instance.ready_user_tasks()
        read = now()
        instance.serialize()
        serialized = now()
        timings["load"].append(loaded - started)
        timings["complete_and_run"].append(completed - loaded)
        timings["read_answer"].append(read - completed)
        timings["serialize"].append(serialized - read)
    return {f"{name}_median_ms": round(statistics.median(values) * 1000, 3) for name, values in timings.items()}


def statements_of_completion(appeal_id: int, task_name: str) -> int:
    """SQL statements of one service-layer completion (COMMIT not counted)."""
    from webapp.cases.tasks.service import tasks_of_appeal
    from webapp.casework.appeals.runtime import complete_task
    from webapp.extensions import db

    inspector, supervisor = scenario.users()
    pending = next(t for t in tasks_of_appeal(appeal_id) if t.name == task_name)
    actor = supervisor if pending.role == "supervisor" else inspector
    db.session.expire_all()
    with scenario.counted_statements() as statements:
        complete_task(pending, actor, scenario.ANSWERS[task_name])
    return len(statements)


def through_service(appeal_ids: list[int], task_name: str, reset_state: str | None = None) -> list[float]:
    from webapp.cases.tasks.service import tasks_of_appeal
    from webapp.casework.appeals.runtime import complete_task
    from webapp.extensions import db

    inspector, supervisor = scenario.users()
    timings = []
    for appeal_id in appeal_ids:
        if reset_state is not None:
            scenario.restore_snapshot(appeal_id, reset_state)
        pending = next(t for t in tasks_of_appeal(appeal_id) if t.name == task_name)
        actor = supervisor if pending.role == "supervisor" else inspector
        db.session.expire_all()
        start = now()
        complete_task(pending, actor, scenario.ANSWERS[task_name])
        timings.append(now() - start)
    return timings


def flat_history(histories: list[int], repeat: int) -> dict[str, Any]:
    """The same completion (the supervisor sending the reply back) on cases with different histories,
    measured in turns so that a change of the machine's load falls on all of them alike."""
    cases = []
    for history in histories:
        appeal_id = scenario.long_case(history)
        cases.append((history, appeal_id, scenario.instance_snapshot(appeal_id)[0]))
    timings: dict[int, list[float]] = {history: [] for history in histories}
    for _ in range(repeat):
        for history, appeal_id, state in cases:
            timings[history] += through_service([appeal_id], "approve_reply", state)
    medians = {history: statistics.median(values) * 1000 for history, values in timings.items()}
    first, last = histories[0], histories[-1]
    return {
        "median_ms": {str(history): round(median, 3) for history, median in medians.items()},
        "state_bytes": {str(history): len(state) for history, _appeal_id, state in cases},
        "ratio": round(medians[last] / medians[first], 3),
        "between": [first, last],
        "n": repeat,
    }


def summary(label: str, seconds: list[float]) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in seconds)
    return {
        "case": label,
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p90_ms": round(ms[max(0, int(len(ms) * 0.9) - 1)], 3),
        "p95_ms": round(ms[min(len(ms) - 1, max(0, round(len(ms) * 0.95) - 1))], 3),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--history", type=int, default=200, help="completed tasks of the long case")
    parser.add_argument(
        "--flat",
        default="8,1600",
        help="completed tasks of the cases whose completions are compared (the cost must not grow with history)",
    )
    parser.add_argument("--output", type=Path, help="JSON result (default bench/results/completion_cost_<db>.json)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall clock or processor time")
    args = parser.parse_args(argv)
    global now
    now = CLOCKS[args.clock]
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = scenario.build_world(url)
    with app.app_context():
        from webapp.cases.versions import current_version

        files = dict(current_version().files)
        new_ids = scenario.new_cases(args.repeat + 1)
        counted_id = new_ids.pop()
        first_state, _ = scenario.instance_snapshot(new_ids[0])
        long_id = scenario.long_case(args.history)
        long_state, _ = scenario.instance_snapshot(long_id)
        native_new = native_state(files, [])
        native_long = native_state(files, scenario.long_case_tasks(args.history))

        steps_new = engine_steps(new_ids[0], first_state, "check_registration", args.repeat)
        steps_long = engine_steps(long_id, long_state, "approve_reply", args.repeat)
        statements_new = statements_of_completion(counted_id, "check_registration")
        statements_long = statements_of_completion(long_id, "approve_reply")  # its state is reset below
        rows = [
            summary(
                "new case: SpiffWorkflow alone, in memory",
                spiff_alone(files, native_new, "check_registration", args.repeat),
            ),
            summary(
                "new case: service layer (load, complete, save, commit)", through_service(new_ids, "check_registration")
            ),
            summary(
                f"{args.history} completed: SpiffWorkflow alone, in memory",
                spiff_alone(files, native_long, "approve_reply", args.repeat),
            ),
            summary(
                f"{args.history} completed: service layer",
                through_service([long_id] * args.repeat, "approve_reply", long_state),
            ),
        ]
        flat = flat_history([int(n) for n in args.flat.split(",")], args.repeat)
    result = {
        "database": url.split(":", 1)[0],
        "clock": args.clock,
        "rows": rows,
        "ratio_new_case": round(rows[1]["median_ms"] / rows[0]["median_ms"], 2),
        "history": args.history,
        "ratio_200_completed": round(rows[3]["median_ms"] / rows[2]["median_ms"], 2),
        "engine_steps_new_case": steps_new,
        f"engine_steps_{args.history}_completed": steps_long,
        "statements_per_completion_new_case": statements_new,
        f"statements_per_completion_{args.history}_completed": statements_long,
        "state_bytes_new_case": len(first_state),
        "state_bytes_200_completed": len(long_state),
        "spiffworkflow_state_bytes_new_case": len(native_new),
        "spiffworkflow_state_bytes_200_completed": len(native_long),
        "history_flat": flat,
        # Service-layer completions measured (each one raised nothing and was committed).
        "completed": rows[1]["n"] + rows[3]["n"] + flat["n"] * len(flat["median_ms"]),
        "errors": 0,
    }
    print(f"database: {result['database']} ({args.clock} clock)")
    for row in rows:
        print(f"  {row['case']:<56} median {row['median_ms']:8.3f} ms  p90 {row['p90_ms']:8.3f} ms  (n={row['n']})")
    print(
        f"  service / SpiffWorkflow alone: new case {result['ratio_new_case']}x, "
        f"{args.history} completed {result['ratio_200_completed']}x"
    )
    print(
        f"  our live state: {result['state_bytes_new_case']} B (new), "
        f"{result['state_bytes_200_completed']} B ({args.history} completed); "
        f"SpiffWorkflow's own serialization: {result['spiffworkflow_state_bytes_new_case']} B, "
        f"{result['spiffworkflow_state_bytes_200_completed']} B"
    )
    print(
        f"  service layer by history: {flat['median_ms']} ms median; "
        f"{flat['between'][1]} vs {flat['between'][0]} completed: {flat['ratio']}x"
    )
    print(f"  engine steps, new case: {steps_new}")
    print(f"  engine steps, {args.history} completed: {steps_long}")
    print(
        f"  SQL statements of one service-layer completion: new case {statements_new}, "
        f"{args.history} completed {statements_long}"
    )
    output = args.output or ROOT / "bench" / "results" / f"completion_cost_{result['database']}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
