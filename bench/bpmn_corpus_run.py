"""Run other tools' diagrams end to end in our engine, as the sandbox runs a case.

The companion of bench/bpmn_corpus.py (which only validates): each diagram named on the command
line (or, with ``--eligible``, each one whose elements the coverage table supports) is loaded as
the library the corpus bench builds for it, started, and driven until it completes or nothing
moves: the first waiting person task is completed with the answers of its scenario, then the
scenario's messages are delivered, then due timers fire a year ahead. Every step goes through the
engine entry the studio sandbox uses (engine.Instance: start, complete, deliver, fire timers,
serialize and restore) and runs in the isolated engine process under the sandbox's limits
(engine.sandbox.SandboxLimits, as the application configures them by default); a file also has
``FILE_SECONDS`` in all, so no diagram can hang the bench. A step stopped by a limit, or a file
out of time, is reported as ``timeout``.

Two ways to load a diagram:

* as it is, without our domain rules (``lint=False``), for SpiffWorkflow's own test diagrams: as
  if a methodologist had added lanes and forms;
* with ``--complete``: a copy goes through the methodologist's completion step
  (bench/bpmn_completion.py: lanes, forms, gateway conditions, timer values, decisions, called
  processes, start events - each fix-up printed with the file) and is loaded with every rule the
  studio applies to a draft (lanes named after roles, forms, ...); ``validated`` says it loaded.

Outcomes: ``completed``, ``waiting`` (nothing more moves: a message nobody sends, ...),
``failed`` (the coded reason), ``timeout``, ``refused`` (the codes of the diagram's problems).

A scenario (``SCENARIOS``, by file name) gives the start data, the answers by task id (a
function of the task's data) and the messages the outside world sends; the values follow what
SpiffWorkflow's own tests of the same diagram do. Usage:

    .venv/bin/python bench/bpmn_corpus_run.py DIRECTORY [FILE...] [--eligible] [--complete] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bpmn_completion import complete  # noqa: E402
from bench.bpmn_corpus import INELIGIBLE_CATEGORIES, _files, _library, _read  # noqa: E402
from bench.bpmn_corpus import run as validate_corpus  # noqa: E402
from engine import DiagramError, EngineStepFailed, FormInvalid, Instance, load_library  # noqa: E402
from webapp.cases.versions import LIBRARY_RULES  # noqa: E402

Answer = Callable[[Mapping[str, Any]], dict[str, Any]]
MAX_STEPS = 60
FILE_SECONDS = 60  # a whole file's run, loading included; each step has the sandbox's own limits
TIME_LIMIT_CODES = ("sandbox.time_limit", "script.time_limit")


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
    outcome: str  # completed, waiting, failed, timeout, refused
    steps: int = 0
    detail: str = ""
    validated: bool = False
    fixups: list[str] = field(default_factory=list)


class _OutOfTime(BaseException):
    """A file's time is up (a BaseException: no handler for ordinary errors on the way may swallow it)."""


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


def _drive(
    instance: Instance, scenario: Scenario, added: Mapping[str, Mapping[str, Any]], deadline: _Deadline
) -> tuple[Instance, int]:
    """Complete tasks, deliver messages, fire timers until the case completes or nothing moves."""
    steps = 0
    messages = list(scenario.messages)
    later = datetime.now(UTC)
    while not instance.is_completed and steps < MAX_STEPS:
        deadline.check()
        steps += 1
        ready = instance.ready_user_tasks()
        if ready:
            task = ready[0]
            answer = {**added.get(task.name, {}), **scenario.answers.get(task.name, _answer())(instance.current_data())}
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


@dataclass(frozen=True)
class _Deadline:
    """A file's time, checked between the engine's steps: each step is itself held to the sandbox's
    limits by its isolated worker, so a file overruns by one step at most. (A timer signal raising
    in the middle of anything was swallowed when it landed in a garbage-collector callback.)"""

    at: float

    def check(self) -> None:
        if time.monotonic() >= self.at:
            raise _OutOfTime


def run_one(
    directory: Path,
    path: Path,
    loaded: tuple[list[Any], dict[str, Any], dict[str, Any]],
    scenarios: Mapping[str, Scenario] = SCENARIOS,
    *,
    completion: bool = False,
    seconds: float = FILE_SECONDS,
) -> RunResult:
    documents, by_process, by_decision = loaded
    result = RunResult(str(path.relative_to(directory)), "refused")
    document = next(d for d in documents if d.path == path)
    scenario = scenarios.get(path.name, Scenario())
    main = scenario.main or next((p for p in document.processes if p not in document.calls), document.processes[0])
    files = _library(document, by_process, by_decision)
    data = dict(scenario.data)
    added: dict[str, dict[str, Any]] = {}
    deadline = _Deadline(time.monotonic() + seconds)
    try:
        if completion:
            completed = complete(files)
            files, result.fixups = dict(completed.files), completed.fixups
            data, added = {**completed.data, **data}, completed.answers
            library = load_library(files, main, **LIBRARY_RULES)
        else:
            library = load_library(files, main, lint=False)
        result.validated = completion
        deadline.check()
        instance = Instance.start(library, data)
        instance, result.steps = _drive(instance, scenario, added, deadline)
    except _OutOfTime:
        result.outcome, result.detail = "timeout", f"file.time_limit {seconds:g} s"
        return result
    except DiagramError as exc:
        result.detail = "; ".join(sorted({p.code for p in exc.problems if p.severity != "warning"}))
        return result
    except EngineStepFailed as exc:
        result.outcome = "timeout" if exc.code in TIME_LIMIT_CODES else "failed"
        result.detail = f"{exc.code} on {exc.element_id} {dict(exc.params)}"
        return result
    except FormInvalid as exc:
        result.outcome, result.detail = "failed", "; ".join(f"{e.field}: {e.code}" for e in exc.errors)
        return result
    result.outcome = "completed" if instance.is_completed else "waiting"
    return result


def eligible(directory: Path, *, as_executable: bool = True) -> list[str]:
    """The diagrams whose every refusal is a domain message or none (bench/bpmn_corpus.py)."""
    report = validate_corpus(directory, as_executable=as_executable)
    return [r.path for r in report.results if not set(r.categories) & INELIGIBLE_CATEGORIES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("files", nargs="*", help="diagram paths relative to the directory")
    parser.add_argument("--eligible", action="store_true", help="run every diagram with only domain messages")
    parser.add_argument("--complete", action="store_true", help="apply the methodologist's completion step")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = list(args.files) + (eligible(args.directory) if args.eligible else [])
    return _print(run(args.directory, files, completion=args.complete), as_json=args.json)


def run(
    directory: Path,
    files: list[str],
    scenarios: Mapping[str, Scenario] = SCENARIOS,
    *,
    completion: bool = False,
    seconds: float = FILE_SECONDS,
) -> list[RunResult]:
    loaded = _libraries(directory)
    return [run_one(directory, directory / f, loaded, scenarios, completion=completion, seconds=seconds) for f in files]


def _print(results: list[RunResult], *, as_json: bool) -> int:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    counts["validated"] = sum(r.validated for r in results)
    if as_json:
        print(json.dumps({"counts": counts, "results": [r.__dict__ for r in results]}, indent=2))
    else:
        for result in results:
            checked = "validated" if result.validated else "-"
            print(f"{result.outcome:9} {checked:9} {result.steps:3} {result.path} {result.detail}")
            for fixup in result.fixups:
                print(f"{'':14}+ {fixup}")
        print(counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
