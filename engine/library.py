"""Load, validate and cache a process library: a set of BPMN and DMN documents.

A library is identified by the hash of its content. Parsed specs are cached per hash, so a
running case restores against its own version's spec without storing that spec in its state.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway, ManualTask, NoneTask, ScriptTask
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import DiagramError, DiagramProblem, located
from engine.forms import FormDefinition, form_from_spec, form_problems
from engine.parser import EngineParser, build_specs
from engine.problems import unknown
from engine.schemas import schema_problems
from engine.scripting import check_script
from engine.thrown_events import arm_event_subprocesses, interrupting_event_subprocesses
from engine.xml_safety import parse_diagram_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Tasks a person does: a user task with its form; a manual task or a plain task is confirmed done
# (no form needed). SpiffWorkflow waits for all of them.
PERSON_TASKS = (CamundaUserTask, ManualTask, NoneTask)
DMN_NAMESPACES = ("https://www.omg.org/spec/DMN/", "http://www.omg.org/spec/DMN/")


def content_hash(files: Mapping[str, bytes | str]) -> str:
    """A stable hash of a library's documents (names and contents)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class UserTaskInfo:
    """What the application needs to know about one user task of the library."""

    id: str
    title: str
    lane: str | None
    process_id: str
    documentation: str
    form: FormDefinition
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ProcessLibrary:
    """A loaded, validated library. Treat as immutable; shared between requests."""

    content_hash: str
    main_process_id: str
    process_ids: tuple[str, ...]
    user_tasks: Mapping[str, UserTaskInfo]
    warnings: list[DiagramProblem]
    spec: Any = field(repr=False)
    subprocess_specs: Mapping[str, Any] = field(repr=False)
    event_subprocesses: frozenset[str] = frozenset()
    interrupting_event_subprocesses: frozenset[str] = frozenset()
    # The documents themselves: the isolated engine process (engine.sandbox) loads them once.
    files: Mapping[str, bytes | str] = field(default_factory=dict, repr=False)

    @property
    def sandbox_key(self) -> str:
        return f"{self.content_hash}:{self.main_process_id}"

    def user_task(self, task_id: str) -> UserTaskInfo | None:
        return self.user_tasks.get(task_id)


def _is_dmn(tree: Any) -> bool:
    return any(str(tree.getroot().tag).startswith("{" + ns) for ns in DMN_NAMESPACES)


def validation_problem(exc: ValidationException, default_file: str | None) -> DiagramProblem:
    """SpiffWorkflow's parser refusal (what our own checks did not say first), its text as the detail."""
    line = exc.line_number if isinstance(exc.line_number, int) else None
    code, params = unknown(exc.args[0] if exc.args else exc)
    return DiagramProblem(code, params, exc.id or None, exc.file_name or default_file, line)


def read_problem(exc: Exception, file: str | None, element_id: str | None = None) -> DiagramProblem:
    """Anything else SpiffWorkflow raised while reading a document."""
    code, params = unknown(f"{type(exc).__name__}: {exc}")
    return DiagramProblem(code, params, element_id, file)


