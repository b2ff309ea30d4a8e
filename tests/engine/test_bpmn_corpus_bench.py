"""Smoke test of bench/bpmn_corpus.py on our own committed diagrams (the external corpora are not in CI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.bpmn_corpus import main, run

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Our diagrams, the bundled library, and one diagram of each kind of refusal."""
    shutil.copytree(DIAGRAMS, tmp_path / "ours")
    shutil.copytree(PROCESSES, tmp_path / "processes")
    embedded = (DIAGRAMS / "embedded_subprocess.bpmn").read_text(encoding="utf-8")
    refused = tmp_path / "refused"
    refused.mkdir()
    (refused / "complex.bpmn").write_text(
        embedded.replace(
            '<bpmn:endEvent id="check_end"', '<bpmn:complexGateway id="odd" /><bpmn:endEvent id="check_end"'
        ),
        encoding="utf-8",
    )
    delegate = embedded.replace('camunda:formKey="record_visit"', 'camunda:formKey="record_visit" camunda:class="uz.X"')
    (refused / "delegate.bpmn").write_text(delegate, encoding="utf-8")
    (refused / "not_executable.bpmn").write_text(
        embedded.replace('isExecutable="true"', 'isExecutable="false"'), encoding="utf-8"
    )
    (refused / "broken.bpmn").write_text("<not xml", encoding="utf-8")
    return tmp_path


def test_the_bench_counts_refusals_by_reason(corpus: Path) -> None:
    report = run(corpus)
    by_path = {r.path: r for r in report.results}
    assert report.unreadable == 1 and report.not_executable == 1
    assert by_path["ours/embedded_subprocess.bpmn"].valid
    assert list(by_path["refused/complex.bpmn"].categories) == ["construct_not_run"]
    assert list(by_path["refused/delegate.bpmn"].categories) == ["dialect"]
    assert report.refused_by_category["construct_spiff_runs"] == 0
    # the bundled main process validates with the processes it calls and the decisions it uses
    assert by_path["processes/appeal_lifecycle.bpmn"].valid, by_path["processes/appeal_lifecycle.bpmn"]
    assert report.valid == len(report.results) - 2
    assert report.eligible == report.domain_only == len(report.results) - 2


def test_non_executable_diagrams_are_counted_apart_or_validated_as_executable(corpus: Path) -> None:
    assert "refused/not_executable.bpmn" not in {r.path for r in run(corpus).results}
    report = run(corpus, as_executable=True)
    assert report.not_executable == 1
    assert {r.path: r.valid for r in report.results}["refused/not_executable.bpmn"]


def test_the_command_line_prints_json_and_lists_a_category(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(corpus), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert (
        counts["refused_by_category"]["construct_not_run"] == 1 and counts["codes"]["unsupported.complex_gateway"] == 1
    )
    assert main([str(corpus), "--list", "dialect"]) == 0
    assert "refused/delegate.bpmn: unsupported.java_delegate record_visit" in capsys.readouterr().out
