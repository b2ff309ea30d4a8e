"""A restricted Python environment for BPMN scripts, gateway conditions and DMN expressions.

Diagrams are untrusted input, so their code never runs under plain ``exec`` with full builtins:

* it is compiled by RestrictedPython with a stricter policy of ours: no imports, no function
  or class definitions, no names or attributes starting with an underscore;
* it runs with a whitelist of builtins and a few safe helpers (``date``, ``datetime``,
  ``timedelta``, ``math``);
* ``*``, ``**`` and ``<<`` go through guards so a one-liner cannot allocate gigabytes;
* a trace function enforces a wall-clock time limit on loops.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import functools
import math
import sys
import time
from collections.abc import Callable, Mapping
from types import CodeType, FrameType, ModuleType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import ScriptRejected, ScriptTimeout

DEFAULT_TIME_LIMIT_SECONDS = 1.0
MAX_SEQUENCE_LENGTH = 100_000
MAX_POWER_EXPONENT = 1_000
MAX_SHIFT = 1_000


class _ScriptPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened: no imports, no definitions, guarded arithmetic."""

    def visit_Import(self, node: ast.Import) -> None:
        self.error(node, "import statements are not allowed in diagram scripts.")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.error(node, "import statements are not allowed in diagram scripts.")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.error(node, "function definitions are not allowed in diagram scripts.")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.error(node, "function definitions are not allowed in diagram scripts.")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.error(node, "class definitions are not allowed in diagram scripts.")

    def visit_Global(self, node: ast.Global) -> None:
        self.error(node, "global statements are not allowed in diagram scripts.")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = {ast.Mult: "_guarded_mul_", ast.Pow: "_guarded_pow_", ast.LShift: "_guarded_lshift_"}
        name = guard.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        if isinstance(node.op, (ast.Mult, ast.Pow, ast.LShift)):
            self.error(node, "augmented *=, **= and <<= are not allowed in diagram scripts.")
            return node
        return super().visit_AugAssign(node)


def _sized(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 1


def _guarded_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and not isinstance(right, int) and hasattr(right, "__len__"):
        left, right = right, left
    if isinstance(right, int) and hasattr(left, "__len__") and _sized(left) * right > MAX_SEQUENCE_LENGTH:
        raise ValueError("the result of * would be too large")
    return left * right


def _guarded_pow(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_POWER_EXPONENT:
        raise ValueError("the exponent of ** is too large")
    return base**exponent


def _guarded_lshift(value: Any, shift: Any) -> Any:
    if isinstance(shift, int) and shift > MAX_SHIFT:
        raise ValueError("the shift of << is too large")
    return value << shift


def _limited_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_SEQUENCE_LENGTH:
        raise ValueError("range() is limited to 100000 items in diagram scripts")
    return result


def _builtins() -> dict[str, Any]:
    names = (
        "abs all any bool dict divmod enumerate filter float frozenset int isinstance len list "
        "map max min reversed round set sorted str sum tuple zip None True False "
        "ValueError TypeError KeyError IndexError ZeroDivisionError"
    ).split()
    allowed = {name: getattr(builtins, name) for name in names}
    allowed["range"] = _limited_range
    return allowed


_SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": _builtins(),
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_guarded_mul_": _guarded_mul,
    "_guarded_pow_": _guarded_pow,
    "_guarded_lshift_": _guarded_lshift,
    "date": _dt.date,
    "datetime": _dt.datetime,
    "timedelta": _dt.timedelta,
    "math": math,
}

HELPER_NAMES = frozenset(_SAFE_GLOBALS)


@functools.lru_cache(maxsize=2048)
def compile_script(source: str, mode: str) -> CodeType:
    """Compile diagram code under the policy; raise ScriptRejected listing every problem."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename="<diagram>", policy=_ScriptPolicy)
    if result.errors or result.code is None:
        raise ScriptRejected("; ".join(result.errors) or "the code could not be compiled")
    return result.code


def check_script(source: str, mode: str = "exec") -> str | None:
    """Return a message describing why the code is refused, or None when it is acceptable."""
    try:
        compile_script(source, mode)
    except ScriptRejected as exc:
        return str(exc)
    return None


class _Deadline:
    """A trace function that stops Python code running past its time limit."""

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if time.monotonic() > self.until:
            raise ScriptTimeout("the script ran longer than its time limit")
        return self


def _run_limited(code: CodeType, namespace: dict[str, Any], seconds: float) -> Any:
    previous = sys.gettrace()
    sys.settrace(_Deadline(seconds))
    try:
        return eval(code, namespace)  # noqa: S307 - compiled by RestrictedPython, restricted globals
    finally:
        sys.settrace(previous)


def _is_data(value: Any) -> bool:
    return not (callable(value) or isinstance(value, ModuleType))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """SpiffWorkflow script environment backed by the restricted compiler."""

    def __init__(self, time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS) -> None:
        super().__init__({})
        self.time_limit_seconds = time_limit_seconds

    def _namespace(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
        namespace = dict(_SAFE_GLOBALS)
        namespace.update(external or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        code = compile_script(expression.strip(), "eval")
        return _run_limited(code, self._namespace(context, external_context), self.time_limit_seconds)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = compile_script(script, "exec")
        namespace = self._namespace(context, external_context)
        _run_limited(code, namespace, self.time_limit_seconds)
        for key in list(context):
            if key not in namespace:
                del context[key]
        for key, value in namespace.items():
            if key in HELPER_NAMES or key.startswith("_") or (external_context and key in external_context):
                continue
            if _is_data(value):
                context[key] = value
        return True


def restricted_script_engine(time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(time_limit_seconds))
