"""Evaluate the DMN categorisation against the labelled appeals in data/categorisation_eval.jsonl.

Prints, for all appeals and for the tuning and held-out splits: per-category precision, recall,
F1 and support, category accuracy and macro F1, urgency and route accuracy, accuracy per language,
and the confusion matrix (rows: true category, columns: suggested). Writes
bench/results/categorisation.json. Usage:

    .venv/bin/python bench/evaluate_categorisation.py [--data FILE] [--processes DIR] [--split all|tune|holdout]

The keyword lists were tuned on the "tune" split only; "holdout" shows how they generalise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.categorisation import Suggestion, suggest  # noqa: E402

CATEGORIES = (
    "crime_prevention",
    "public_safety",
    "family_conflict",
    "minors_youth",
    "social_assistance",
    "utilities",
    "other",
)
SHORT = {
    "crime_prevention": "crime",
    "public_safety": "safety",
    "family_conflict": "family",
    "minors_youth": "minors",
    "social_assistance": "social",
    "utilities": "utilit",
    "other": "other",
}


def load_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def metrics(rows: list[dict[str, Any]], predictions: list[Suggestion]) -> dict[str, Any]:
    pairs = [(row["category"], found.category) for row, found in zip(rows, predictions, strict=True)]
    confusion = Counter(pairs)
    per_category: dict[str, dict[str, float]] = {}
    for category in CATEGORIES:
        true_positive = confusion[(category, category)]
        predicted = sum(1 for _, guess in pairs if guess == category)
        support = sum(1 for truth, _ in pairs if truth == category)
        precision = _ratio(true_positive, predicted)
        recall = _ratio(true_positive, support)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_category[category] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    languages = sorted({row["lang"] for row in rows})
    return {
        "count": len(rows),
        "per_category": per_category,
        "category_accuracy": _ratio(sum(1 for truth, guess in pairs if truth == guess), len(rows)),
        "macro_f1": sum(m["f1"] for m in per_category.values()) / len(CATEGORIES),
        "urgency_accuracy": _ratio(
            sum(1 for row, found in zip(rows, predictions, strict=True) if row["urgency"] == found.urgency), len(rows)
        ),
        "route_accuracy": _ratio(
            sum(1 for row, found in zip(rows, predictions, strict=True) if row["route"] == found.route), len(rows)
        ),
        "category_accuracy_by_language": {
            lang: _ratio(
                sum(
                    1
                    for row, found in zip(rows, predictions, strict=True)
                    if row["lang"] == lang and row["category"] == found.category
                ),
                sum(1 for row in rows if row["lang"] == lang),
            )
            for lang in languages
        },
        "confusion": {truth: {guess: confusion[(truth, guess)] for guess in CATEGORIES} for truth in CATEGORIES},
    }


def render(title: str, result: dict[str, Any]) -> str:
    lines = [
        f"== {title} ({result['count']} appeals)",
        f"{'category':<18} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}",
    ]
    for category, m in result["per_category"].items():
        lines.append(
            f"{category:<18} {m['precision']:>6.2f} {m['recall']:>6.2f} {m['f1']:>6.2f} {int(m['support']):>4}"
        )
    by_language = ", ".join(f"{lang} {value:.2f}" for lang, value in result["category_accuracy_by_language"].items())
    lines += [
        f"category accuracy {result['category_accuracy']:.3f}   macro F1 {result['macro_f1']:.3f}",
        f"urgency accuracy  {result['urgency_accuracy']:.3f}   route accuracy {result['route_accuracy']:.3f}",
        f"category accuracy by language: {by_language}",
        "confusion (rows: true, columns: suggested)",
        " " * 8 + "".join(f"{SHORT[c]:>8}" for c in CATEGORIES),
    ]
    for truth in CATEGORIES:
        lines.append(f"{SHORT[truth]:<8}" + "".join(f"{result['confusion'][truth][g]:>8}" for g in CATEGORIES))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "categorisation_eval.jsonl")
    parser.add_argument("--processes", type=Path, default=ROOT / "processes")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "categorisation.json")
    parser.add_argument(
        "--show-errors",
        choices=("tune", "holdout", "all"),
        help="list the misclassified appeals of a split (tune on 'tune' only, to keep 'holdout' honest)",
    )
    args = parser.parse_args(argv)

    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(args.processes.glob("*.dmn"))}
    rows = load_rows(args.data)
    predictions = [suggest(files, row["text"], row["channel"]) for row in rows]
    report: dict[str, Any] = {}
    for split in ("all", "tune", "holdout"):
        chosen = [i for i, row in enumerate(rows) if split == "all" or row["split"] == split]
        report[split] = metrics([rows[i] for i in chosen], [predictions[i] for i in chosen])
        print(render(split, report[split]), end="\n\n")
    if args.show_errors:
        for row, found in zip(rows, predictions, strict=True):
            wrong = (row["category"], row["urgency"]) != (found.category, found.urgency)
            if wrong and args.show_errors in ("all", row["split"]):
                print(
                    f"#{row['id']} {row['category']}/{row['urgency']} -> {found.category}/{found.urgency} "
                    f"{list(found.matched_rules)}: {row['text']}"
                )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
