"""The restricted script engine used for script tasks, gateway conditions and DMN expressions."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engine import DiagramError, EngineStepFailed, Instance, ScriptRejected, ScriptTimeout
from engine.errors import ScriptTooLarge
from engine.scripting import RestrictedEnvironment, check_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment(time_limit_seconds=0.2)


class WatchdogFired(Exception):
    pass


@pytest.fixture
def watchdog():
    """Fail instead of hanging the suite if the engine's own time limit does not stop a loop."""

    def fire(signum, frame):
        raise WatchdogFired("the script was still running after 3 s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, 3.0)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


# --- what works --------------------------------------------------------------------------------


def test_assignments_update_the_context(env):
    context = {"kind": "taklif", "count": 2}
    assert env.execute("stage = 1\nstatus = 'registered'\ncount = count + 1", context) is True
    assert context == {"kind": "taklif", "count": 3, "stage": 1, "status": "registered"}


def test_conditional_expression_and_if_statement(env):
    context = {"kind": "taklif", "extra_study_needed": False, "deadline_term": "P15D"}
    env.execute("deadline_term = 'P1M' if kind == 'taklif' else 'P15D'", context)
    assert context["deadline_term"] == "P1M"
    context = {"extra_study_needed": True, "deadline_term": "P15D"}
    env.execute("if extra_study_needed:\n    deadline_term = 'P1M'", context)
    assert context["deadline_term"] == "P1M"
    context = {"extra_study_needed": False, "deadline_term": "P15D"}
    env.execute("if extra_study_needed:\n    deadline_term = 'P1M'", context)
    assert context["deadline_term"] == "P15D"


def test_conditions_evaluate(env):
    assert env.evaluate("anonymous == True", {"anonymous": True}) is True
    assert (
        env.evaluate(
            " within_competence == False and anonymous == False ", {"within_competence": False, "anonymous": False}
        )
        is True
    )
    assert env.evaluate("kind == 'shikoyat'", {"kind": "ariza"}) is False


def test_safe_helpers_and_builtins(env):
    context: dict = {}
    env.execute(
        "due = (date(2026, 1, 1) + timedelta(days=15)).isoformat()\n"
        "root = math.sqrt(16)\n"
        "items = sorted([3, 1, 2])\n"
        "total = sum(range(10))\n"
        "first, second = items[0], items[1]\n"
        "loops = 0\n"
        "for i in range(5):\n"
        "    loops = loops + i\n",
        context,
    )
    assert context == {
        "due": "2026-01-16",
        "root": 4.0,
        "items": [1, 2, 3],
        "total": 45,
        "first": 1,
        "second": 2,
        "loops": 10,
        "i": 4,
    }


def test_helpers_and_callables_do_not_leak_into_data(env):
    context: dict = {"x": 1}
    env.execute("helper = math\nf = len\ny = 2", context)
    assert context == {"x": 1, "y": 2}


def test_deleted_names_leave_the_context(env):
    context = {"x": 1, "y": 2}
    env.execute("del y", context)
    assert context == {"x": 1}


def test_lambda_is_refused(env):
    # A lambda is a function definition; recursion through one would end in RecursionError.
    with pytest.raises(ScriptRejected, match="lambda"):
        env.execute("f = lambda v: v + 1\nz = f(1)", {})


def test_growing_a_string_by_doubling_is_stopped(env):
    with pytest.raises(ValueError, match="too large"):
        env.execute("s = 'ab'\nfor i in range(40):\n    s = s + s", {})
    with pytest.raises(ValueError, match="too large"):
        env.execute("s = 'ab'\nfor i in range(40):\n    s += s", {})


def test_fstring_of_a_huge_value_is_stopped(env):
    with pytest.raises(ValueError, match="too large"):
        env.execute("x = [[0] * 99999] * 99\ny = f'{x}'", {})


# --- refused at compile time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "code", "params"),
    [
        ("import os", "script.import", {"line": 1}),
        ("from os import path", "script.import", {"line": 1}),
        ("__import__('os')", "script.forbidden_name", {"name": "__import__"}),
        ("x = ().__class__.__bases__", "script.forbidden_attribute", {"name": "__class__"}),
        ("x = ().__class__.__bases__", "script.forbidden_attribute", {"name": "__bases__"}),
        ("eval('1')", "script.forbidden_call", {"name": "eval"}),
        ("exec('x=1')", "script.forbidden_call", {"name": "exec"}),
        ("def f():\n    pass", "script.definition", {"line": 1}),
        ("async def f():\n    pass", "script.definition", {"line": 1}),
        ("class A:\n    pass", "script.definition", {"line": 1}),
        ("global g\ng = 1", "script.global", {"line": 1}),
        ("x = 1\nx *= 2", "script.augmented_assignment", {"line": 2, "operator": "*="}),
        ("x = _secret", "script.forbidden_name", {"name": "_secret"}),
        ("x = (", "script.syntax_error", {"line": 1}),
        ("try:\n    x = 1\nexcept* ValueError:\n    pass", "script.forbidden_statement", {"statement": "TryStar"}),
    ],
)
def test_refused_by_the_compiler_with_a_code(env, source, code, params):
    refused = check_script(source, "exec")
    assert any(p.code == code and params.items() <= p.params.items() for p in refused), refused
    with pytest.raises(ScriptRejected) as info:
        env.execute(source, {})
    assert info.value.problems == refused


