"""The labelled corpus of appeals (data/categorisation/*.jsonl) and its fixed validation split.

Record format (data/labelling_guidelines.md): ``{"id", "lang", "channel", "category", "urgent",
"text"}``, one JSON object a line. The training file is split once and for all into a training
part and a validation part (about one record in five, chosen by a hash of its id):
the validation part never trains a published model, so a new model and the active one can be
compared on it fairly. The test file is separate and only read by bench/evaluate_categorisation.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from engine.text_model import CATEGORIES, Example

VALIDATION_EVERY = 5


class CorpusError(ValueError):
    """A corpus line is not a valid record (the message names the line and the field)."""


def _example(record: object, where: str) -> Example:
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: text is missing")
    if record.get("category") not in CATEGORIES:
        raise CorpusError(f"{where}: category {record.get('category')!r} is not one of {', '.join(CATEGORIES)}")
    urgent = record.get("urgent", record.get("urgency") == "urgent")
    if not isinstance(urgent, bool):
        raise CorpusError(f"{where}: urgent must be true or false")
    return Example(
        text=text,
        category=str(record["category"]),
        urgent=urgent,
        channel=str(record.get("channel") or ""),
        lang=str(record.get("lang") or ""),
        id=str(record.get("id") or where),
    )


def parse_lines(lines: Iterable[str], source: str = "corpus") -> list[Example]:
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not JSON ({exc.msg})") from None
        examples.append(_example(record, where))
    return examples


def read_corpus(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        return parse_lines(handle, path.name)


def in_validation(example_id: str) -> bool:
    """Whether a record belongs to the validation part: decided by its id alone, so adding records
    (accepted corrections) never moves an old record from one part to the other."""
    return int(hashlib.sha256(example_id.encode()).hexdigest()[:8], 16) % VALIDATION_EVERY == 0


def split_validation(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(training, validation): about one record in five, by a hash of its id, is for validation."""
    return [e for e in examples if not in_validation(e.id)], [e for e in examples if in_validation(e.id)]