def _iter_specs(spec: Any, subprocess_specs: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    yield spec.name, spec
    yield from subprocess_specs.items()


def _element_id(task_spec: Any) -> str:
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def _lint(
    spec: Any,
    subprocess_specs: Mapping[str, Any],
    allowed_lanes: Iterable[str] | None,
    reserved_field_ids: frozenset[str],
) -> tuple[list[DiagramProblem], list[DiagramProblem]]:
    """Our own checks, beyond what the XSD and SpiffWorkflow's parser verify."""
    errors: list[DiagramProblem] = []
    warnings: list[DiagramProblem] = []
    lanes = set(allowed_lanes) if allowed_lanes is not None else None
    for process_id, process_spec in _iter_specs(spec, subprocess_specs):
        file = getattr(process_spec, "file", None) or process_id
        for task_spec in process_spec.task_specs.values():
            element = _element_id(task_spec)
            if isinstance(task_spec, PERSON_TASKS) and lanes is not None and task_spec.lane not in lanes:
                params = {"roles": ", ".join(sorted(lanes)), "lane": task_spec.lane or ""}
                errors.append(DiagramProblem("lane.not_a_role", params, element, file))
            if isinstance(task_spec, CamundaUserTask):
                if task_spec.form is None or not task_spec.form.fields:
                    errors.append(DiagramProblem("form.missing", {}, element, file))
                else:
                    errors.extend(located(form_problems(task_spec.form), element, file))
                    errors.extend(
                        DiagramProblem("form.field_id_reserved", {"field": f.id}, element, file)
                        for f in task_spec.form.fields
                        if f.id in reserved_field_ids
                    )
            if isinstance(task_spec, ScriptTask):
                errors.extend(located(check_script(task_spec.script or "", "exec"), element, file))
            if isinstance(task_spec, ExclusiveGateway):
                for condition, _target in task_spec.cond_task_specs:
                    expression = getattr(condition, "args", [None])[0]
                    if expression is None:
                        continue
                    errors.extend(located(check_script(str(expression).strip(), "eval"), element, file))
                if len(task_spec.outputs) > 1 and task_spec.default_task_spec is None:
                    warnings.append(DiagramProblem("gateway.no_default", {}, element, file, severity="warning"))
    return errors, warnings


def _missing_called_processes(parser: EngineParser) -> list[DiagramProblem]:
    """Call activities whose called process is in none of the library's documents."""
    known = set(parser.process_parsers)
    problems = []
    for process_parser in parser.process_parsers.values():
        for node in process_parser.node.iter(f"{{{BPMN_NS}}}callActivity"):
            called = node.get("calledElement")
            if called not in known:
                problems.append(
                    DiagramProblem(
                        "call.missing_process",
                        {"ref": called or ""},
                        node.get("id"),
                        process_parser.filename,
                        node.sourceline,
                    )
                )
    return problems


def _collect_user_tasks(spec: Any, subprocess_specs: Mapping[str, Any]) -> dict[str, UserTaskInfo]:
    tasks: dict[str, UserTaskInfo] = {}
    for process_id, process_spec in _iter_specs(spec, subprocess_specs):
        for task_spec in process_spec.task_specs.values():
            if isinstance(task_spec, PERSON_TASKS):
                element = _element_id(task_spec)
                form = getattr(task_spec, "form", None)
                tasks[element] = UserTaskInfo(
                    id=element,
                    title=task_spec.bpmn_name or element,
                    lane=task_spec.lane,
                    process_id=process_id,
                    documentation=(task_spec.documentation or "").strip(),
                    form=form_from_spec(form) if form else FormDefinition(key=""),
                    properties={str(k): str(v) for k, v in (getattr(task_spec, "extensions", None) or {}).items()},
                )
    return tasks


def load_library(
    files: Mapping[str, bytes | str],
    main_process_id: str,
    *,
    allowed_lanes: Iterable[str] | None = None,
    reserved_field_ids: Iterable[str] = (),
    validate_xsd: bool = True,
    lint: bool = True,
) -> ProcessLibrary:
    """Parse and check every document; raise DiagramError listing all problems found.

    ``lint=False`` skips our own checks (the isolated engine process loads versions that were
    checked when published; the attack suite runs code as if the validator had let it through).
    """
    parser = EngineParser(validator=None)  # the schemas are checked by engine.schemas, coded
    problems: list[DiagramProblem] = []
    for name in sorted(files):
        try:
            tree = parse_diagram_xml(files[name], name)
            invalid = schema_problems(tree.getroot(), name, _is_dmn(tree)) if validate_xsd else []
            if invalid:
                problems.extend(invalid)
            elif _is_dmn(tree):
                parser.add_dmn_xml(tree.getroot(), filename=name)
            else:
                parser.add_bpmn_xml(tree.getroot(), filename=name)
        except DiagramError as exc:
            problems.extend(exc.problems)
        except ValidationException as exc:
            problems.append(validation_problem(exc, name))
        except (SpiffWorkflowException, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(read_problem(exc, name))
    if problems:
        raise DiagramError(problems)
    problems.extend(_missing_called_processes(parser))
    if problems:
        raise DiagramError(problems)
    try:
        spec, subprocess_specs = build_specs(parser, main_process_id)
    except ValidationException as exc:
        raise DiagramError([validation_problem(exc, None)]) from None
    except (SpiffWorkflowException, ValueError, KeyError, TypeError, AttributeError) as exc:
        params = {"process": main_process_id, "detail": f"{type(exc).__name__}: {exc}"}
        raise DiagramError([DiagramProblem("process.cannot_build", params, main_process_id)]) from None
    errors, warnings = _lint(spec, subprocess_specs, allowed_lanes, frozenset(reserved_field_ids)) if lint else ([], [])
    if errors:
        raise DiagramError(errors + warnings)
    return ProcessLibrary(
        content_hash=content_hash(files),
        main_process_id=main_process_id,
        process_ids=tuple(sorted(parser.get_process_ids())),
        user_tasks=_collect_user_tasks(spec, subprocess_specs),
        warnings=warnings,
        spec=spec,
        subprocess_specs=subprocess_specs,
        event_subprocesses=arm_event_subprocesses([spec, *subprocess_specs.values()]),
        interrupting_event_subprocesses=interrupting_event_subprocesses(
            p.node for p in parser.process_parsers.values()
        ),
        files=dict(files),
    )


class LibraryCache:
    """Parsed libraries by content hash, least recently used dropped first. Thread-safe."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, ProcessLibrary] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], ProcessLibrary]) -> ProcessLibrary:
        with self._lock:
            library = self._items.get(key)
            if library is not None:
                self._items.move_to_end(key)
                return library
        library = load()
        with self._lock:
            self._items[key] = library
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return library

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
