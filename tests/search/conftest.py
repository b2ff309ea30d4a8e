"""Search tests: the web harness."""

from __future__ import annotations

from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401  (fixtures)
