"""API tests: the web harness (fresh ``g`` per request), ``bearer_api`` and ``as_user``."""

from __future__ import annotations

from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401  (fixtures)
