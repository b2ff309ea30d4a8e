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
import re
import string
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
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import FORBIDDEN_FUNC_NAMES, INSPECT_ATTRIBUTES
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import EngineError, Problem, ScriptRejected, ScriptTimeout, ScriptTooLarge

DIAGRAM_FILENAME = "<diagram>"
DEFAULT_TIME_LIMIT_SECONDS = 1.0
MAX_SEQUENCE_LENGTH = 100_000
MAX_POWER_EXPONENT = 1_000
MAX_SHIFT = 1_000
MAX_INT_BITS = 8_192  # about 2,466 decimal digits
MAX_CONSTANT = 10**18
MAX_SCRIPT_CHARS = 20_000
MAX_EXPRESSION_CHARS = 4_000
MAX_NODES = 5_000
MAX_DEPTH = 40
# The parts of ``math`` a procedure may need; factorial, comb, perm, prod and the like can run
# for minutes in one call that no time limit inside the process can interrupt.
MATH_NAMES = frozenset(
    "ceil floor trunc sqrt fabs fmod exp log log2 log10 pow sin cos tan atan atan2 hypot radians degrees "
    "pi e inf nan isfinite isinf isnan isclose copysign".split()
)
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_FORMAT_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[_,]?(?:\.(\d+))?[a-zA-Z%]?$")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


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
        elif isinstance(node.value, ast.Name) and node.value.id == "math" and attr not in MATH_NAMES:
            self.refuse(node, "script.unbounded", name=f"math.{attr}")
        return super().visit_Attribute(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_CONSTANT:
            self.refuse(node, "script.constant_too_large")
        return super().visit_Constant(node)

    def _check_width(self, node: ast.AST, widths: list[int]) -> None:
        for width in widths:
            if width > MAX_SEQUENCE_LENGTH:
                self.refuse(node, "script.format_width", width=width, limit=MAX_SEQUENCE_LENGTH)
                return

    def _check_constant_call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in _WIDTH_METHODS:
            self._check_width(node, [w for w in map(_constant_int, node.args) if w is not None])
        elif func.attr in ("format", "format_map") and isinstance(func.value, ast.Constant):
            template = func.value.value
            try:
                if isinstance(template, str):
                    self._check_width(node, _format_widths(template))
            except ScriptTooLarge:
                self.refuse(node, "script.format_width", width="{}", limit=MAX_SEQUENCE_LENGTH)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
            self.refuse(node, "script.forbidden_call", name=node.func.id)
        self._check_constant_call(node)
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
        bits = _constant_bits(node)
        if bits is not None and bits > MAX_INT_BITS:
            self.refuse(node, "script.constant_too_large")
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            try:
                self._check_width(node, _percent_widths(node.left.value))
            except ScriptTooLarge:
                self.refuse(node, "script.format_width", width="*", limit=MAX_SEQUENCE_LENGTH)
        node = self.node_contents_visit(node)
        guard = {
            ast.Add: "_guarded_add_",
            ast.Mult: "_guarded_mul_",
            ast.Pow: "_guarded_pow_",
            ast.LShift: "_guarded_lshift_",
            ast.Mod: "_guarded_mod_",
        }
        name = guard.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values):
            try:
                self._check_width(node, _format_spec_widths("".join(str(v.value) for v in spec.values)))  # type: ignore[attr-defined]
            except ScriptTooLarge:
                self.refuse(node, "script.format_width", width="?", limit=MAX_SEQUENCE_LENGTH)
        node = self.node_contents_visit(node)
        # f"{value!r:>{width}}" becomes f"{_guarded_format_value_(value, 'r', f'>{width}')}": the
        # conversion and the (possibly computed) spec are applied by the guard, which checks the width.
        spec_node: ast.expr = node.format_spec if node.format_spec is not None else ast.Constant("")
        args = [node.value, ast.Constant(chr(node.conversion) if node.conversion > 0 else ""), spec_node]
        guarded = ast.Call(func=ast.Name(id="_guarded_format_value_", ctx=ast.Load()), args=args, keywords=[])
        node.value = ast.fix_missing_locations(ast.copy_location(guarded, node.value))
        node.conversion = -1
        node.format_spec = None
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
        elif isinstance(item, range):
            total += len(item)
        else:
            total += 1
        if total > budget:
            return total
    return total


def _check_weight(value: Any, what: str) -> None:
    if _weight(value) > MAX_SEQUENCE_LENGTH:
        raise ScriptTooLarge(what)


