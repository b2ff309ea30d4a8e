"""Run every engine step that evaluates diagram code in an isolated process with hard limits.

Scripts, gateway and flow conditions, timer expressions and DMN expressions are untrusted code.
The restricted compiler (engine.scripting) refuses what it can see and its trace hook stops most
loops, but code can catch that exception, and a single long built-in call never reaches the hook.
So each step runs in a worker process (``python -m engine.sandbox_worker``) under OS limits the
code cannot lift — processor time (RLIMIT_CPU), address space (RLIMIT_AS) — and a wall-clock
deadline after which this side kills it. State goes in and out as JSON. A killed or failed worker
is replaced; the caller gets a coded EngineStepFailed (``sandbox.time_limit``,
``sandbox.memory_limit``, ``sandbox.crashed``) naming the element that was running (the worker
keeps its id in a file this side reads then: engine.running_element).

Workers are plain child processes started with subprocess (not multiprocessing), so this works
the same in gunicorn workers, the development server's threads, the in-process job thread and
Celery's daemonic pool processes (which may not start multiprocessing children). Each process
keeps its own small pool; idle workers are reused, a fork of this process starts a new pool.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import running_element
from engine.data_limits import DataLimits
from engine.errors import (
    DiagramError,
    DiagramProblem,
    EngineError,
    EngineStepFailed,
    FieldError,
    FormInvalid,
    TaskNotReady,
)
from engine.serialization import StateSerializer

_SERIALIZER = StateSerializer()
_ROOT = str(Path(__file__).resolve().parent.parent)
_START_TIMEOUT = 60.0
_LOAD_SECONDS = 60.0
MAX_IDLE = 4
MEMORY_EXIT = 75  # engine.sandbox_worker exits with it after a memory failure


@dataclass(frozen=True)
class SandboxLimits:
    """The limits of one step. ``script_seconds`` is the trace-hook limit of each script (the
    first line of defence, inside the worker); the others are enforced by the OS and this side."""

    cpu_seconds: float = 3.0
    wall_seconds: float = 6.0
    memory_mb: int = 256
    script_seconds: float = 1.0
    data: DataLimits = field(default_factory=DataLimits)


class SandboxBreach(EngineError):
    """The worker was stopped by a limit or died; coded like every engine problem."""

    def __init__(self, element_id: str | None, code: str, params: Mapping[str, Any]) -> None:
        super().__init__(code)
        self.element_id = element_id
        self.code = code
        self.params = dict(params)


class _Died(Exception):
    pass


class _Worker:
    def __init__(self, limits: SandboxLimits) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH", "")) if p)
        where = running_element.shared_file()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "engine.sandbox_worker", str(limits.memory_mb), str(where)],
                pass_fds=(where,),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=_ROOT,
                start_new_session=True,
            )
        except BaseException:
            os.close(where)
            raise
        self._where: int | None = where  # closed with the worker (kill)
        self.loaded: set[str] = set()
        self.served = 0  # requests answered (a fresh worker's verdict on memory is final)
        self._buffer = bytearray()
        self.ready = False

    def _line(self, deadline: float) -> dict[str, Any]:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return dict(json.loads(line))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            readable, _, _ = select.select([fd], [], [], remaining)
            if readable:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise _Died
                self._buffer.extend(chunk)

    def wait_ready(self) -> None:
        if not self.ready:
            self._line(time.monotonic() + _START_TIMEOUT)
            self.ready = True

    def call(self, request: dict[str, Any], wall_seconds: float) -> dict[str, Any]:
        """Send a request; its answer. Raises TimeoutError or _Died."""
        self.wait_ready()
        data = json.dumps(request, separators=(",", ":")).encode("utf-8") + b"\n"
        if self._where is not None:  # the worker waits for the request: no race
            running_element.write(self._where, None)
        try:
            self.proc.stdin.write(data)  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            raise _Died from None
        return self._line(time.monotonic() + wall_seconds)

    def element(self) -> str | None:
        """The element whose code the worker ran last in this request (read once it has stopped)."""
        return None if self._where is None else running_element.read(self._where)

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        where, self._where = self._where, None
        if where is not None:
            os.close(where)

    def signal_of_death(self) -> int | None:
        code = self.proc.wait()
        return -code if code < 0 else None


class _Pool:
    def __init__(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self.limits)

    def give(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(worker)
                return
        worker.kill()

    def replace(self, worker: _Worker) -> None:
        """Kill a breached worker and start its successor now, so it is warm for the next step."""
        worker.kill()
        self.give(_Worker(self.limits))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_state_lock = threading.Lock()
# Counters of this process's isolated calls: processor time the workers spent on them, and how many.
STATS: dict[str, float] = {"worker_cpu_seconds": 0.0, "requests": 0}
_limits = SandboxLimits()
_pool: _Pool | None = None
_inline: Any = None  # an in-process worker: benchmarks' baseline only (no isolation)


def configure(limits: SandboxLimits | None = None, *, isolated: bool = True, **changes: Any) -> SandboxLimits:
    """Set the limits (the application factory reads them from its configuration); workers
    started under other limits are stopped. ``isolated=False`` is for benchmarks only."""
    global _limits, _pool, _inline
    with _state_lock:
        new = replace(limits or _limits, **changes)
        if new != _limits and _pool is not None:
            _pool.close()
            _pool = None
        _limits = new
        if isolated:
            _inline = None
        elif _inline is None:
            from engine.sandbox_worker import Worker

            _inline = Worker()
        return _limits


def limits() -> SandboxLimits:
    return _limits


def _current_pool() -> _Pool:
    global _pool
    with _state_lock:
        if _pool is None or _pool.pid != os.getpid():
            _pool = _Pool(_limits)  # a fork does not share its parent's workers
        return _pool


def shutdown() -> None:
    global _pool
    with _state_lock:
        pool, _pool = _pool, None
    if pool is not None and pool.pid == os.getpid():
        pool.close()


atexit.register(shutdown)


def _breach(worker: _Worker, pool: _Pool, timed_out: bool) -> SandboxBreach:
    element = worker.element()
    pool.replace(worker)
    signal_number = worker.signal_of_death()
    if timed_out or signal_number == signal.SIGXCPU:
        return SandboxBreach(element, "sandbox.time_limit", {"seconds": _seconds(pool.limits)})
    if worker.proc.returncode == MEMORY_EXIT:
        return SandboxBreach(element, "sandbox.memory_limit", {})
    detail = f"signal {signal_number}" if signal_number else f"exit code {worker.proc.returncode}"
    return SandboxBreach(element, "sandbox.crashed", {"detail": detail})


def _seconds(limits: SandboxLimits) -> str:
    return f"{min(limits.cpu_seconds, limits.wall_seconds):g}"


def _exchange(worker: _Worker, pool: _Pool, request: dict[str, Any], wall: float) -> dict[str, Any]:
    try:
        message = worker.call(request, wall)
    except TimeoutError:
        raise _breach(worker, pool, timed_out=True) from None
    except _Died:
        raise _breach(worker, pool, timed_out=False) from None
    with _state_lock:
        STATS["worker_cpu_seconds"] += float(message.get("cpu", 0.0))
        STATS["requests"] += 1
    error = message.get("error")
    if error and error.get("kind") == "limit":
        element = error.get("element_id") or worker.element()
        pool.replace(worker)
        raise SandboxBreach(element, error["code"], error.get("params") or {})
    return message


def _call_with(worker: _Worker, pool: _Pool, request: dict[str, Any], files: Mapping[str, Any]) -> dict[str, Any]:
    limits = pool.limits
    key = request["library"]
    base = {
        **request,
        "cpu_seconds": limits.cpu_seconds,
        "script_seconds": limits.script_seconds,
        "data_limits": asdict(limits.data),
    }
    if key not in worker.loaded:
        # The first use of a version in this worker: its documents travel once, parsed under a
        # generous limit (our own parser, not diagram code), then the step itself runs.
        load = {**base, "op": "load", "files": _text_files(files), "cpu_seconds": _LOAD_SECONDS}
        answer = _exchange(worker, pool, load, _LOAD_SECONDS)
        _raise_diagram(answer)
        worker.loaded.add(key)
    answer = _exchange(worker, pool, base, limits.wall_seconds)
    if answer.get("error", {}).get("kind") == "need_files":
        worker.loaded.discard(key)
        return _call_with(worker, pool, request, files)
    return answer


def _raise_diagram(answer: dict[str, Any]) -> None:
    error = answer.get("error")
    if error and error.get("kind") == "diagram":
        problems = [
            DiagramProblem(p["code"], p["params"], p["element_id"], p["file"], p["line"], p["severity"])
            for p in error["problems"]
        ]
        raise DiagramError(problems)


def _text_files(files: Mapping[str, bytes | str]) -> dict[str, str]:
    return {name: c.decode("utf-8") if isinstance(c, bytes) else c for name, c in files.items()}


def call(request: dict[str, Any], files: Mapping[str, bytes | str]) -> dict[str, Any]:
    """Send one request to an isolated worker; its answer (``ok`` or a non-limit ``error``).

    A memory failure in a worker that served earlier requests may be the weight of what it
    keeps (parsed libraries, a fragmented heap), not of this step: the step is tried once more
    in a fresh worker, whose verdict stands (so is a document that such a worker could not read)."""
    if _inline is not None:
        return _call_inline(request, files)
    pool = _current_pool()
    worker = pool.take()
    try:
        answer = _call_on(worker, pool, request, files)
    except SandboxBreach as breach:
        if breach.code != "sandbox.memory_limit" or not worker.served:
            raise
        worker = _Worker(pool.limits)
        answer = _call_on(worker, pool, request, files)
    except DiagramError:
        # Loading a version in a worker that keeps others: an allocation refused inside the XML
        # parser reads as a malformed document, not as a memory failure. A fresh worker decides.
        if not worker.served:
            raise
        worker = _Worker(pool.limits)
        answer = _call_on(worker, pool, request, files)
    pool.give(worker)
    _raise_diagram(answer)
    return answer


def _call_on(worker: _Worker, pool: _Pool, request: dict[str, Any], files: Mapping[str, Any]) -> dict[str, Any]:
    try:
        answer = _call_with(worker, pool, request, files)
    except SandboxBreach:
        raise
    except BaseException:
        worker.kill()
        raise
    worker.served += 1
    return answer


def _call_inline(request: dict[str, Any], files: Mapping[str, bytes | str]) -> dict[str, Any]:
    limits = _limits
    full = {**request, "script_seconds": limits.script_seconds, "data_limits": asdict(limits.data)}
    answer = _inline.handle(full)
    if answer.get("error", {}).get("kind") == "need_files":
        answer = _inline.handle({**full, "op": "load", "files": _text_files(files)})
        _raise_diagram(answer)
        answer = _inline.handle(full)
    _raise_diagram(answer)
    return dict(json.loads(json.dumps(answer)))


# --- The two kinds of request ------------------------------------------------------------------


def step(
    library_key: str,
    main_process_id: str,
    files: Mapping[str, bytes | str],
    op: str,
    now: datetime | None,
    **args: Any,
) -> dict[str, Any]:
    """Run one engine step (``start``, ``run``, ``complete``, ``fire_timers``, ``message``).

    Returns ``{"state", "path", ...}``; raises EngineStepFailed (coded, with the element),
    TaskNotReady or FormInvalid (a submission validated in the engine process).
    """
    request = {"op": op, "library": library_key, "main": main_process_id, "now": now.isoformat() if now else None}
    request.update(args)
    try:
        answer = call(request, files)
    except SandboxBreach as exc:
        raise EngineStepFailed(exc.element_id, exc.code, exc.params) from None
    error = answer.get("error")
    if error is None:
        return dict(answer["ok"])
    if error["kind"] == "task_not_ready":
        raise TaskNotReady(error["detail"])
    if error["kind"] == "form_invalid":
        errors = _SERIALIZER.loads_data(error["errors"])
        raise FormInvalid([FieldError(field, code, dict(params)) for field, code, params in errors])
    raise EngineStepFailed(error.get("element_id"), error["code"], error.get("params") or {})


def decide(
    key: str, files: Mapping[str, bytes | str], decision_id: str, rows: list[Mapping[str, Any]]
) -> list[list[dict[str, Any]]]:
    """Evaluate a decision for every row in one isolated call; raises DecisionFailed."""
    from engine.decisions import DecisionFailed

    request = {"op": "decide", "library": key, "main": "", "decision_id": decision_id}
    request["rows"] = _SERIALIZER.dumps_data([dict(row) for row in rows])
    try:
        answer = call(request, files)
    except SandboxBreach as exc:
        raise DecisionFailed(decision_id, exc.code, exc.params) from None
    error = answer.get("error")
    if error is not None:
        raise DecisionFailed(decision_id, error.get("code", "engine.unknown"), error.get("params") or {})
    return list(_SERIALIZER.loads_data(json.dumps(answer["ok"])))