def test_an_unknown_refusal_of_restricted_python_keeps_its_text(env):
    refused = check_script("x = [*y for y in z]", "exec")
    assert refused and refused[0].code in ("script.refused", "script.syntax_error")
    assert refused[0].params["detail"]


def test_refused_in_conditions(env):
    assert check_script("anonymous.__class__ == bool", "eval")
    with pytest.raises(ScriptRejected):
        env.evaluate("anonymous.__class__ == bool", {"anonymous": True})
    # statements are not expressions
    assert check_script("x = 1", "eval")
    assert check_script("anonymous == True", "eval") == ()


# --- refused at run time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name"),
    [("open('/etc/passwd')", "open"), ("getattr(x, '__class__')", "getattr"), ("x = type(1)", "type")],
)
def test_dangerous_builtins_are_not_defined(env, source, name):
    assert check_script(source, "exec") == ()
    with pytest.raises(NameError, match=f"name '{name}' is not defined"):
        env.execute(source, {"x": 1})


def test_str_format_is_blocked(env):
    with pytest.raises(NotImplementedError):
        env.execute("x = '{0.__class__}'.format(1)", {})


@pytest.mark.parametrize(
    ("source", "operation"),
    [
        ("x = 'a' * 10**9", "*"),
        ("x = 10**9 * 'a'", "*"),
        ("x = [0] * 10**6", "*"),
        ("n = 10**6\nx = 2 ** n", "**"),
        ("n = 10**5\nx = 1 << n", "<<"),
        ("n = 10**1000\nx = n ** 1000", "**"),
        ("n = 10**1000\nx = n * n * n", "*"),
        ("x = list(range(10**9))", "range()"),
    ],
)
def test_huge_allocations_raise(env, source, operation):
    context: dict = {}
    with pytest.raises(ScriptTooLarge) as info:
        env.execute(source, context)
    assert isinstance(info.value, ValueError)  # a diagram's own try/except ValueError still sees it
    assert info.value.operation == operation
    assert "x" not in context


@pytest.mark.parametrize("source", ["x = 2 ** 10**6", "x = 1 << 10**5", "x = ((10**1000)**1000)**1000"])
def test_huge_constant_arithmetic_is_refused_before_it_runs(source):
    assert "script.constant_too_large" in [p.code for p in check_script(source, "exec")]


def test_arithmetic_within_limits_still_works(env):
    context: dict = {}
    env.execute("a = 'ab' * 3\nb = 2 ** 10\nc = 1 << 4\nd = 6 * 7\ne = len(list(range(100000)))", context)
    assert context == {"a": "ababab", "b": 1024, "c": 16, "d": 42, "e": 100000}


