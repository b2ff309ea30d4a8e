"""Architecture guards.

* Only engine/ imports SpiffWorkflow: checked here by reading the source with ``ast`` and, as the
  day-to-day guard, by ruff's banned-api rule (TID251), which must really fire.
* SQL lives in the service modules: routes, template helpers, API presenters and forms/ neither
  touch ``db.session`` nor build statements with SQLAlchemy's select/insert/update/delete.
* The query string is read by one parser (webapp/platform/query_params.py): no other module or
  template reads ``request.args`` (or ``request.values``), apart from a short justified list.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BANNED_PACKAGE = "SpiffWorkflow"
NOT_ENGINE_DIRS = ("webapp", "forms", "scripts")
STATEMENT_BUILDERS = {"select", "insert", "update", "delete"}


def python_files(*relative: str) -> Iterator[Path]:
    for name in relative:
        path = ROOT / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- SpiffWorkflow stays inside engine/ ----------------------------------------------------------


def _is_banned(module: str | None) -> bool:
    return module is not None and (module == BANNED_PACKAGE or module.startswith(BANNED_PACKAGE + "."))


def imported_modules(node: ast.AST) -> list[str]:
    """Modules an import statement, importlib.import_module("...") or __import__("...") loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.level == 0 and node.module else []
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        first = node.args[0]
        if name in ("import_module", "__import__") and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def spiff_imports(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if any(_is_banned(module) for module in imported_modules(node)):
            yield node


def spiff_offenders(paths: Iterable[Path]) -> list[str]:
    return [where(path, node) for path in paths for node in spiff_imports(parse(path))]


def test_only_engine_imports_spiffworkflow() -> None:
    paths = list(python_files(*NOT_ENGINE_DIRS))
    assert any(p.parts[-2] == "webapp" for p in paths), "found no webapp modules to check"
    offenders = spiff_offenders(paths)
    assert offenders == [], "SpiffWorkflow imported outside engine/:\n" + "\n".join(offenders)


def test_the_import_check_finds_the_engines_own_imports() -> None:
    """Positive control: the same walk does see SpiffWorkflow in engine/."""
    assert any(o.startswith("engine/instance.py:") for o in spiff_offenders(python_files("engine")))


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import SpiffWorkflow\n", True),
        ("import os, SpiffWorkflow.bpmn as b\n", True),
        ("from SpiffWorkflow.bpmn import BpmnWorkflow\n", True),
        ("def f():\n    from SpiffWorkflow import task\n", True),
        ("import importlib\nimportlib.import_module('SpiffWorkflow.bpmn')\n", True),
        ("__import__('SpiffWorkflow')\n", True),
        ("import SpiffWorkflowExtras\n", False),
        ("from engine import Instance\n", False),
        ("from .SpiffWorkflow import x\n", False),
    ],
)
def test_the_import_check_recognises(source: str, found: bool) -> None:
    assert bool(list(spiff_imports(ast.parse(source)))) is found


# --- ruff's banned-api rule ----------------------------------------------------------------------


