"""Fixtures for the bottleneck tests: the shared web harness, and cases completed at known times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from engine.clock import frozen_at
from tests.conftest import World
from tests.webapp.cases import complete, register
from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401 - shared web fixtures
from webapp.casework.appeals.models import Appeal
from webapp.platform.timeutil import utcnow

HOUR = 3600.0


@dataclass
class Timed:
    start: dt.datetime
    chilonzor: list[Appeal]
    foreign: Appeal


def registered_and_checked(world: World, start: dt.datetime, hours: float, **where: object) -> Appeal:
    """An appeal registered at ``start`` whose check_registration is completed ``hours`` later."""
    with frozen_at(start):
        appeal = register(world, **where)  # type: ignore[arg-type]
    with frozen_at(start + dt.timedelta(hours=hours)):
        complete(world, appeal, "check_registration")
    return appeal


@pytest.fixture
def timed(world: World) -> Timed:
    """check_registration took 2, 4 and 10 hours in Chilonzor (M1, M1, M2) and 100 hours in the
    other district; every case now waits in analyse_appeal."""
    start = (utcnow() - dt.timedelta(days=10)).replace(microsecond=0)
    chilonzor = [
        registered_and_checked(world, start, 2),
        registered_and_checked(world, start + dt.timedelta(minutes=1), 4),
        registered_and_checked(
            world, start + dt.timedelta(minutes=2), 10, mahalla=world.second_mahalla, actor=world.inspector2
        ),
    ]
    foreign = registered_and_checked(world, start, 100, mahalla=world.foreign_mahalla, actor=world.foreign_inspector)
    return Timed(start, chilonzor, foreign)
