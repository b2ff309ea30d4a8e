"""Public pages: the web test harness (fresh ``g`` per request, ``as_user``) and fresh rate limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401  (fixtures)
from webapp.extensions import limiter


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    """Every test starts with no requests counted (the limiter's memory storage lives with the app)."""
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()