def ruff_on_stdin(filename: str, source: str) -> subprocess.CompletedProcess[str]:
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed in this environment")
    return subprocess.run(
        [str(ruff), "check", "--no-cache", "--config", "pyproject.toml", "--stdin-filename", filename, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


# The import is used, so nothing but TID251 can fire.
PROBES = [
    "import SpiffWorkflow\n\nVERSION = SpiffWorkflow\n",
    "from SpiffWorkflow.bpmn import BpmnWorkflow\n\nWORKFLOW = BpmnWorkflow\n",
]


@pytest.mark.parametrize("source", PROBES, ids=["import", "from-import"])
@pytest.mark.parametrize("filename", ["webapp/probe.py", "forms/probe.py", "webapp/cases/tasks/routes_probe.py"])
def test_ruff_bans_spiffworkflow_outside_engine(filename: str, source: str) -> None:
    result = ruff_on_stdin(filename, source)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "TID251" in output, output
    assert "Only engine/ may import SpiffWorkflow" in output, output


@pytest.mark.parametrize("source", PROBES, ids=["import", "from-import"])
def test_ruff_allows_spiffworkflow_in_engine(source: str) -> None:
    result = ruff_on_stdin("engine/probe.py", source)
    output = result.stdout + result.stderr
    assert "TID251" not in output, output
    assert result.returncode == 0, output


# --- SQL only in service modules -----------------------------------------------------------------

NO_SQL_FILES = ("webapp/templating.py", "webapp/api/presenters.py")


def no_sql_paths() -> list[Path]:
    return sorted(ROOT.glob("webapp/**/routes.py")) + [ROOT / f for f in NO_SQL_FILES] + list(python_files("forms"))


def sql_usage(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """``db.session`` / ``db.<select|insert|update|delete|engine>`` and SQLAlchemy statement builders
    (``from sqlalchemy import select [as s]``; ``import sqlalchemy [as sa]`` then ``sa.select``)."""
    builders: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "sqlalchemy":
            for alias in node.names:
                if alias.name in STATEMENT_BUILDERS:
                    builders[alias.asname or alias.name] = alias.name
                elif alias.name in ("sql", "future", "expression"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "db":
            if node.attr in {"session", "engine"} | STATEMENT_BUILDERS:
                yield node, f"db.{node.attr}"
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in builders:
                yield node, f"{builders[func.id]}("
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in STATEMENT_BUILDERS
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            ):
                yield node, f"{func.value.id}.{func.attr}("


def sql_offenders(paths: Iterable[Path]) -> list[str]:
    return [f"{where(path, node)} {what}" for path in paths for node, what in sql_usage(parse(path))]


def test_the_no_sql_modules_exist() -> None:
    for name in NO_SQL_FILES:
        assert (ROOT / name).is_file(), f"{name} moved: update this guard"
    assert len(list(ROOT.glob("webapp/**/routes.py"))) >= 3


def test_routes_presenters_templating_and_forms_do_not_touch_the_database() -> None:
    offenders = sql_offenders(no_sql_paths())
    assert offenders == [], "database access outside the service modules:\n" + "\n".join(offenders)


def test_the_sql_check_finds_the_service_modules_queries() -> None:
    """Positive control: the same check does see the services' SQL."""
    found = sql_offenders(python_files("webapp/casework/appeals/service.py", "webapp/cases/tasks/service.py"))
    assert any("db.session" in f for f in found), found
    assert any("select(" in f for f in found), found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from webapp.extensions import db\ndb.session.add(x)\n", ["db.session"]),
        ("from webapp.extensions import db\ns = db.session\n", ["db.session"]),
        ("from sqlalchemy import select\nselect(User)\n", ["select("]),
        ("from sqlalchemy import delete as remove\nremove(User)\n", ["delete("]),
        ("from sqlalchemy.sql import update\nupdate(User)\n", ["update("]),
        ("import sqlalchemy as sa\nsa.insert(User)\n", ["sa.insert("]),
        ("import sqlalchemy\nsqlalchemy.select(User)\n", ["sqlalchemy.select("]),
        ("db.select(User)\n", ["db.select"]),
        ("from sqlalchemy import select\n", []),
        ("items.update(other)\nselect = 1\nd.delete()\n", []),
        ("from engine import FormDefinition\nform.data\n", []),
    ],
)
def test_the_sql_check_recognises(source: str, found: list[str]) -> None:
    assert [what for _node, what in sql_usage(ast.parse(source))] == found


# --- no import cycles between the modules of webapp/ ---------------------------------------------


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


# The application factory (webapp/__init__.py) is the composition root: it wires every package.
COMPOSITION_ROOT = "webapp"


def import_graph(package: str = "webapp") -> dict[str, set[str]]:
    """Module → the package's modules it imports, at the top or inside a function alike (a
    function-level import hides a cycle; it does not break it)."""
    modules = {module_name(path): path for path in python_files(package)}
    modules.pop(COMPOSITION_ROOT, None)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(parse(path)):
            found = imported_modules(node)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found += [f"{node.module}.{alias.name}" for alias in node.names]  # a submodule imported by name
            targets |= {target for target in found if target in modules and target != name}
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_the_modules_of_webapp() -> None:
    graph = import_graph()
    assert "webapp.cases.versions" in graph["webapp.prevention.registry.plans"]  # the graph is not empty
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# --- The case runtime knows no subject: webapp/cases imports none of the subject domains ----------

SUBJECT_DOMAINS = ("webapp.casework", "webapp.intake", "webapp.prevention", "webapp.cooperation")


def domain_imports(tree: ast.AST) -> Iterator[ast.AST]:
    """Imports of a subject domain, at the top, inside a function or under TYPE_CHECKING alike."""
    for node in ast.walk(tree):
        modules = imported_modules(node)
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "webapp":
            modules += [f"webapp.{alias.name}" for alias in node.names]  # from webapp import casework
        if any(module == domain or module.startswith(domain + ".") for module in modules for domain in SUBJECT_DOMAINS):
            yield node


def test_the_case_runtime_imports_no_subject_domain() -> None:
    paths = list(python_files("webapp/cases"))
    assert len(paths) > 20 and ROOT / "webapp/cases/tasks/routes.py" in paths  # the packages below it too
    assert [where(path, node) for path in paths for node in domain_imports(parse(path))] == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from webapp.casework.appeals.models import Appeal", True),
        ("import webapp.intake.attachments.form_files", True),
        ("def f():\n    from webapp.prevention.registry import plans", True),
        ("if TYPE_CHECKING:\n    from webapp.cooperation.referrals.service import x", True),
        ("from webapp import casework", True),
        ("importlib.import_module('webapp.casework.replies.hooks')", True),
        ("from webapp.cases.instances import Subject", False),
        ("from webapp.platform.auth.models import User", False),
        ("from webapp.caseworkers import x", False),
    ],
)
def test_the_domain_import_check_recognises(source: str, found: bool) -> None:
    assert bool(list(domain_imports(ast.parse(source)))) is found


