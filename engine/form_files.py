"""The ``file`` form field: what a methodologist may set on it, within hard limits, and the checks
of the files a user sends.

The engine never sees a file's bytes. The application checks each upload against these rules
(size, the type recognised from its content, how many), stores it, and gives the engine the
references (``id``, ``name``, ``size``, ``content_type``); those, and only those, become the
field's value in the case data. A submission cannot name references itself (``file_upload_only``):
nobody can point a case at someone else's file.

Field properties (``camunda:property``):
    multiple       ``true``: several files (up to ``max_files``, default 5); otherwise one
    max_files      with ``multiple``: at most this many, 1..10
    max_size_mb    per file, 1..20 (default 5); the server-wide limit caps it further
    allowed_types  extensions separated by spaces or commas, among pdf jpg jpeg png docx xlsx
                   (default: all of them); the content is recognised, the name's extension is not trusted
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import FieldError

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": DOCX_TYPE,
    "xlsx": XLSX_TYPE,
}
MAX_FILES_LIMIT = 10
MAX_SIZE_MB_LIMIT = 20
DEFAULT_SIZE_MB = 5
DEFAULT_MULTIPLE_FILES = 5
REFERENCE_KEYS = ("id", "name", "size", "content_type")
_WHOLE = re.compile(r"^\s*\d{1,4}\s*$")


@dataclass(frozen=True)
class FileRules:
    max_files: int
    max_size_mb: int
    types: tuple[str, ...]

    @property
    def multiple(self) -> bool:
        return self.max_files > 1

    @property
    def max_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024

    @property
    def content_types(self) -> frozenset[str]:
        return frozenset(FILE_TYPES[t] for t in self.types)

    def as_dict(self) -> dict[str, Any]:
        return {
            "multiple": self.multiple,
            "max_files": self.max_files,
            "max_size_mb": self.max_size_mb,
            "allowed_types": list(self.types),
        }


def _types(raw: str) -> list[str]:
    return [t.lower().lstrip(".") for t in re.split(r"[\s,;]+", raw.strip()) if t]


def file_option_problems(properties: Mapping[str, str]) -> list[dict[str, str]]:
    """The file options of a field that are out of range or malformed (``property`` and ``value``)."""
    problems = []
    multiple = properties.get("multiple")
    if multiple is not None and multiple.strip().lower() not in ("true", "false"):
        problems.append({"property": "multiple", "value": multiple})
    for name, upper in (("max_files", MAX_FILES_LIMIT), ("max_size_mb", MAX_SIZE_MB_LIMIT)):
        value = properties.get(name)
        if value is not None and not (_WHOLE.match(value) and 1 <= int(value) <= upper):
            problems.append({"property": name, "value": value})
    types = properties.get("allowed_types")
    if types is not None and (not _types(types) or any(t not in FILE_TYPES for t in _types(types))):
        problems.append({"property": "allowed_types", "value": types})
    return problems


def _whole(value: str | None, default: int, upper: int) -> int:
    if value is None or not _WHOLE.match(value):
        return default
    return min(max(int(value), 1), upper)


def file_rules(properties: Mapping[str, str]) -> FileRules:
    """The field's rules; a malformed option (refused by the lint) falls back to its default."""
    multiple = (properties.get("multiple") or "").strip().lower() == "true"
    max_files = _whole(properties.get("max_files"), DEFAULT_MULTIPLE_FILES, MAX_FILES_LIMIT) if multiple else 1
    size = _whole(properties.get("max_size_mb"), DEFAULT_SIZE_MB, MAX_SIZE_MB_LIMIT)
    wanted = [t for t in _types(properties.get("allowed_types") or "") if t in FILE_TYPES]
    types = tuple(dict.fromkeys(wanted)) or tuple(FILE_TYPES)
    return FileRules(max_files=max_files, max_size_mb=size, types=types)


def files_error(
    field_id: str, rules: FileRules, files: Sequence[tuple[int, str | None]], server_max_bytes: int | None = None
) -> FieldError | None:
    """Why these files (each its size and the content type recognised from its bytes, None when
    unrecognised) may not be given to the field, or None."""
    if len(files) > rules.max_files:
        return FieldError(field_id, "too_many_files", {"max": rules.max_files})
    limit = rules.max_bytes if server_max_bytes is None else min(rules.max_bytes, server_max_bytes)
    for size, content_type in files:
        if size <= 0:
            return FieldError(field_id, "file_empty")
        if size > limit:
            megabytes = limit / (1024 * 1024)
            shown = int(megabytes) if megabytes.is_integer() else round(megabytes, 1)
            return FieldError(field_id, "file_too_large", {"max_mb": shown})
        if content_type not in rules.content_types:
            return FieldError(field_id, "file_type_not_allowed", {"types": ", ".join(rules.types)})
    return None


def _is_reference(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and set(value) == set(REFERENCE_KEYS)
        and isinstance(value["id"], int)
        and not isinstance(value["id"], bool)
        and isinstance(value["name"], str)
        and isinstance(value["size"], int)
        and isinstance(value["content_type"], str)
    )


def coerce_references(field_id: str, rules: FileRules, value: Any) -> tuple[list[dict[str, Any]], FieldError | None]:
    """The stored files' references as the field's value, checked once more against the rules."""
    if not isinstance(value, list | tuple) or not all(_is_reference(v) for v in value):
        return [], FieldError(field_id, "not_file_references")
    references = [{key: v[key] for key in REFERENCE_KEYS} for v in value]
    error = files_error(field_id, rules, [(r["size"], r["content_type"]) for r in references])
    return references, error
