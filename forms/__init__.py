"""WTForms classes built from the form definitions the engine reads from the diagrams."""

from forms.builder import apply_engine_errors, build_form_class, engine_values, prefill, submitted_files
from forms.messages import field_error_message, unplaced_error_message

__all__ = [
    "apply_engine_errors",
    "build_form_class",
    "engine_values",
    "field_error_message",
    "prefill",
    "submitted_files",
    "unplaced_error_message",
]
