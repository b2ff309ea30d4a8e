"""Errors the engine reports. They carry plain data only: no SpiffWorkflow object leaves engine/."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.problems import CATALOGUE, english


class EngineError(Exception):
    """Base class of every error raised by the engine package."""


@dataclass(frozen=True)
class Problem:
    """A coded problem: ``code`` is a key of engine.problems.CATALOGUE, ``params`` plain values.

    The UI translates the code; ``message`` is the English text for logs and the command line.
    """

    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown problem code {self.code!r}: add it to engine.problems.CATALOGUE")
        object.__setattr__(self, "params", dict(self.params))

    @property
    def message(self) -> str:
        return english(self.code, self.params)


class ScriptRejected(EngineError):
    """Diagram code that the restricted compiler refuses (imports, dunder access, syntax)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class ScriptTimeout(EngineError):
    """Diagram code that ran past its time limit."""


class ScriptTooLarge(EngineError, ValueError):
    """Diagram code whose result would exceed the size limits (``operation`` says which)."""

    def __init__(self, operation: str) -> None:
        super().__init__(english("script.too_large", {"operation": operation}))
        self.operation = operation


class DataLimitExceeded(EngineError):
    """A script left case data over its size or depth limit (engine.data_limits); ``problem`` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class DiagramProblem(Problem):
    """One problem found in a diagram, located as precisely as we can."""

    element_id: str | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "element_id": self.element_id,
            "code": self.code,
            "params": dict(self.params),
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
        }


def located(
    problems: Iterable[Problem], element_id: str | None, file: str | None = None, line: int | None = None
) -> list[DiagramProblem]:
    """The problems as found at one element of one file."""
    return [DiagramProblem(p.code, p.params, element_id, file, line) for p in problems]


@dataclass
class DiagramError(EngineError):
    """A process library that cannot be loaded; ``problems`` says why, element by element."""

    problems: list[DiagramProblem] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(
            f"{p.file or ''}{'#' + p.element_id if p.element_id else ''}: {p.message}" for p in self.problems
        )


@dataclass(frozen=True)
class FieldError:
    """A form field that failed validation. ``code`` is stable; the UI translates it."""

    field: str
    code: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass
class FormInvalid(EngineError):
    errors: list[FieldError]

    def __str__(self) -> str:
        return ", ".join(f"{e.field}: {e.code}" for e in self.errors)


class TaskNotReady(EngineError):
    """The task does not exist in this instance or is no longer waiting for a user."""


@dataclass
class EngineStepFailed(EngineError):
    """A script, condition or decision failed while the engine ran automatic steps.

    ``code`` and ``params`` say what failed (engine.problems); ``message`` is the English text.
    """

    element_id: str | None
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return english(self.code, self.params)

    def __str__(self) -> str:
        return f"{self.element_id}: {self.message}" if self.element_id else self.message
