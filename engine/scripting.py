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

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.transformer import FORBIDDEN_FUNC_NAMES, INSPECT_ATTRIBUTES
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import Problem, ScriptRejected, ScriptTimeout, ScriptTooLarge

DIAGRAM_FILENAME = "<diagram>"
DEFAULT_TIME_LIMIT_SECONDS = 1.0
MAX_SEQUENCE_LENGTH = 100_000
MAX_POWER_EXPONENT = 1_000
MAX_SHIFT = 1_000


class _ScriptPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened: no imports, no definitions, guarded arithmetic.

    Every refusal is recorded as a coded Problem in ``problems``: ours and the checks of
    RestrictedPython we know (names, attributes, calls, statements) by their own code, any other
    of its refusals as ``script.refused`` with its text as the detail.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[Problem] = []
        self._coded_nodes: set[int] = set()

    def refuse(self, node: ast.AST, code: str, **params: Any) -> None:
        """Record a coded refusal; RestrictedPython's own message for the same node is then dropped."""
        if id(node) in self._coded_nodes:
            return
        self._coded_nodes.add(id(node))
        problem = Problem(code, {"line": getattr(node, "lineno", None) or 1, **params})
        self.problems.append(problem)
        self.errors.append(problem.message)

    def error(self, node: ast.AST, info: str) -> None:
        if id(node) not in self._coded_nodes:
            self.refuse(node, "script.refused", detail=info)

    def not_allowed(self, node: ast.AST) -> None:
        self.refuse(node, "script.forbidden_statement", statement=type(node).__name__)

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        if name is None:
            return
        if (name.startswith("_") and name != "_") or name.endswith("__roles__") or name in FORBIDDEN_FUNC_NAMES:
            self.refuse(node, "script.forbidden_name", name=name)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        attr = node.attr
        if (attr.startswith("_") and attr != "_") or attr.endswith("__roles__") or attr in INSPECT_ATTRIBUTES:
            self.refuse(node, "script.forbidden_attribute", name=attr)
        return super().visit_Attribute(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
            self.refuse(node, "script.forbidden_call", name=node.func.id)
        return super().visit_Call(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.refuse(node, "script.import")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.refuse(node, "script.import")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.refuse(node, "script.definition")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.refuse(node, "script.definition")

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.refuse(node, "script.definition")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.refuse(node, "script.definition")

    def visit_Global(self, node: ast.Global) -> None:
        self.refuse(node, "script.global")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = {
            ast.Add: "_guarded_add_",
            ast.Mult: "_guarded_mul_",
            ast.Pow: "_guarded_pow_",
            ast.LShift: "_guarded_lshift_",
        }
        name = guard.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        guarded = ast.Call(func=ast.Name(id="_guarded_format_value_", ctx=ast.Load()), args=[node.value], keywords=[])
        node.value = ast.fix_missing_locations(ast.copy_location(guarded, node.value))
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        if isinstance(node.op, (ast.Mult, ast.Pow, ast.LShift)):
            operator = {ast.Mult: "*=", ast.Pow: "**=", ast.LShift: "<<="}[type(node.op)]
            self.refuse(node, "script.augmented_assignment", operator=operator)
            return node
        if isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
            # x += y becomes x = _guarded_add_(x, y), so the size guard applies.
            value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=ast.Add(), right=node.value)
            assign = ast.Assign(targets=[node.target], value=ast.copy_location(value, node))
            return self.visit(ast.fix_missing_locations(ast.copy_location(assign, node)))
            return node
        return super().visit_AugAssign(node)


def _weight(value: Any, budget: int = MAX_SEQUENCE_LENGTH) -> int:
    """How many characters and items a value holds, nested; stops counting past ``budget``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
        if total > budget:
            return total
    return total


def _check_weight(value: Any, what: str) -> None:
    if _weight(value) > MAX_SEQUENCE_LENGTH:
        raise ScriptTooLarge(what)


def _guarded_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and not isinstance(right, int) and hasattr(right, "__len__"):
        left, right = right, left
    if isinstance(right, int) and hasattr(left, "__len__") and _weight(left) * max(right, 0) > MAX_SEQUENCE_LENGTH:
        raise ScriptTooLarge("*")
    return left * right


def _guarded_add(left: Any, right: Any) -> Any:
    if hasattr(left, "__len__") and hasattr(right, "__len__") and len(left) + len(right) > MAX_SEQUENCE_LENGTH:
        raise ScriptTooLarge("+")
    return left + right


def _guarded_str(value: Any = "") -> str:
    _check_weight(value, "str()")
    return str(value)


def _guarded_repr(value: Any) -> str:
    _check_weight(value, "repr()")
    return repr(value)


def _guarded_join(separator: str) -> Callable[[Any], str]:
    def join(items: Any) -> str:
        items = list(items)
        _check_weight(items, "join()")
        if len(separator) * len(items) > MAX_SEQUENCE_LENGTH:
            raise ScriptTooLarge("join()")
        return separator.join(items)

    return join


def _guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, str) and name == "join":
        return _guarded_join(obj)
    return safer_getattr(obj, name, default)


def _guarded_format_value(value: Any) -> Any:
    _check_weight(value, "an f-string value")
    return value


_TIME_MODULES = frozenset({"time", "_strptime"})


def _internal_import(name: str, *args: Any, **kwargs: Any) -> Any:
    """Only for C code inside the allowed helpers (``date.today()`` imports ``time``).

    Diagram code itself can never reach this: import statements and underscore names are
    refused at compile time.
    """
    if name not in _TIME_MODULES:
        raise ImportError(f"importing {name!r} is not allowed in diagram scripts")
    return builtins.__import__(name, *args, **kwargs)


def _guarded_pow(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_POWER_EXPONENT:
        raise ScriptTooLarge("**")
    return base**exponent


def _guarded_lshift(value: Any, shift: Any) -> Any:
    if isinstance(shift, int) and shift > MAX_SHIFT:
        raise ScriptTooLarge("<<")
    return value << shift


def _limited_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_SEQUENCE_LENGTH:
        raise ScriptTooLarge("range()")
    return result


def _builtins() -> dict[str, Any]:
    names = (
        "abs all any bool dict divmod enumerate filter float frozenset int isinstance len list map max min "
        "reversed round set sorted str sum tuple zip None True False "
        "ValueError TypeError KeyError IndexError ZeroDivisionError"
    )
    allowed = {name: getattr(builtins, name) for name in names.split()}
    allowed["range"] = _limited_range
    allowed["str"] = _guarded_str
    allowed["repr"] = _guarded_repr
    allowed["__import__"] = _internal_import
    return allowed


_SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": _builtins(),
    "_getattr_": _guarded_getattr,
    "_guarded_format_value_": _guarded_format_value,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_guarded_add_": _guarded_add,
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
    """Compile diagram code under the policy; raise ScriptRejected with every problem, coded.

    The same steps as RestrictedPython's compile_restricted_exec/eval (parse, transform, compile),
    done here so that its refusals reach us as data rather than sentences.
    """
    try:
        tree: ast.Module | ast.Expression = ast.parse(source, DIAGRAM_FILENAME, mode)  # type: ignore[assignment]
    except SyntaxError as exc:
        problem = Problem("script.syntax_error", {"line": exc.lineno or 1, "detail": exc.msg})
        raise ScriptRejected((problem,)) from None
    except ValueError as exc:  # source with NUL bytes
        raise ScriptRejected((Problem("script.syntax_error", {"line": 1, "detail": str(exc)}),)) from None
    policy = _ScriptPolicy([], [], {})
    policy.visit(tree)
    if policy.problems:
        raise ScriptRejected(tuple(policy.problems))
    return compile(tree, DIAGRAM_FILENAME, mode)


def check_script(source: str, mode: str = "exec") -> tuple[Problem, ...]:
    """Why the code is refused, coded (empty when it is acceptable)."""
    try:
        compile_script(source, mode)
    except ScriptRejected as exc:
        return exc.problems
    return ()


class _Deadline:
    """A trace function that stops diagram code running past its time limit.

    Diagram frames are traced per opcode, not per line: a one-line ``while True: pass`` is a
    single jump to itself and emits no line events.
    """

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "call":
            if frame.f_code.co_filename != DIAGRAM_FILENAME:
                return None
            frame.f_trace_opcodes = True
        if time.monotonic() > self.until:
            raise ScriptTimeout("script.timeout")
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
