"""Smoke test of bench/bpmn_corpus_run.py on our own diagrams (other tools' corpora are not in CI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.bpmn_corpus_run import Scenario, _answer, _print, run

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
SCENARIOS = {
    "collaboration.bpmn": Scenario(
        answers={"draft_plan": _answer(plan_text="reja"), "review_plan": _answer(approved=True)}
    ),
    "standard_multi_instance.bpmn": Scenario(
        {"applicants": ["Aziza", "Bobur"]}, {"notify_applicant": _answer(notice="phone")}
    ),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for name in ("collaboration.bpmn", "standard_multi_instance.bpmn"):
        shutil.copy(DIAGRAMS / name, tmp_path / name)
    silent = (DIAGRAMS / "collaboration.bpmn").read_text(encoding="utf-8")
    (tmp_path / "unanswered.bpmn").write_text(silent.replace('id="joint_plan"', 'id="other_plan"'), encoding="utf-8")
    return tmp_path


def test_the_runner_drives_diagrams_to_their_end_or_names_what_stopped_them(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = run(corpus, ["collaboration.bpmn", "standard_multi_instance.bpmn", "unanswered.bpmn"], SCENARIOS)
    by_path = {r.path: r for r in results}
    assert by_path["collaboration.bpmn"].outcome == "completed" and by_path["collaboration.bpmn"].steps == 2
    assert by_path["standard_multi_instance.bpmn"].outcome == "completed"
    # no scenario: the required plan text is missing, and the runner says so
    assert (by_path["unanswered.bpmn"].outcome, by_path["unanswered.bpmn"].detail) == ("failed", "plan_text: required")
    assert _print(results, as_json=True) == 0
    assert '"completed": 2' in capsys.readouterr().out


def test_a_run_out_of_time_is_reported_as_a_timeout(corpus: Path) -> None:
    (result,) = run(corpus, ["collaboration.bpmn"], SCENARIOS, seconds=0.001)
    assert (result.outcome, result.detail) == ("timeout", "file.time_limit 0.001 s")
