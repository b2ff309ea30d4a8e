"""Run every benchmark of bench/: real sizes by default, tiny ones with --smoke (what the suite does).

Each benchmark is a script that writes its figures as JSON (``--output``) with two counts the smoke
test checks: ``completed`` (real work that succeeded: completions, check-ins, queries, pages) and
``errors``. A script that needs PostgreSQL gets its own database (created here, dropped afterwards
in smoke runs), never the shared test database. Usage:

    .venv/bin/python bench/run_all.py [--smoke] [--only NAME] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
# bpmn_completion.py is the completion step bpmn_corpus_run.py applies, not a benchmark of its own
NOT_BENCHMARKS = frozenset({"__init__.py", "scenario.py", "run_all.py", "bpmn_completion.py"})


def _counts(result: dict[str, Any]) -> tuple[int, int]:
    return int(result.get("completed") or 0), int(result.get("errors") or 0)


def _categorised(result: dict[str, Any]) -> tuple[int, int]:
    """evaluate_categorisation: every appeal of the test split was categorised."""
    return int(result["test"]["model"]["count"]), 0


@dataclass(frozen=True)
class Benchmark:
    script: str
    smoke: tuple[str, ...]
    postgres_only: bool = False
    # How the script is told its database: an option name, or None when it needs none.
    database_option: str | None = "--database-url"
    # False: the script makes a private schema in the database it is given (no database of its own).
    own_database: bool = True
    full: tuple[str, ...] = field(default=())
    counts: Callable[[dict[str, Any]], tuple[int, int]] = _counts
    # A benchmark with a smoke test of its own (it needs data the generic smoke run must not read,
    # e.g. a frozen test split, or a corpus only a person has): that test runs it at a tiny size.
    own_smoke_test: str | None = None
    # False: run_all does not run it at real size either (it needs arguments only a person has).
    in_full_run: bool = True


BENCHMARKS = (
    Benchmark("completion_cost.py", ("--repeat", "2", "--history", "20", "--flat", "4,8", "--clock", "cpu")),
    Benchmark("http_throughput.py", ("--appeals", "2", "--clients", "1,2", "--workers", "1", "--warmup", "1")),
    Benchmark("prevention_checkin.py", ("--plans", "1")),
    Benchmark(
        "evaluate_categorisation.py",
        (),
        database_option=None,
        counts=_categorised,
        own_smoke_test="tests/benchmarks/test_evaluate_categorisation.py",
    ),
    Benchmark(
        "bpmn_corpus.py",
        (),
        database_option=None,
        own_smoke_test="tests/engine/test_bpmn_corpus_bench.py",
        in_full_run=False,  # bench/bpmn_corpus.py DIRECTORY: an external corpus of diagrams
    ),
    Benchmark(
        "bpmn_corpus_run.py",
        (),
        database_option=None,
        own_smoke_test="tests/engine/test_bpmn_corpus_run_bench.py",
        in_full_run=False,  # bench/bpmn_corpus_run.py DIRECTORY [FILE...] [--eligible --complete]: external diagrams
    ),
    Benchmark("sandbox_cost.py", (), database_option=None, own_smoke_test="tests/attacks/test_bench_smoke.py"),
    Benchmark("api_fuzz.py", (), database_option=None, own_smoke_test="tests/attacks/test_api_fuzz.py"),
    Benchmark("national_import.py", (), database_option=None, own_smoke_test="tests/admin/test_import.py"),
    Benchmark("search_scale.py", (), database_option=None, own_smoke_test="tests/bench/test_search_scale.py"),
    Benchmark(
        "bottleneck_queries.py",
        ("--appeals", "200", "--pending", "50", "--repeat", "1"),
        postgres_only=True,
        own_database=False,
    ),
    Benchmark(
        "dashboard_scale.py",
        ("--generate", "60", "--runs", "2", "--warmup", "0", "--rounds", "2"),
        postgres_only=True,
        database_option="--url",
        full=("--generate", "1000000", "--rounds", "4"),
    ),
)


def scripts_on_disk() -> set[str]:
    return {path.name for path in ROOT.glob("*.py") if path.name not in NOT_BENCHMARKS}


def _admin(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def create_database(server_url: str) -> str:
    import psycopg

    name = f"mahalla_bench_smoke_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin(server_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(_admin(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(
    benchmark: Benchmark,
    *,
    smoke: bool,
    output: Path,
    postgres: str | None = None,
    runner: Callable[..., Any] = subprocess.run,
) -> dict[str, Any]:
    """Run one benchmark as its own process; return the JSON it wrote."""
    command = [sys.executable, str(ROOT / benchmark.script), *(benchmark.smoke if smoke else benchmark.full)]
    command += ["--output", str(output)]
    database = None
    if benchmark.database_option and (postgres or benchmark.postgres_only):
        server = postgres or DEFAULT_POSTGRES
        if not benchmark.own_database:
            command += [benchmark.database_option, server]
        else:
            database = create_database(server) if smoke else _with_database(server, f"mahalla_bench_{output.stem}")
            command += [benchmark.database_option, database]
    elif benchmark.database_option:
        command += [benchmark.database_option, f"sqlite:///{output.parent / (output.stem + '.sqlite3')}"]
    try:
        runner(command, check=True, cwd=ROOT.parent, timeout=None if not smoke else 600)
    finally:
        if database is not None and smoke:
            drop_database(database)
    return dict(json.loads(output.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: seconds, not minutes")
    parser.add_argument("--only", action="append", help="run only this script (repeatable)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; without it, SQLite where a script allows it")
    args = parser.parse_args(argv)
    missing = scripts_on_disk() - {b.script for b in BENCHMARKS}
    if missing:
        raise SystemExit(f"benchmarks not listed in bench/run_all.py: {', '.join(sorted(missing))}")
    failed = []
    with tempfile.TemporaryDirectory() as scratch:
        for benchmark in BENCHMARKS:
            if args.only and benchmark.script not in args.only:
                continue
            if (args.smoke and benchmark.own_smoke_test) or (not args.smoke and not benchmark.in_full_run):
                why = f"smoke-tested by {benchmark.own_smoke_test}" if args.smoke else "run it by hand (see its --help)"
                print(f"== {benchmark.script}: skipped, {why}", flush=True)
                continue
            # Smoke figures are thrown away; real ones are kept in bench/results/.
            folder = Path(scratch) if args.smoke else ROOT / "results"
            folder.mkdir(exist_ok=True)
            output = folder / f"{benchmark.script.removesuffix('.py')}.json"
            print(f"== {benchmark.script}", flush=True)
            result = run(benchmark, smoke=args.smoke, output=output, postgres=args.postgres)
            completed, errors = benchmark.counts(result)
            print(f"   completed {completed}, errors {errors}", flush=True)
            if not completed or errors:
                failed.append(benchmark.script)
    if failed:
        print(f"no real work or errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