def _int_bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _guarded_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
        raise ScriptTooLarge("*")
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
    if isinstance(obj, (str, bytes)):
        if name == "join" and isinstance(obj, str):
            return _guarded_join(obj)
        if name in _WIDTH_METHODS:
            return _width_method(getattr(obj, name), f"{name}()")
        if name == "replace":
            return _guarded_replace(obj)
    if isinstance(obj, list) and name == "extend":
        return _guarded_extend(obj)
    if isinstance(obj, (list, bytearray)) and name == "__imul__":
        raise ScriptTooLarge("*=")
    return safer_getattr(obj, name, default)


def _format_spec_widths(spec: str) -> list[int]:
    """The width and precision of a format spec; a spec we cannot read is refused."""
    match = _FORMAT_SPEC.match(spec)
    if match is None:
        raise ScriptTooLarge("format")
    return [int(n) for n in match.groups() if n]


def _format_widths(template: str) -> list[int]:
    """Every width and precision in a str.format template (nested replacement fields refused)."""
    widths: list[int] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return widths
    for _text, _field, spec, _conversion in parsed:
        if spec:
            if "{" in spec:
                raise ScriptTooLarge("format")
            widths.extend(_format_spec_widths(spec))
    return widths


def _percent_widths(template: str) -> list[int]:
    widths: list[int] = []
    for match in _PERCENT_SPEC.finditer(template):
        for group in match.groups():
            if group == "*":
                raise ScriptTooLarge("%")
            if group:
                widths.append(int(group))
    return widths


def _check_widths(widths: list[int], operation: str) -> None:
    if any(width > MAX_SEQUENCE_LENGTH for width in widths):
        raise ScriptTooLarge(operation)


def _guarded_format_value(value: Any, conversion: str = "", spec: str = "") -> Any:
    _check_weight(value, "an f-string value")
    converters: dict[str, Callable[[Any], str]] = {"r": repr, "s": str, "a": ascii}
    if conversion:
        value = converters[conversion](value)
    if spec:
        _check_widths(_format_spec_widths(spec), "format")
    return format(value, spec)


def _guarded_mod(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        text = left if isinstance(left, str) else left.decode("latin-1")
        _check_widths(_percent_widths(text), "%")
        _check_weight(right, "%")
    return left % right


def _width_method(method: Any, operation: str) -> Callable[..., Any]:
    def guarded(*args: Any) -> Any:
        if any(isinstance(a, int) and a > MAX_SEQUENCE_LENGTH for a in args):
            raise ScriptTooLarge(operation)
        return method(*args)

    return guarded


def _guarded_replace(text: Any) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        occurrences = text.count(old) if old else len(text) + 1
        if count >= 0:
            occurrences = min(occurrences, count)
        if len(text) + occurrences * max(len(new) - len(old), 0) > MAX_SEQUENCE_LENGTH:
            raise ScriptTooLarge("replace()")
        return text.replace(old, new, count)

    return replace


def _guarded_extend(items: Any) -> Callable[[Any], None]:
    def extend(more: Any) -> None:
        more = list(more) if not hasattr(more, "__len__") else more
        if len(items) + len(more) > MAX_SEQUENCE_LENGTH:
            raise ScriptTooLarge("extend()")
        items.extend(more)

    return extend


def _constant_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base, exponent = _constant_int(node.left), _constant_int(node.right)
        if base is not None and exponent is not None and 0 <= exponent <= 64 and abs(base) < 2**16:
            return int(base**exponent)
    return None


def _constant_bits(node: ast.AST) -> int | None:
    """How many bits a constant integer expression would need, without computing it."""
    if isinstance(node, ast.Constant):
        value = node.value
        return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
        return _constant_bits(node.operand)
    if isinstance(node, ast.BinOp):
        left = _constant_bits(node.left)
        if left is None:
            return None
        if isinstance(node.op, ast.Pow):
            exponent = _constant_int(node.right)
            return left * exponent if exponent is not None and exponent > 0 else None
        right = _constant_bits(node.right)
        if right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left + right
        if isinstance(node.op, ast.LShift):
            shift = _constant_int(node.right)
            return left + shift if shift is not None else None
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return max(left, right) + 1
    return None


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
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and _int_bits(base) * exponent > MAX_INT_BITS
    ):
        raise ScriptTooLarge("**")
    return base**exponent


