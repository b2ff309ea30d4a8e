"""Figures of a categoriser on labelled appeals: plain functions over (truth, suggestion) pairs.

Used by the publishing gate (webapp: a new model against the active one on the validation split)
and by bench/evaluate_categorisation.py (the test split, cross-validation, the keyword baseline).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.text_model import CATEGORIES

CONFIDENT = 0.8


@dataclass(frozen=True)
class Outcome:
    """What was true and what was suggested for one appeal."""

    category: str
    urgent: bool
    suggested_category: str
    suggested_urgent: bool
    confidence: float = 0.0
    lang: str = ""


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def per_category(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for category in CATEGORIES:
        hits = sum(1 for o in outcomes if o.category == category and o.suggested_category == category)
        suggested = sum(1 for o in outcomes if o.suggested_category == category)
        support = sum(1 for o in outcomes if o.category == category)
        precision, recall = _ratio(hits, suggested), _ratio(hits, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        figures[category] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    return figures


def accuracy(outcomes: Sequence[Outcome]) -> float:
    return _ratio(sum(1 for o in outcomes if o.category == o.suggested_category), len(outcomes))


def macro_f1(outcomes: Sequence[Outcome]) -> float:
    """Mean F1 over the categories present in the truth or the suggestions."""
    figures = per_category(outcomes)
    present = [c for c in CATEGORIES if figures[c]["support"] or any(o.suggested_category == c for o in outcomes)]
    return _ratio(sum(figures[c]["f1"] for c in present), len(present))


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Every figure the evaluation reports, as plain data (JSON-ready)."""
    urgent = [o for o in outcomes if o.urgent]
    normal = [o for o in outcomes if not o.urgent]
    confident = [o for o in outcomes if o.confidence >= CONFIDENT]
    languages = sorted({o.lang for o in outcomes if o.lang})
    pairs = Counter((o.category, o.suggested_category) for o in outcomes)
    return {
        "count": len(outcomes),
        "accuracy": accuracy(outcomes),
        "macro_f1": macro_f1(outcomes),
        "per_category": per_category(outcomes),
        "accuracy_by_language": {lang: accuracy([o for o in outcomes if o.lang == lang]) for lang in languages},
        "macro_f1_by_language": {lang: macro_f1([o for o in outcomes if o.lang == lang]) for lang in languages},
        "urgent_recall": _ratio(sum(1 for o in urgent if o.suggested_urgent), len(urgent)),
        "false_urgent_rate": _ratio(sum(1 for o in normal if o.suggested_urgent), len(normal)),
        "urgent_count": len(urgent),
        "confident_share": _ratio(len(confident), len(outcomes)),
        "confident_accuracy": accuracy(confident),
        "confusion": {truth: {guess: pairs[(truth, guess)] for guess in CATEGORIES} for truth in CATEGORIES},
    }