# --- One action, one transaction: no hand-written rollback blocks ---------------------------------

# The helper itself, and the two places that roll back a connection that may be gone.
ROLLBACK_ALLOWED = {
    "webapp/platform/transaction.py",
    "webapp/platform/observability/health.py",
    "webapp/platform/security/database_loss.py",
}


def rollbacks(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr == "rollback" and ast.unparse(func.value).endswith("session"):
            yield node


def test_only_the_transaction_helper_rolls_back() -> None:
    offenders = [
        where(path, node)
        for path in python_files("webapp")
        if str(path.relative_to(ROOT)) not in ROLLBACK_ALLOWED
        for node in rollbacks(parse(path))
    ]
    assert offenders == []


def test_the_rollback_check_finds_a_hand_written_block() -> None:
    source = "try:\n    db.session.commit()\nexcept BaseException:\n    db.session.rollback()\n    raise\n"
    assert len(list(rollbacks(ast.parse(source)))) == 1
    assert list(rollbacks(ast.parse("with transaction() as tx:\n    tx.rollback()\n"))) == []


# --- One query-parameter parser: nobody else reads request.args ------------------------------------

QUERY_ARGS_ALLOWED = {
    # the parser itself: ``query(Model)`` and ``given(keys)``
    "webapp/platform/query_params.py",
    # ``next`` after signing in: a redirect target the login form checks (a local path), not a filter
    "webapp/platform/auth/routes.py",
    # ``code``: the citizen's access code (a credential, also sent as X-Access-Code), not a filter
    "webapp/api/routes.py",
    # GeoReport v2 has its own error contract (a list of {code, description}); its parser
    # (intake.request_query) answers every bad parameter with 400 naming it
    "webapp/intake/open311/routes.py",
}
QUERY_ATTRIBUTES = {"args", "values", "query_string"}


def query_reads(tree: ast.AST) -> Iterator[ast.AST]:
    """``request.args`` / ``.values`` / ``.query_string`` where ``request`` is Flask's (imported from
    flask under any name, or reached as ``flask.request``)."""
    names: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            names.update(alias.asname or alias.name for alias in node.names if alias.name == "request")
        elif isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name for alias in node.names if alias.name == "flask")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in QUERY_ATTRIBUTES:
            owner = node.value
            flask_request = isinstance(owner, ast.Name) and owner.id in names
            flask_module_request = (
                isinstance(owner, ast.Attribute)
                and owner.attr == "request"
                and isinstance(owner.value, ast.Name)
                and owner.value.id in modules
            )
            if flask_request or flask_module_request:
                yield node