def _guarded_lshift(value: Any, shift: Any) -> Any:
    if isinstance(shift, int) and (shift > MAX_SHIFT or _int_bits(value) + shift > MAX_INT_BITS):
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


def _bounded_math() -> ModuleType:
    """``math`` with only the functions that finish quickly on any argument (MATH_NAMES)."""
    module = ModuleType("math")
    for name in MATH_NAMES:
        setattr(module, name, getattr(math, name))
    return module


_SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": _builtins(),
    "_getattr_": _guarded_getattr,
    "_guarded_format_value_": _guarded_format_value,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_print_": PrintCollector,  # print() writes nowhere (its text is in the script's ``printed``)
    "_guarded_add_": _guarded_add,
    "_guarded_mul_": _guarded_mul,
    "_guarded_pow_": _guarded_pow,
    "_guarded_lshift_": _guarded_lshift,
    "_guarded_mod_": _guarded_mod,
    "date": _dt.date,
    "datetime": _dt.datetime,
    "timedelta": _dt.timedelta,
    "math": _bounded_math(),
}

HELPER_NAMES = frozenset(_SAFE_GLOBALS)


def _shape_problem(tree: ast.AST) -> Problem | None:
    """Too many nodes or too deep, counted without recursion, before anything recurses over it."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            return Problem("script.too_complex", {"limit": MAX_NODES})
        if depth > MAX_DEPTH:
            return Problem("script.too_deep", {"limit": MAX_DEPTH})
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


@functools.lru_cache(maxsize=2048)
def compile_script(source: str, mode: str) -> CodeType:
    """Compile diagram code under the policy; raise ScriptRejected with every problem, coded.

    The same steps as RestrictedPython's compile_restricted_exec/eval (parse, transform, compile),
    done here so that its refusals reach us as data rather than sentences.
    """
    limit = MAX_SCRIPT_CHARS if mode == "exec" else MAX_EXPRESSION_CHARS
    if len(source) > limit:
        raise ScriptRejected((Problem("script.too_long", {"length": len(source), "limit": limit}),))
    try:
        tree: ast.Module | ast.Expression = ast.parse(source, DIAGRAM_FILENAME, mode)  # type: ignore[assignment]
    except (RecursionError, MemoryError):
        raise ScriptRejected((Problem("script.too_deep", {"limit": MAX_DEPTH}),)) from None
    except SyntaxError as exc:
        problem = Problem("script.syntax_error", {"line": exc.lineno or 1, "detail": exc.msg})
        raise ScriptRejected((problem,)) from None
    except ValueError as exc:  # source with NUL bytes
        raise ScriptRejected((Problem("script.syntax_error", {"line": 1, "detail": str(exc)}),)) from None
    shape = _shape_problem(tree)
    if shape is not None:
        raise ScriptRejected((shape,))
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


class _ReportingScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Tells ``on_element`` which element's code is about to run (the isolated worker reports it
    to its parent, which names that element if it has to stop the worker)."""

    def __init__(
        self,
        environment: RestrictedEnvironment,
        on_element: Callable[[str], None],
        after_script: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(environment=environment)
        self._on_element = on_element
        self._after_script = after_script

    def _report(self, task: Any) -> None:
        spec = getattr(task, "task_spec", None)
        element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
        if element:
            self._on_element(str(element))

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        self._report(task)
        return super().evaluate(task, expression, external_context)

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        self._report(task)
        result = super().execute(task, script, external_context)
        if self._after_script is not None:
            try:
                self._after_script(task)  # e.g. the data limits, checked on the element that wrote the data
            except EngineError as exc:
                raise WorkflowTaskException(str(exc), task=task, exception=exc) from exc
        return result


def reporting_script_engine(
    time_limit_seconds: float,
    on_element: Callable[[str], None],
    after_script: Callable[[Any], None] | None = None,
) -> PythonScriptEngine:
    return _ReportingScriptEngine(RestrictedEnvironment(time_limit_seconds), on_element, after_script)


class _NoLocalScripts(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """The script environment of workflows held by web and job processes: diagram code never
    runs there, only in the isolated engine process (engine.sandbox)."""

    def __init__(self) -> None:
        super().__init__({})

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        raise RuntimeError("diagram code runs only in the isolated engine process")

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        raise RuntimeError("diagram code runs only in the isolated engine process")


def no_local_script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=_NoLocalScripts())
