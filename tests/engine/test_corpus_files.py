"""The corpus files in the repository: the test split is frozen, the training file is well formed.

The test split (data/categorisation/test.jsonl) was written in a separate pass from the labelling
guidelines alone, before and apart from the training texts; it is read only by
bench/evaluate_categorisation.py. This test reads its bytes to hash them, nothing else.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from engine import read_corpus

DATA = Path(__file__).resolve().parents[2] / "data" / "categorisation"
TEST_SPLIT_SHA256 = "5e0003114ca50ed1d37e9eaba184fd500bd805d600f58750709d88f0362c9000"
TEST_SPLIT_RECORDS = 420  # fixed by the hash above (60 per category); the suite does not parse the file


def test_the_test_split_is_frozen() -> None:
    assert hashlib.sha256((DATA / "test.jsonl").read_bytes()).hexdigest() == TEST_SPLIT_SHA256


def test_the_training_file_is_valid_and_balanced() -> None:
    examples = read_corpus(DATA / "train.jsonl")
    assert len(examples) >= 1176 and len({e.id for e in examples}) == len(examples)
    assert len({e.text for e in examples}) == len(examples), "a text appears twice"
    assert len(examples) + TEST_SPLIT_RECORDS >= 1500  # the size for the labelled corpus
    assert min(Counter(e.category for e in examples).values()) >= 168
    languages = Counter(e.lang for e in examples)
    assert set(languages) == {"uz_latn", "uz_cyrl", "ru"} and min(languages.values()) >= 392
    assert any(e.urgent for e in examples)
