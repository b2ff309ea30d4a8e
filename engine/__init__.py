"""The workflow engine: the only package that imports SpiffWorkflow.

Everything it returns is plain data (dataclasses, dicts, strings); see the names below.
"""

from engine.categorisation import Suggestion
from engine.categorisation import suggest as suggest_categorisation
from engine.corpus import CorpusError, parse_lines, read_corpus, split_validation
from engine.decisions import DecisionFailed, DecisionTables, FiredRule, check_decisions, decide, decision_tables
from engine.diff import VersionDiff, diff_libraries
from engine.errors import (
    DiagramError,
    DiagramProblem,
    EngineError,
    EngineStepFailed,
    FieldError,
    FormInvalid,
    Problem,
    ScriptRejected,
    ScriptTimeout,
    TaskNotReady,
)
from engine.form_files import FILE_TYPES, FileRules, files_error
from engine.forms import Approval, FieldOption, FormDefinition, FormField, validate_submission
from engine.instance import Instance, ReadyTask
from engine.library import LibraryCache, ProcessLibrary, UserTaskInfo, content_hash, load_library
from engine.migration import MigrationBlocker, MigrationCheck, MigrationRefused, check_migration, migrate_state
from engine.problems import CATALOGUE as PROBLEM_CATALOGUE
from engine.problems import UNKNOWN as UNKNOWN_PROBLEM
from engine.state_template import StateTemplate, state_template
from engine.text_model import CATEGORIES as MODEL_CATEGORIES
from engine.text_model import Example, ModelUnusable, Prediction, TextModel
from engine.text_model import load as load_text_model
from engine.text_model import train as train_text_model
from engine.validation import (
    ValidationReport,
    check_timer_value,
    defined_ids,
    document_kind,
    normalise_document,
    validate_library,
)

__all__ = [
    "FILE_TYPES",
    "MODEL_CATEGORIES",
    "PROBLEM_CATALOGUE",
    "UNKNOWN_PROBLEM",
    "Approval",
    "CorpusError",
    "DecisionFailed",
    "DecisionTables",
    "DiagramError",
    "DiagramProblem",
    "EngineError",
    "EngineStepFailed",
    "Example",
    "FieldError",
    "FieldOption",
    "FileRules",
    "FiredRule",
    "FormDefinition",
    "FormField",
    "FormInvalid",
    "Instance",
    "LibraryCache",
    "MigrationBlocker",
    "MigrationCheck",
    "MigrationRefused",
    "ModelUnusable",
    "Prediction",
    "Problem",
    "ProcessLibrary",
    "ReadyTask",
    "ScriptRejected",
    "ScriptTimeout",
    "StateTemplate",
    "Suggestion",
    "TaskNotReady",
    "TextModel",
    "UserTaskInfo",
    "ValidationReport",
    "VersionDiff",
    "check_decisions",
    "check_migration",
    "check_timer_value",
    "content_hash",
    "decide",
    "decision_tables",
    "defined_ids",
    "diff_libraries",
    "document_kind",
    "files_error",
    "load_library",
    "load_text_model",
    "migrate_state",
    "normalise_document",
    "parse_lines",
    "read_corpus",
    "split_validation",
    "state_template",
    "suggest_categorisation",
    "train_text_model",
    "validate_library",
    "validate_submission",
]
