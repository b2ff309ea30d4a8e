"""Evaluate the categoriser (the trained model through the DMN) and the keyword-rule baseline.

Reports, for the model and for the rule-only baseline (data/categorisation/keyword_baseline.dmn):

* on the held-out TEST split (data/categorisation/test.jsonl, frozen, written apart from the
  training texts): accuracy, macro F1, per-category precision / recall / F1, accuracy and macro F1
  per language (uz_latn, uz_cyrl, ru), urgent recall and false-urgent rate, calibration (share of
  suggestions with confidence >= 0.8 and how often they are right) and the confusion matrix;
* by k-fold cross-validation on the TRAINING file (stratified by category; the baseline has
  nothing to train, so it is simply evaluated on the training file);
* latency of one appeal (model + DMN), median and 95th percentile.

The model evaluated on the test split is the one the application serves before any version is
published: trained on the training part of train.jsonl (the validation part held out, see
engine/corpus.py). The test split is read here and nowhere else; nothing was chosen by looking at
its figures. ``--select`` runs the cross-validated choice of settings and the urgency threshold on
the training file alone (it never opens the test file). Usage:

    .venv/bin/python bench/evaluate_categorisation.py [--folds 5] [--limit N] [--output FILE]
    .venv/bin/python bench/evaluate_categorisation.py --select
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.categorisation import URGENT, Categoriser, load_categoriser  # noqa: E402
from engine.categorisation_metrics import Outcome, summary  # noqa: E402
from engine.corpus import read_corpus, split_validation  # noqa: E402
from engine.text_model import CATEGORIES, Example, Prediction, Settings, TextModel, train  # noqa: E402

DATA = ROOT / "data" / "categorisation"
SHORT = {
    "crime_prevention": "crime",
    "public_safety": "safety",
    "family_conflict": "family",
    "minors_youth": "minors",
    "social_assistance": "social",
    "utilities": "utilit",
    "other": "other",
}


def dmn_files(processes: Path, baseline: bool) -> dict[str, str]:
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(processes.glob("*.dmn"))}
    if baseline:
        files["appeal_categorisation.dmn"] = (DATA / "keyword_baseline.dmn").read_text(encoding="utf-8")
    return files


def outcomes(categoriser: Categoriser, examples: Sequence[Example], predictions: Sequence[Prediction | None]) -> list:
    found = []
    for example, prediction in zip(examples, predictions, strict=True):
        suggestion = categoriser.suggest(example.text, example.channel, prediction)
        found.append(
            Outcome(
                example.category,
                example.urgent,
                suggestion.category,
                suggestion.urgency == URGENT,
                suggestion.confidence,
                example.lang,
            )
        )
    return found


def folds(examples: Sequence[Example], k: int) -> list[list[int]]:
    """Stratified folds: the examples of each category dealt round-robin in file order."""
    assignment: list[list[int]] = [[] for _ in range(k)]
    seen: dict[str, int] = {}
    for index, example in enumerate(examples):
        position = seen.get(example.category, 0)
        assignment[position % k].append(index)
        seen[example.category] = position + 1
    return assignment


def cross_validated_predictions(examples: Sequence[Example], k: int, settings: Settings) -> list[Prediction]:
    predictions: list[Prediction | None] = [None] * len(examples)
    for held in folds(examples, k):
        held_set = set(held)
        model = train([e for i, e in enumerate(examples) if i not in held_set], settings)
        for index, prediction in zip(held, model.predict_many([examples[i].text for i in held]), strict=True):
            predictions[index] = prediction
    return [p for p in predictions if p is not None]


def latency(model: TextModel, categoriser: Categoriser, examples: Sequence[Example]) -> dict[str, float]:
    timings = []
    for example in examples:
        start = time.perf_counter()
        categoriser.suggest(example.text, example.channel, model.predict(example.text))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "count": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, int(len(timings) * 0.95))],
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
    by_language = ", ".join(
        f"{lang} {acc:.3f} (F1 {result['macro_f1_by_language'][lang]:.3f})"
        for lang, acc in result["accuracy_by_language"].items()
    )
    lines += [
        f"accuracy {result['accuracy']:.3f}   macro F1 {result['macro_f1']:.3f}",
        f"by language: {by_language}",
        f"urgent recall {result['urgent_recall']:.3f} ({result['urgent_count']} urgent)   "
        f"false urgent {result['false_urgent_rate']:.3f}",
        f"confidence >= 0.8: {result['confident_share']:.3f} of appeals, {result['confident_accuracy']:.3f} right",
        "confusion (rows: true, columns: suggested)",
        " " * 8 + "".join(f"{SHORT[c]:>8}" for c in CATEGORIES),
    ]
    for truth in CATEGORIES:
        lines.append(f"{SHORT[truth]:<8}" + "".join(f"{result['confusion'][truth][g]:>8}" for g in CATEGORIES))
    return "\n".join(lines)


def select(examples: Sequence[Example], k: int, processes: Path) -> None:
    """Cross-validated choice of the settings and the urgency threshold, on the training file only."""
    categoriser = load_categoriser(dmn_files(processes, baseline=False))
    grid = [
        Settings(category_c=c, urgency_c=u, char_ngrams=chars)
        for c in (3.0, 10.0, 30.0)
        for u in (1.0, 3.0)
        for chars in ((2, 5), (1, 4))
    ]
    for settings in grid:
        predictions = cross_validated_predictions(examples, k, settings)
        figures = summary(outcomes(categoriser, examples, predictions))
        thresholds = []
        for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
            urgent = [p.urgent_probability >= threshold for p in predictions]
            truly = [e.urgent for e in examples]
            recall = sum(u and t for u, t in zip(urgent, truly, strict=True)) / max(1, sum(truly))
            false = sum(u and not t for u, t in zip(urgent, truly, strict=True)) / max(1, truly.count(False))
            thresholds.append(f"{threshold}: {recall:.3f}/{false:.3f}")
        print(
            f"C={settings.category_c:<5} urgency C={settings.urgency_c:<5} chars={settings.char_ngrams} "
            f"accuracy {figures['accuracy']:.3f} macro F1 {figures['macro_f1']:.3f} "
            f"langs {', '.join(f'{v:.3f}' for v in figures['accuracy_by_language'].values())}"
        )
        print("   urgent recall/false urgent by threshold: " + "  ".join(thresholds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--train", type=Path, default=DATA / "train.jsonl")
    parser.add_argument("--test", type=Path, default=DATA / "test.jsonl")
    parser.add_argument("--processes", type=Path, default=ROOT / "processes")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0, help="use the first N records of each file (smoke runs)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "categorisation.json")
    parser.add_argument("--select", action="store_true", help="choose settings by CV on the training file only")
    args = parser.parse_args(argv)

    training_file = read_corpus(args.train)[: args.limit or None]
    if args.select:
        select(training_file, args.folds, args.processes)
        return 0
    test = read_corpus(args.test)[: args.limit or None]
    model_tables = load_categoriser(dmn_files(args.processes, baseline=False))
    baseline_tables = load_categoriser(dmn_files(args.processes, baseline=True))

    served = train(split_validation(training_file)[0])
    report: dict[str, Any] = {
        "test": {
            "model": summary(outcomes(model_tables, test, served.predict_many([e.text for e in test]))),
            "baseline": summary(outcomes(baseline_tables, test, [None] * len(test))),
        },
        "cross_validation": {
            "folds": args.folds,
            "model": summary(
                outcomes(
                    model_tables,
                    training_file,
                    cross_validated_predictions(training_file, args.folds, served.settings),
                )
            ),
            "baseline": summary(outcomes(baseline_tables, training_file, [None] * len(training_file))),
        },
        "latency": latency(served, model_tables, test or training_file),
        "model": {"trained_on": served.trained_on, "settings": served.settings.__dict__},
    }
    for split, title in (("test", "TEST split"), ("cross_validation", f"{args.folds}-fold CV on train")):
        for kind in ("model", "baseline"):
            name = "trained model + DMN" if kind == "model" else "keyword DMN baseline"
            print(render(f"{title}: {name}", report[split][kind]), end="\n\n")
    timing = report["latency"]
    print(f"latency per appeal (model + DMN): median {timing['median_ms']:.2f} ms, p95 {timing['p95_ms']:.2f} ms")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
