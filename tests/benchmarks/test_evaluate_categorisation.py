"""Smoke test of bench/evaluate_categorisation.py at tiny size (training records only: the suite never reads
the frozen test split; the real run is the command in data/categorisation/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import evaluate_categorisation
from tests.categoriser_corpus import CORPUS


def test_the_evaluation_reports_model_baseline_cv_and_latency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    train.write_text("\n".join(lines[::12]) + "\n", encoding="utf-8")
    test.write_text("\n".join(lines[3::24]) + "\n", encoding="utf-8")
    output = tmp_path / "result.json"

    code = evaluate_categorisation.main(
        ["--train", str(train), "--test", str(test), "--folds", "2", "--output", str(output)]
    )

    assert code == 0
    report = json.loads(output.read_text(encoding="utf-8"))
    for split in ("test", "cross_validation"):
        for kind in ("model", "baseline"):
            figures = report[split][kind]
            assert 0 <= figures["accuracy"] <= 1 and 0 <= figures["macro_f1"] <= 1
            assert set(figures["accuracy_by_language"]) == {"uz_latn", "uz_cyrl", "ru"}
            assert {"urgent_recall", "false_urgent_rate", "confident_accuracy", "confusion"} <= set(figures)
    assert report["test"]["model"]["count"] == len(lines[3::24])
    assert report["cross_validation"]["model"]["count"] == len(lines[::12])
    assert report["latency"]["median_ms"] > 0
    printed = capsys.readouterr().out
    assert "TEST split: trained model + DMN" in printed and "keyword DMN baseline" in printed
