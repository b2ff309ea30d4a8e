"""Corpora for the categoriser tests: the repository's training file, and a copy made worse on purpose."""

from __future__ import annotations

import json
from pathlib import Path

from engine.corpus import in_validation

CORPUS = Path(__file__).resolve().parents[1] / "data" / "categorisation" / "train.jsonl"
CATEGORIES = (
    "crime_prevention",
    "public_safety",
    "family_conflict",
    "minors_youth",
    "social_assistance",
    "utilities",
    "other",
)


def write_small_corpus(path: Path, every: int = 3) -> Path:
    """Every n-th record of the corpus (all categories, languages and urgencies): quicker to train."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[::every]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_degraded_corpus(path: Path, source: Path = CORPUS) -> Path:
    """The corpus with every training record mislabelled (the next category); validation records kept."""
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not in_validation(record["id"]):
            record["category"] = CATEGORIES[(CATEGORIES.index(record["category"]) + 1) % len(CATEGORIES)]
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
