"""What went wrong while a case ran, as a coded Problem (engine.problems), never as a sentence.

SpiffWorkflow wraps a failing script, condition or decision in a WorkflowTaskException whose
context is the original Python exception; we recognise that exception by its type and
attributes (``NameError.name``, the line of the diagram's frame in its traceback), and
SpiffWorkflow's own failures by the kind of task spec that raised them. Anything else becomes
``engine.unknown`` with its text as the detail.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice

from engine.errors import DataLimitExceeded, EngineStepFailed, Problem, ScriptRejected, ScriptTimeout, ScriptTooLarge
from engine.problems import unknown
from engine.scripting import DIAGRAM_FILENAME, MAX_DEPTH


def _diagram_line(exc: BaseException) -> int | None:
    """The line of the diagram's own code where ``exc`` was raised (None if it was not raised there)."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == DIAGRAM_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _original(exc: BaseException) -> BaseException | None:
    """The first exception in the chain that is not SpiffWorkflow's own wrapper."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if not isinstance(current, SpiffWorkflowException):
            return current
        current = current.__cause__ or current.__context__
    return None


def _script_problem(exc: BaseException) -> Problem | None:
    """A failure of diagram code (ours or Python's), or None when ``exc`` did not come from it."""
    if isinstance(exc, ScriptRejected) and exc.problems:
        return exc.problems[0]
    if isinstance(exc, DataLimitExceeded):
        return exc.problem
    if isinstance(exc, MemoryError):
        return Problem("sandbox.memory_limit")
    if isinstance(exc, RecursionError):
        return Problem("script.too_deep", {"limit": MAX_DEPTH})
    if isinstance(exc, ScriptTimeout):
        return Problem("script.timeout")
    if isinstance(exc, ScriptTooLarge):
        return Problem("script.too_large", {"operation": exc.operation})
    line = _diagram_line(exc)
    if line is None:
        return None
    if isinstance(exc, NameError):
        return Problem("script.undefined_name", {"line": line, "name": getattr(exc, "name", None) or ""})
    if isinstance(exc, KeyError):
        return Problem("script.missing_key", {"line": line, "key": repr(exc.args[0]) if exc.args else ""})
    if isinstance(exc, ZeroDivisionError):
        return Problem("script.division_by_zero", {"line": line})
    return Problem("script.failed", {"line": line, "error_type": type(exc).__name__, "detail": str(exc)})


def _spiff_problem(exc: BaseException) -> Problem | None:
    """SpiffWorkflow's own runtime failures, recognised by the task spec that raised them."""
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None) or getattr(exc, "task_spec", None)
    if type(exc) is WorkflowException and isinstance(spec, ExclusiveChoice):
        return Problem("gateway.no_condition_met")
    if isinstance(exc, WorkflowException) and isinstance(spec, InclusiveGateway):
        return Problem("gateway.no_condition_met")
    if isinstance(exc, WorkflowException) and isinstance(spec, SubWorkflowTask):
        return Problem("call.missing_at_runtime")
    return None


def failure_problem(exc: BaseException) -> Problem:
    """What ``exc`` (raised while the engine ran diagram steps) means, coded."""
    original = _original(exc)
    if original is not None:
        problem = _script_problem(original)
        if problem is not None:
            return problem
    problem = _spiff_problem(exc)
    if problem is not None:
        return problem
    cause = original if original is not None else exc
    text = str(cause) if isinstance(cause, SpiffWorkflowException) else f"{type(cause).__name__}: {cause}"
    return Problem(*unknown(text))


def _element_id(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) if spec is not None else None


def step_failure(exc: BaseException) -> EngineStepFailed:
    """The EngineStepFailed for an exception raised while running: the element, code and params."""
    task = getattr(exc, "task", None)
    element = _element_id(task) if task is not None else None
    if element is None:
        element = getattr(getattr(exc, "task_spec", None), "bpmn_id", None)
    problem = failure_problem(exc)
    return EngineStepFailed(element, problem.code, dict(problem.params))