TEMPLATE_QUERY_READ = re.compile(r"\brequest\.(args|values|query_string)\b")


def test_only_the_parser_reads_the_query_string() -> None:
    offenders = [
        where(path, node)
        for path in python_files("webapp")
        if str(path.relative_to(ROOT)) not in QUERY_ARGS_ALLOWED
        for node in query_reads(parse(path))
    ]
    templates = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "webapp" / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TEMPLATE_QUERY_READ.search(line)
    ]
    assert offenders + templates == []


def test_the_allowed_query_readers_exist_and_read_it() -> None:
    for name in QUERY_ARGS_ALLOWED:
        assert list(query_reads(parse(ROOT / name))), f"{name} no longer reads the query string: drop it from the list"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from flask import request\nx = request.args.get('page')\n", 1),
        ("from flask import request as r\nx = r.values['q']\n", 1),
        ("import flask\nx = flask.request.args\n", 1),
        ("from flask import request\ndef f():\n    return dict(request.args)\n", 1),
        ("from flask import request\nx = request.form.get('q')\n", 0),
        ("def f(request):\n    return request.values.get('reply_text')\n", 0),  # not Flask's request
    ],
)
def test_the_query_string_check_recognises(source: str, found: int) -> None:
    assert len(list(query_reads(ast.parse(source)))) == found


# --- The case runtime's refusals become answers in webapp/errors.py, not in the views ------------

# The runtime's exceptions (webapp/cases/instances.py, the engine's TaskNotReady; a prevention
# plan's aliases of them). A view lets them through, saying beforehand where its page goes back to
# (webapp.errors.on_case_refusal); the handlers in webapp/errors.py choose status and message.
RUNTIME_REFUSALS = {"Conflict", "CaseNotRunning", "StepFailed", "TaskNotReady", "PlanConflict", "PlanStepFailed"}

# (module, function, exception) → why the view catches it: it continues with a flow of its own.
RUNTIME_CATCHES_ALLOWED = {
    ("webapp/casework/appeals/routes.py", "register", "StepFailed"): (
        "shows the filled registration form again so the typed appeal is not lost (the message is StepStopped's)"
    ),
    ("webapp/intake/public/routes.py", "appeal_form", "StepFailed"): (
        "shows the citizen's filled form again, with words for citizens rather than for staff"
    ),
    ("webapp/intake/public/routes.py", "withdraw", "Conflict"): "a refused withdrawal is answered as a closed appeal",
    ("webapp/intake/public/routes.py", "withdraw", "StepFailed"): "a refused withdrawal is answered as a closed appeal",
    ("webapp/intake/public/routes.py", "rate", "Conflict"): "a citizen's rating: words for citizens, not staff",
    ("webapp/intake/public/routes.py", "rate", "StepFailed"): "a citizen's rating: words for citizens, not staff",
    ("webapp/api/routes.py", "public_withdraw", "Conflict"): "a refused withdrawal is answered as a closed appeal",
    ("webapp/api/routes.py", "public_withdraw", "StepFailed"): "a refused withdrawal is answered as a closed appeal",
    ("webapp/prevention/registry/routes.py", "_open_plan", "PlanConflict"): (
        "open_plan's own refusal (a running plan, or off the registry), not a change meanwhile"
    ),
    ("webapp/studio/changes/routes.py", "sandbox_run", "TaskNotReady"): "a studio sandbox run, not a case",
}


