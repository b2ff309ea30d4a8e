"""The workflow engine: the only package that imports SpiffWorkflow.

Everything it returns is plain data (dataclasses, dicts, strings); see the names below.
"""

from engine.categorisation import Suggestion
from engine.categorisation import suggest as suggest_categorisation
from engine.decisions import DecisionFailed, DecisionTables, FiredRule, check_decisions, decide, decision_tables
from engine.errors import (
    DiagramError,
    DiagramProblem,
    EngineError,
    EngineStepFailed,
    FieldError,
    FormInvalid,
    ScriptRejected,
    ScriptTimeout,
    TaskNotReady,
)
from engine.forms import FieldOption, FormDefinition, FormField, validate_submission
from engine.instance import Instance, ReadyTask
from engine.library import LibraryCache, ProcessLibrary, UserTaskInfo, content_hash, load_library

__all__ = [
    "DecisionFailed",
    "DecisionTables",
    "DiagramError",
    "DiagramProblem",
    "EngineError",
    "EngineStepFailed",
    "FieldError",
    "FieldOption",
    "FiredRule",
    "FormDefinition",
    "FormField",
    "FormInvalid",
    "Instance",
    "LibraryCache",
    "ProcessLibrary",
    "ReadyTask",
    "ScriptRejected",
    "ScriptTimeout",
    "Suggestion",
    "TaskNotReady",
    "UserTaskInfo",
    "check_decisions",
    "content_hash",
    "decide",
    "decision_tables",
    "load_library",
    "suggest_categorisation",
    "validate_submission",
]