@pytest.mark.parametrize(
    "source",
    [
        "while True:\n    pass",
        "x = 0\nwhile True:\n    x = x + 1",
        "for i in range(99999):\n    for j in range(99999):\n        pass",
        "x = [0 for i in range(99999) for j in range(99999)]",
    ],
)
def test_endless_loops_time_out(env, watchdog, source):
    started = time.monotonic()
    with pytest.raises(ScriptTimeout):
        env.execute(source, {})
    assert time.monotonic() - started < 1.5


def test_time_limit_does_not_leak_the_trace_function(env, watchdog):
    previous = sys.gettrace()
    with pytest.raises(ScriptTimeout):
        env.execute("while True:\n    pass", {})
    assert sys.gettrace() is previous
    env.execute("x = 1", {})
    assert sys.gettrace() is previous


def _run_isolated(body: str, timeout: float) -> dict:
    """Run ``body`` in a fresh interpreter; it must print one JSON line. Returns it, or the timeout."""
    code = "import json, sys, time\n" + textwrap.dedent(body)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "hung", "seconds": timeout}
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_one_line_endless_loop_times_out():
    result = _run_isolated(
        """
        from engine.scripting import RestrictedEnvironment
        from engine.errors import ScriptTimeout
        started = time.monotonic()
        try:
            RestrictedEnvironment(time_limit_seconds=0.2).execute("while True: pass", {})
            outcome = "finished"
        except ScriptTimeout:
            outcome = "ScriptTimeout"
        print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started}))
        """,
        timeout=2.5,
    )
    assert result["outcome"] == "ScriptTimeout"
    assert result["seconds"] < 1.5


def test_chained_multiplication_cannot_allocate_gigabytes():
    result = _run_isolated(
        """
        import resource
        from engine.scripting import RestrictedEnvironment
        with open("/proc/self/status") as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (vm + 1024**3, vm + 1024**3))
        try:
            RestrictedEnvironment(time_limit_seconds=1.0).execute("x = ''.join(['ab' * 50000] * 99999)", {})
            outcome = "finished"
        except BaseException as exc:
            outcome = type(exc).__name__
        print(json.dumps({"outcome": outcome}))
        """,
        timeout=10,
    )
    assert result["outcome"] in ("ScriptTooLarge", "ScriptRejected")


def test_date_today_helper_works(env):
    context: dict = {}
    env.execute("today = date.today().isoformat()", context)
    assert len(context["today"]) == 10


# --- whole diagrams -----------------------------------------------------------------------------


def test_diagram_script_importing_os_is_refused(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified("appeal_registration.bpmn", "<bpmn:script>stage = 1", "<bpmn:script>import os\nstage = 1")
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert [(p.element_id, p.file) for p in errors] == [("init_registration", "appeal_registration.bpmn")]
    assert (errors[0].code, errors[0].params) == ("script.import", {"line": 1})
    assert "import statements are not allowed" in errors[0].message
    assert "#init_registration" in str(info.value)


def test_diagram_condition_using_dunder_is_refused(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_registration.bpmn",
            ">anonymous == True or representative_without_poa == True</bpmn:conditionExpression>",
            ">anonymous.__class__ == bool</bpmn:conditionExpression>",
        )
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert [(p.element_id, p.file) for p in errors] == [("gw_registration_route", "appeal_registration.bpmn")]
    assert (errors[0].code, errors[0].params["name"]) == ("script.forbidden_attribute", "__class__")


def test_script_failing_at_run_time_reports_its_element(load_modified, start_data):
    library = load_modified("appeal_registration.bpmn", "status = 'registered'", "status = open('/etc/passwd')")
    with pytest.raises(EngineStepFailed) as info:
        Instance.start(library, start_data)
    assert info.value.element_id == "init_registration"
    assert (info.value.code, info.value.params["name"]) == ("script.undefined_name", "open")
    assert info.value.params["line"] == 2