def is_route_module(path: Path, tree: ast.AST) -> bool:
    """A blueprint's routes.py, or a module whose functions are views (``@….route(…)``)."""
    if path.name == "routes.py":
        return True
    return any(
        isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "route"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
    )


def runtime_catches(tree: ast.AST) -> Iterator[tuple[str, str, ast.ExceptHandler]]:
    """(function, exception, handler) for each ``except`` naming a runtime refusal, as a name or as
    an attribute (``plans.PlanConflict``), alone or in a tuple."""
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        for node in ast.walk(function):
            if not isinstance(node, ast.ExceptHandler) or node.type is None:
                continue
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for name in caught:
                last = name.attr if isinstance(name, ast.Attribute) else name.id if isinstance(name, ast.Name) else ""
                if last in RUNTIME_REFUSALS:
                    yield function.name, last, node
    for node in getattr(tree, "body", []):  # module level, outside any function
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                for name in caught:
                    if isinstance(name, ast.Name) and name.id in RUNTIME_REFUSALS:
                        yield "<module>", name.id, handler


def route_runtime_catches() -> dict[tuple[str, str, str], str]:
    found: dict[tuple[str, str, str], str] = {}
    for path in python_files("webapp"):
        tree = parse(path)
        if is_route_module(path, tree):
            for function, exception, handler in runtime_catches(tree):
                found[(str(path.relative_to(ROOT)), function, exception)] = where(path, handler)
    return found


def test_views_let_the_case_runtimes_refusals_through_to_the_error_handlers() -> None:
    offenders = [place for key, place in route_runtime_catches().items() if key not in RUNTIME_CATCHES_ALLOWED]
    assert offenders == [], "let these through to webapp/errors.py (on_case_refusal says where to go back)"


def test_the_allowed_runtime_catches_exist() -> None:
    found = route_runtime_catches()
    stale = [key for key in RUNTIME_CATCHES_ALLOWED if key not in found]
    assert stale == [], "no longer caught: drop them from RUNTIME_CATCHES_ALLOWED"
    assert all(reason for reason in RUNTIME_CATCHES_ALLOWED.values())


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("def f():\n    try:\n        g()\n    except Conflict:\n        pass\n", [("f", "Conflict")]),
        (
            "def f():\n    try:\n        g()\n    except (ValueError, service.StepFailed) as e:\n        pass\n",
            [("f", "StepFailed")],
        ),
        (
            "def f():\n    try:\n        g()\n    except plans.PlanConflict:\n        raise X() from None\n",
            [("f", "PlanConflict")],
        ),
        ("def f():\n    try:\n        g()\n    except service.NoticeConflict:\n        pass\n", []),
        ("def f():\n    try:\n        g()\n    except FormInvalid:\n        pass\n", []),
        ("try:\n    import x\nexcept TaskNotReady:\n    pass\n", [("<module>", "TaskNotReady")]),
    ],
)
def test_the_runtime_catch_check_recognises(source: str, found: list[tuple[str, str]]) -> None:
    assert [(function, exception) for function, exception, _ in runtime_catches(ast.parse(source))] == found


def test_the_route_module_check_recognises_views_outside_routes_py() -> None:
    view = ast.parse("@blueprint.route('/x')\ndef x():\n    return ''\n")
    assert is_route_module(Path("webapp/api/triage.py"), view)
    assert is_route_module(Path("webapp/a/routes.py"), ast.parse(""))
    assert not is_route_module(Path("webapp/a/service.py"), ast.parse("def x():\n    return ''\n"))
