"""The cooperation tests use the web harness (fresh ``g`` per request) and the bearer-token API caller."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.webapp.conftest import Api, as_user, bearer_api, fresh_g_per_request  # noqa: F401 - shared fixtures
from webapp.platform.auth.models import User


@pytest.fixture
def api(bearer_api: Callable[[User], Api]) -> Callable[[User], Api]:  # noqa: F811 - the shared fixture
    return bearer_api
