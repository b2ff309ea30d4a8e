"""Run other tools' diagrams end to end in our engine, as the sandbox runs a case.

The companion of bench/bpmn_corpus.py (which only validates): each diagram named on the command
line is loaded as the library the corpus bench builds for it, without our domain rules (as if a
methodologist had added lanes named after roles and forms; ``lint=False``), started, and driven
until it completes or nothing moves: the first waiting person task is completed with the answers
of its scenario, then the scenario's messages are delivered, then due timers fire a year ahead.
Every step goes through the state serializer and the engine's isolated step, as in a case.

A scenario (``SCENARIOS``, by file name) gives the start data, the answers by task id (a
function of the task's data) and the messages the outside world sends; the values follow what
SpiffWorkflow's own tests of the same diagram do. Usage:

    .venv/bin/python bench/bpmn_corpus_run.py DIRECTORY FILE... [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bpmn_corpus import _files, _library, _read  # noqa: E402
from engine import DiagramError, EngineStepFailed, FormInvalid, Instance, load_library, sandbox  # noqa: E402

Answer = Callable[[Mapping[str, Any]], dict[str, Any]]
MAX_STEPS = 60


@dataclass(frozen=True)
class Scenario:
    data: Mapping[str, Any] = field(default_factory=dict)
    answers: Mapping[str, Answer] = field(default_factory=dict)
    messages: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    main: str | None = None  # the process a case starts (default: the first no call activity reaches)


def _double(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"output_item": data["input_item"] * 2}


def _answer(**values: Any) -> Answer:
    return lambda _data: dict(values)


def _numbered(name: str) -> Answer:
    """Each answer sets ``name`` to the next number (0, 1, ...): what tells instances apart."""
    counter = iter(range(1000))
    return lambda _data: {name: next(counter)}


def _received(name: str, into: str) -> Answer:
    """Copy ``name`` from the message received (``<catch event>_Response``) into ``into``."""

    def answer(data: Mapping[str, Any]) -> dict[str, Any]:
        found = [v[name] for k, v in data.items() if k.endswith("_Response") and isinstance(v, dict) and name in v]
        return {into: found[-1] if found else data.get(name)}

    return answer


SCENARIOS: dict[str, Scenario] = {
    "parallel_multiinstance_loop_input.bpmn": Scenario({"input_data": [1, 2, 3]}, {"any_task": _double}),
    "sequential_multiinstance_loop_input.bpmn": Scenario({"input_data": [1, 2, 3]}, {"any_task": _double}),
    "spiff_multiinstance.bpmn": Scenario({"input_data": [1, 2, 3]}, {"any_task": _double}),
    "script_on_mi.bpmn": Scenario({"input_data": [1, 2, 3]}, {"any_task": _double}),
    "conditional_event.bpmn": Scenario(
        answers={"task_a": _answer(task_a_done=True), "task_c": _answer(task_c_done=True)}
    ),
    "message_test.bpmn": Scenario(
        answers={
            "Activity_EnterPlan": _answer(plan_details="Best"),
            "Activity_ApproveOrDeny": _answer(approved="Yes"),
            "Activity_EnablePlan": _answer(Done="OK!"),
        }
    ),
    "MessageBoundary.bpmn": Scenario(answers={"Activity_Interrupt": _answer(interrupt_task="Yes")}),
    "noninterrupting-MessageBoundary.bpmn": Scenario(
        answers={
            "Activity_WorkLate": _answer(flag_task="Yes"),
            "Activity_WorkLateReason": _answer(work_late_reason="crunch"),
            "Activity_DoWork": _answer(work_done="Yes"),
            "Activity_WorkCompleted": _answer(work_completed="all"),
        }
    ),
    "call_activity_with_message_parent.bpmn": Scenario(
        answers={"Activity_EnterPlan": _answer(plan_details="Best"), "Activity_ApproveOrDeny": _answer(approved="Yes")}
    ),
    "correlation.bpmn": Scenario(
        answers={"configure": _numbered("task_num"), "rename_id": _received("task_num", "init_id")}
    ),
    "correlation_two_conversations.bpmn": Scenario(
        answers={
            "configure": _numbered("task_num"),
            "rename_id": _received("task_num", "init_id"),
            "rename_id_2": _received("task_num", "subprocess"),
        }
    ),
}


@dataclass
class RunResult:
    path: str
    outcome: str  # completed, waiting, failed, refused
    steps: int = 0
    detail: str = ""


def _libraries(directory: Path) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    documents = [d for d in (_read(p) for p in _files(directory, (".bpmn", ".dmn"))) if d is not None]
    by_process: dict[str, Any] = {}
    by_decision: dict[str, Any] = {}
    for doc in documents:
        for process in doc.processes:
            by_process.setdefault(process, doc)
        for decision in doc.decisions:
            by_decision.setdefault(decision, doc)
    return documents, by_process, by_decision


def _drive(instance: Instance, scenario: Scenario) -> tuple[Instance, int]:
    """Complete tasks, deliver messages, fire timers until the case completes or nothing moves."""
    steps = 0
    messages = list(scenario.messages)
    later = datetime.now(UTC)
    while not instance.is_completed and steps < MAX_STEPS:
        steps += 1
        ready = instance.ready_user_tasks()
        if ready:
            task = ready[0]
            answer = scenario.answers.get(task.name, _answer())(instance.current_data())
            fields = {f.id for f in task.form.fields}
            submitted = {k: v for k, v in answer.items() if k in fields}
            instance.complete(task.id, submitted, extra_data=answer)
        elif messages:
            name, payload = messages.pop(0)
            instance.deliver_message(name, payload)
        else:
            later += timedelta(days=365)
            before = instance.serialize()
            instance.fire_due_timers(later)
            if instance.serialize() == before:
                break
        instance = Instance.restore(instance.library, instance.serialize())
    return instance, steps


def run_one(
    directory: Path,
    path: Path,
    loaded: tuple[list[Any], dict[str, Any], dict[str, Any]],
    scenarios: Mapping[str, Scenario] = SCENARIOS,
) -> RunResult:
    documents, by_process, by_decision = loaded
    name = str(path.relative_to(directory))
    document = next(d for d in documents if d.path == path)
    scenario = scenarios.get(path.name, Scenario())
    main = scenario.main or next((p for p in document.processes if p not in document.calls), document.processes[0])
    try:
        library = load_library(_library(document, by_process, by_decision), main, lint=False)
        instance = Instance.start(library, dict(scenario.data))
        instance, steps = _drive(instance, scenario)
    except DiagramError as exc:
        return RunResult(name, "refused", detail="; ".join(p.code for p in exc.problems))
    except EngineStepFailed as exc:
        return RunResult(name, "failed", detail=f"{exc.code} on {exc.element_id} {dict(exc.params)}")
    except FormInvalid as exc:
        return RunResult(name, "failed", detail="; ".join(f"{e.field}: {e.code}" for e in exc.errors))
    return RunResult(name, "completed" if instance.is_completed else "waiting", steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("files", nargs="+", help="diagram paths relative to the directory")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sandbox.configure(isolated=False)
    return _print(run(args.directory, args.files), as_json=args.json)


def run(directory: Path, files: list[str], scenarios: Mapping[str, Scenario] = SCENARIOS) -> list[RunResult]:
    loaded = _libraries(directory)
    return [run_one(directory, directory / f, loaded, scenarios) for f in files]


def _print(results: list[RunResult], *, as_json: bool) -> int:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    if as_json:
        print(json.dumps({"counts": counts, "results": [r.__dict__ for r in results]}, indent=2))
    else:
        for result in results:
            print(f"{result.outcome:9} {result.steps:3} {result.path} {result.detail}")
        print(counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
