"""The dashboards tests use the hand-built appeals of tests/stats and the web fixtures."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.stats.conftest import (  # noqa: F401 - shared fixtures
    Dataset,
    as_user,
    bearer_api,
    dataset,
    fresh_g_per_request,
)
from webapp.extensions import db


@pytest.fixture
def english(world: World) -> World:
    """Everyone reads English: the assertions use the msgids and English number formats."""
    for user in (world.supervisor, world.foreign_supervisor, world.region_supervisor, world.admin):
        user.language = "en"
    world.methodologist.language = "en"
    db.session.commit()
    return world
