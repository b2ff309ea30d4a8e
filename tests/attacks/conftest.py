"""The attack suite runs once per CI run (the SQLite pass): it exercises the engine and the web
layer, not the database, and it is long. Marked ``attack``; skipped when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from engine import sandbox
from engine.data_limits import DataLimits

# Tight limits so that the suite stays short; the production defaults are larger (webapp.config).
ATTACK_LIMITS = sandbox.SandboxLimits(
    cpu_seconds=1.0,
    wall_seconds=3.0,
    memory_mb=128,
    script_seconds=0.25,
    data=DataLimits(field_bytes=64 * 1024, case_bytes=256 * 1024, depth=20),
)
# A step must end within its wall-clock limit plus starting a fresh worker on a loaded machine.
TIME_BOUND = ATTACK_LIMITS.wall_seconds + 6.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="the attack and fuzz suites run once, in the SQLite pass")
    for item in items:
        if item.get_closest_marker("attack"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def attack_limits() -> Iterator[sandbox.SandboxLimits]:
    previous = sandbox.limits()
    limits = sandbox.configure(ATTACK_LIMITS)
    try:
        yield limits
    finally:
        sandbox.configure(previous)


from tests.webapp.conftest import (  # noqa: E402, F401 - shared web fixtures
    Api,
    as_user,
    bearer_api,
    fresh_g_per_request,
)
