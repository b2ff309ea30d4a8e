"""The workflow engine: the only package that imports SpiffWorkflow.

Everything it returns is plain data (dataclasses, dicts, strings); see the names below.
"""

from engine.categorisation import Suggestion
from engine.categorisation import suggest as suggest_categorisation
from engine.decisions import DecisionFailed, DecisionTables, FiredRule, check_decisions, decide, decision_tables
from engine.diff import VersionDiff, diff_libraries
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
from engine.migration import MigrationBlocker, MigrationCheck, MigrationRefused, check_migration, migrate_state

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
    "MigrationBlocker",
    "MigrationCheck",
    "MigrationRefused",
    "ProcessLibrary",
    "ReadyTask",
    "ScriptRejected",
    "ScriptTimeout",
    "Suggestion",
    "TaskNotReady",
    "UserTaskInfo",
    "VersionDiff",
    "check_decisions",
    "check_migration",
    "content_hash",
    "decide",
    "decision_tables",
    "diff_libraries",
    "load_library",
    "migrate_state",
    "suggest_categorisation",
    "validate_submission",
]
