"""The isolated engine process: ``python -m engine.sandbox_worker MEMORY_MB [ELEMENT_FD]``.

It reads one JSON request per line on stdin and answers one JSON line on stdout. Before each
script, condition or decision it writes the element's id to the file ELEMENT_FD
(engine.running_element), so that the parent can name the element when it has to kill this
process. Limits that diagram code cannot disable:

* address space (RLIMIT_AS): set once at start-up, the memory budget above what the process
  needs after its imports; an allocation past it fails with MemoryError;
* processor time (RLIMIT_CPU): raised before each request to the time used so far plus the
  request's budget; past it the kernel ends the process (SIGXCPU);
* wall-clock time: the parent kills the process when no answer comes in time.

After a memory failure the process answers and exits, so that the next step gets a fresh one.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from engine import running_element
from engine.compaction import compact
from engine.data_limits import DataLimits, data_problem
from engine.decisions import DecisionFailed, evaluate_rows, parse_tables
from engine.errors import DataLimitExceeded, DiagramError, EngineStepFailed, FormInvalid, TaskNotReady
from engine.library import ProcessLibrary, load_library
from engine.scripting import reporting_script_engine
from engine.serialization import StateSerializer
from engine.steps import (
    check_data,
    complete,
    completed_since,
    deliver_message,
    deliver_signal,
    fire_timers,
    new_workflow,
    run,
    step_path,
    take_outgoing,
)
from engine.submission import clean_submission, ready_task
from engine.timer_values import apply_timer_data
from engine.view import ready_person_tasks, view

_SERIALIZER = StateSerializer()
_CAPACITY = 16
MEMORY_EXIT = 75  # the exit status after a memory failure (engine.sandbox reads it)


class NeedFiles(Exception):
    """The parent must send the documents of a library this process has not loaded (or dropped)."""


class Worker:
    """The request handler; also used in-process (no isolation) by benchmarks as the baseline."""

    def __init__(self, report: Callable[[str], None] | None = None) -> None:
        self._libraries: OrderedDict[str, ProcessLibrary] = OrderedDict()
        self._tables: OrderedDict[str, Any] = OrderedDict()
        self._report = report or (lambda element: None)
        self.element: str | None = None

    def _at(self, element: str) -> None:
        if element != self.element:
            self.element = element
            self._report(element)

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> Any:
        cache[key] = value
        while len(cache) > _CAPACITY:
            cache.popitem(last=False)
        return value

    def _library(self, request: dict[str, Any]) -> ProcessLibrary:
        key = request["library"]
        found = self._libraries.get(key)
        if found is not None:
            self._libraries.move_to_end(key)
            return found
        if "files" not in request:
            raise NeedFiles
        library = load_library(request["files"], request["main"], validate_xsd=False, lint=False)
        return self._remember(self._libraries, key, library)

    def _decisions(self, request: dict[str, Any]) -> Any:
        key = request["library"]
        found = self._tables.get(key)
        if found is not None:
            return found
        if "files" not in request:
            raise NeedFiles
        return self._remember(self._tables, key, parse_tables(request["files"], lint=False))

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        self.element = None
        try:
            if request["op"] == "load":
                load = self._decisions if request["library"].startswith("dmn:") else self._library
                load(request)
                return {"ok": {}}
            if request["op"] == "decide":
                return {"ok": self._decide(request)}
            return {"ok": self._step(request)}
        except NeedFiles:
            return {"error": {"kind": "need_files"}}
        except EngineStepFailed as exc:
            return {"error": {"kind": "step", "element_id": exc.element_id, "code": exc.code, "params": exc.params}}
        except TaskNotReady as exc:
            return {"error": {"kind": "task_not_ready", "detail": str(exc)}}
        except FormInvalid as exc:
            errors = _SERIALIZER.dumps_data([[e.field, e.code, e.params] for e in exc.errors])
            return {"error": {"kind": "form_invalid", "errors": errors}}
        except DecisionFailed as exc:
            error = {"kind": "decision", "decision_id": exc.decision_id, "code": exc.code, "params": exc.params}
            return {"error": error}
        except DiagramError as exc:
            return {"error": {"kind": "diagram", "problems": [p.as_dict() for p in exc.problems]}}

    def _decide(self, request: dict[str, Any]) -> list[list[dict[str, Any]]]:
        tables = self._decisions(request)
        decision_id = request["decision_id"]
        self._at(decision_id)
        rows = _SERIALIZER.loads_data(request["rows"])
        fired = evaluate_rows(tables, decision_id, rows, self._script_engine(request))
        return json.loads(_SERIALIZER.dumps_data(fired))

    def _script_engine(self, request: dict[str, Any]) -> Any:
        limits = DataLimits(**request.get("data_limits", {}))

        def check(task: Any) -> None:
            problem = data_problem(task.data, limits)
            if problem is not None:
                raise DataLimitExceeded(problem)

        return reporting_script_engine(float(request.get("script_seconds", 1.0)), self._at, check)

    def _clean(
        self, workflow: Any, library: ProcessLibrary, request: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The person's submission validated against the task's form: (clean answers, task data)."""
        task = ready_task(workflow, request["task_id"])
        submitted = _SERIALIZER.loads_data(request["submitted"])
        extra = _SERIALIZER.loads_data(request.get("extra") or "{}")
        files = _SERIALIZER.loads_data(request["form_files"]) if request.get("form_files") else None
        today = date.fromisoformat(request["today"])
        limits = DataLimits(**request.get("data_limits", {}))
        return clean_submission(library, task, submitted, extra, today, limits, files=files)

    def _step(self, request: dict[str, Any]) -> dict[str, Any]:
        library = self._library(request)
        engine = self._script_engine(request)
        now = datetime.fromisoformat(request["now"]) if request.get("now") else None
        since = time.time()
        op = request["op"]
        result: dict[str, Any] = {}
        if op == "start":
            workflow = new_workflow(library, _SERIALIZER.loads_data(request["data"]), engine)
            run(workflow, library, now)
        else:
            workflow = _SERIALIZER.loads(request["state"], library.spec, library.subprocess_specs)
            workflow.script_engine = engine
            result["before"] = [
                str(t.id) for t in ready_person_tasks(workflow) if library.user_task(t.task_spec.bpmn_id) is not None
            ]
            if op == "run":
                run(workflow, library, now)
            elif op == "complete":
                # The task's own variables as it waited (its data: one instance of a multi-instance
                # activity has its own), for what the application does after the step.
                result["variables"] = _SERIALIZER.dumps_data(dict(ready_task(workflow, request["task_id"]).data))
                if "submitted" in request:  # validated here (engine.submission)
                    answers, data = self._clean(workflow, library, request)
                    result["clean"] = _SERIALIZER.dumps_data(answers)
                else:
                    data = _SERIALIZER.loads_data(request.get("data") or "{}")
                    answers = _SERIALIZER.loads_data(request.get("answers") or "{}")
                complete(workflow, library, request["task_id"], now, data, answers)
            elif op == "fire_timers":
                fire_timers(workflow, library, now)
            elif op == "message":
                payload = _SERIALIZER.loads_data(request["payload"])
                result["delivered"] = deliver_message(workflow, library, request["name"], payload, now)
            elif op == "signal":
                result["delivered"] = deliver_signal(workflow, library, request["name"], now)
            else:
                raise ValueError(f"unknown operation {op!r}")
            # Timer data the caller sets after the step (engine Instance.complete's ``timers``).
            if "timers" in request and apply_timer_data(workflow, _SERIALIZER.loads_data(request["timers"])):
                fire_timers(workflow, library, now)
        completed = completed_since(workflow, since)
        result["path"] = step_path(completed)
        result["thrown"] = take_outgoing(workflow, completed)
        check_data(workflow, DataLimits(**request.get("data_limits", {})), self.element)
        delivering = op in ("message", "signal")
        if not delivering or result["delivered"]:
            compact(workflow)  # the state as it is stored: the caller writes this text unchanged
            result["state"] = _SERIALIZER.dumps(workflow)
            result["view"] = view(workflow, library, _SERIALIZER)  # read on the other side, not parsed there
        else:
            result["state"] = None
        return result


