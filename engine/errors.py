"""Errors the engine reports. They carry plain data only: no SpiffWorkflow object leaves engine/."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


class EngineError(Exception):
    """Base class of every error raised by the engine package."""


class ScriptRejected(EngineError):
    """Diagram code that the restricted compiler refuses (imports, dunder access, syntax)."""


class ScriptTimeout(EngineError):
    """Diagram code that ran past its time limit."""


@dataclass(frozen=True)
class DiagramProblem:
    """One problem found in a diagram, located as precisely as we can."""

    message: str
    element_id: str | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "element_id": self.element_id,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
        }


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
    """A script, condition or decision failed while the engine ran automatic steps."""

    element_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.element_id}: {self.message}" if self.element_id else self.message
