"""Every benchmark in bench/ runs on the current code at a tiny size and does real work.

Benchmarks give figures, not pass/fail; this smoke test only proves they still run: each script
is started as its own process (as a person runs it) and must report at least one successful unit
of work (a completion, a check-in, a query answered, a page served) and no error. The benchmarks
that run on SQLite run in the SQLite pass only (once per ``make test``); those that need
PostgreSQL run in the PostgreSQL pass, each on a database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench import run_all


def test_every_script_in_bench_is_listed() -> None:
    assert run_all.scripts_on_disk() == {b.script for b in run_all.BENCHMARKS}


def _server(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.mark.parametrize(
    "benchmark",
    [pytest.param(b, id=b.script, marks=[pytest.mark.postgres] if b.postgres_only else []) for b in run_all.BENCHMARKS],
)
def test_the_benchmark_runs_at_a_tiny_size(benchmark: run_all.Benchmark, tmp_path: Path) -> None:
    if benchmark.own_smoke_test:
        assert (Path(__file__).resolve().parent.parent / benchmark.own_smoke_test).is_file()
        pytest.skip(f"smoke-tested by {benchmark.own_smoke_test}")
    postgres = os.environ.get("TEST_DATABASE_URL")
    if benchmark.postgres_only and not postgres:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the PostgreSQL benchmarks (set TEST_DATABASE_URL)")
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test")
    if postgres and not benchmark.postgres_only:
        pytest.skip("runs on SQLite in the SQLite pass of make test (benchmarks run once)")
    result = run_all.run(
        benchmark,
        smoke=True,
        output=tmp_path / "result.json",
        postgres=_server(postgres) if benchmark.postgres_only and postgres else None,
    )
    completed, errors = benchmark.counts(result)
    assert completed >= 1, result
    assert errors == 0, result
    FIGURES.get(benchmark.script, lambda _result: None)(result)


def _completion_cost_figures(result: dict[str, Any]) -> None:
    """Service vs SpiffWorkflow alone, the engine's steps and the statements of one completion."""
    assert result["ratio_new_case"] > 0 and result["ratio_200_completed"] > 0
    for steps in (result["engine_steps_new_case"], result[f"engine_steps_{result['history']}_completed"]):
        assert set(steps) == {
            "load_median_ms",
            "complete_and_run_median_ms",
            "read_answer_median_ms",
            "serialize_median_ms",
        }
        assert steps["complete_and_run_median_ms"] > 0 and steps["read_answer_median_ms"] > 0, steps
        # The text as read and as answered: nothing parsed or serialized again on this side.
        assert steps["load_median_ms"] >= 0 and steps["serialize_median_ms"] >= 0, steps
    flat = result["history_flat"]
    assert set(flat["median_ms"]) == {str(n) for n in flat["between"]} and flat["ratio"] > 0, flat
    assert result["statements_per_completion_new_case"] >= 1
    # Also reported for the case with a long history (tests/webapp/test_completion_statements.py holds it flat).
    assert result[f"statements_per_completion_{result['history']}_completed"] >= 1


def _http_throughput_figures(result: dict[str, Any]) -> None:
    """Throughput from 200 answers, latencies, CPU of the deployment and statements per completion."""
    for run in result["runs"]:
        assert run["completions_200"] >= 1 and run["completions_per_second"] > 0, run
        assert 0 < run["latency_median_ms"] <= run["latency_p95_ms"], run
        assert run["server_cpu_ms_per_completion"] > 0, run
        assert run["server_cpu_ms_per_completion"] == pytest.approx(
            run["web_cpu_ms_per_completion"] + run["jobs_cpu_ms_per_completion"], abs=0.02
        )
        assert run["web_cpu_ms_per_completion"] == pytest.approx(
            run["web_app_cpu_ms_per_completion"] + run["web_engine_cpu_ms_per_completion"], abs=0.02
        )
        assert run["web_engine_cpu_ms_per_completion"] > 0, run  # every step runs in an engine process
        # Every completion is a request; the task list is asked only when the case changes hands.
        assert 1 < run["requests_per_completion"] < 2, run
        assert run["reply_letters_ready"] == run["appeals_walked"], run  # made by the worker, not lost
    statements = result["statements"]
    assert statements["completions"] >= 1 and statements["per_completion_mean"] >= 1, statements
    assert statements["all_requests_per_completion"] > statements["per_completion_mean"], statements
    assert statements["letter_job_per_letter"] >= 1, statements


def _dashboard_scale_figures(result: dict[str, Any]) -> None:
    """Every page measured in each round (the sizes in turn), its median over all of them."""
    for size in result["sizes"]:
        for page in size["pages"]:
            assert len(page["wall_ms"]) == 2, page  # --runs 2 over --rounds 2
            assert page["median_ms"] == pytest.approx(sum(page["wall_ms"]) / 2), page
            assert page["verdict"] in ("ok", "OVER"), page


FIGURES: dict[str, Callable[[dict[str, Any]], None]] = {
    "completion_cost.py": _completion_cost_figures,
    "http_throughput.py": _http_throughput_figures,
    "dashboard_scale.py": _dashboard_scale_figures,
}


@pytest.mark.parametrize(
    "benchmark",
    [pytest.param(b, id=b.script) for b in run_all.BENCHMARKS if b.in_full_run],
)
def test_the_full_run_passes_only_options_the_script_declares(benchmark: run_all.Benchmark, tmp_path: Path) -> None:
    """``make bench`` runs each script at real size with options the smoke runs do not use
    (``--output``, its database): each must be one the script's parser declares."""
    commands: list[list[str]] = []

    def record(command: list[str], **_kwargs: Any) -> None:
        commands.append(command)
        (tmp_path / "result.json").write_text("{}")

    postgres = "postgresql://postgres@127.0.0.1:5432/postgres" if benchmark.postgres_only else None
    run_all.run(benchmark, smoke=False, output=tmp_path / "result.json", postgres=postgres, runner=record)
    source = (Path(run_all.ROOT) / benchmark.script).read_text(encoding="utf-8")
    options = [part for part in commands[0][2:] if part.startswith("--")]
    assert "--output" in options
    for option in options:
        assert f'"{option}"' in source, f"{benchmark.script} does not declare {option}"
