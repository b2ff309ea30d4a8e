"""The isolation benchmark runs (tiny size): every design completes the same steps and reports figures."""

from __future__ import annotations

import pytest

from bench.sandbox_cost import run
from engine import sandbox

pytestmark = pytest.mark.attack


def test_the_sandbox_cost_benchmark_measures_three_designs() -> None:
    before = sandbox.limits()
    figures = run(steps=3)
    assert sandbox.limits() == before and sandbox._inline is None  # isolation is back on
    for design in ("inline", "pool", "fork"):
        assert figures[design]["wall_ms_median"] > 0
        assert figures[design]["cpu_ms_median"] >= 0