def _limit_memory(megabytes: int) -> None:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    used = pages * resource.getpagesize()
    budget = used + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cpu_used() -> float:
    """Processor seconds this process has used. Not time.process_time(): while RLIMIT_CPU is set the
    kernel runs a process CPU timer, and the clock process_time reads then lags until the next tick
    or switch, so the time of a request was partly counted in the wait for the next one (about a
    third of it, measured against /proc); getrusage sums the exact run time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(seconds: float, used: float) -> None:
    soft = math.ceil(used + seconds)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _write(out: Any, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n")
    out.flush()


def main(argv: list[str]) -> int:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but protocol lines on the pipe
    sys.setrecursionlimit(5000)
    _limit_memory(int(argv[1]) if len(argv) > 1 else 256)
    where = int(argv[2]) if len(argv) > 2 else None
    worker = Worker(None if where is None else lambda element: running_element.write(where, element))
    _write(out, {"ready": True})
    for line in sys.stdin.buffer:
        try:
            started = _cpu_used()
            request = json.loads(line)
            _limit_cpu(float(request.get("cpu_seconds", 5)), started)
            response = worker.handle(request)
            text = json.dumps(response, separators=(",", ":")).encode("utf-8")
            # what the request cost this process (seconds), JSON in and out included
            text = text[:-1] + b',"cpu":' + str(_cpu_used() - started).encode() + b"}"
        except MemoryError:
            response = None
        except RecursionError:
            error = {"code": "sandbox.crashed", "params": {"detail": "RecursionError"}, "element_id": worker.element}
            _write(out, {"error": {"kind": "limit", **error}})
            return MEMORY_EXIT
        if response is None:
            error = {"code": "sandbox.memory_limit", "params": {}, "element_id": worker.element}
            _write(out, {"error": {"kind": "limit", **error}})
            return MEMORY_EXIT
        out.write(text + b"\n")
        out.flush()
        if response.get("error", {}).get("code") == "sandbox.memory_limit":
            return MEMORY_EXIT
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MemoryError:
        os._exit(MEMORY_EXIT)
